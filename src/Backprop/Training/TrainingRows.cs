namespace Backprop;

/// <summary>
/// The rows a run learns from and watches: the training rows, the validation rows (a given set, or a seeded held-out
/// fraction of the training rows, stratified for classifiers), and the label scaling that maps both sets' targets to
/// what the network is trained on.
/// </summary>
internal sealed class TrainingRows
{
    private TrainingRows(RowSet train, RowSet? validation, LabelScaling? labelScaling)
    {
        Train = train;
        Validation = validation;
        LabelScaling = labelScaling;
    }

    public RowSet Train { get; }

    /// <summary>The rows early stopping and the history watch, or <see langword="null"/> when there are none.</summary>
    public RowSet? Validation { get; }

    /// <summary>The standardisation of a regression label, or <see langword="null"/> when the network sees the label as it is.</summary>
    public LabelScaling? LabelScaling { get; }

    /// <param name="options">The held-out fraction, the seed and whether to standardise the label.</param>
    /// <param name="loss">Classification losses stratify the split and never scale the label.</param>
    /// <param name="training">The training set.</param>
    /// <param name="validation">A given validation set, or <see langword="null"/>.</param>
    /// <param name="initial">A warm start's model, whose label scaling carries on.</param>
    public static TrainingRows Prepare(MlpTrainerOptions options, LossFunction loss, TrainingData training, TrainingData? validation,
        MultilayerPerceptron? initial)
    {
        (int[] trainRows, int[]? heldOutRows) = validation is not null ? (AllRows(training.RowCount), null)
            : options.Fold is { } fold
                ? ValidationSplit.Fold(training.Labels, fold.Index, fold.Count, stratify: loss.IsClassification,
                    SeededRandom.ForStream(fold.Seed, RandomStream.ValidationSplit))
            : options.ValidationFraction == 0f ? (AllRows(training.RowCount), null)
            : ValidationSplit.Split(training.Labels, options.ValidationFraction, stratify: loss.IsClassification,
                SeededRandom.ForStream(options.Seed, RandomStream.ValidationSplit));
        // An ensemble member scales the label by every training row, so that all members share one scaling and their
        // raw outputs can be averaged.
        LabelScaling? scaling = initial is not null ? initial.LabelScaling
            : options.StandardizeLabel && loss.OutputTransform == OutputTransform.Identity
                ? Standardisation(training, options.Fold is null ? trainRows : AllRows(training.RowCount))
            : null;

        var validationRows = validation is not null ? new RowSet(validation, scaling, AllRows(validation.RowCount))
            : heldOutRows is not null ? new RowSet(training, scaling, heldOutRows)
            : null;
        return new TrainingRows(new RowSet(training, scaling, trainRows), validationRows, scaling);
    }

    // The weighted mean and deviation of the training rows' labels (a constant label keeps its scale).
    private static LabelScaling Standardisation(TrainingData data, int[] rows)
    {
        double weightSum = 0, mean = 0;
        foreach (int r in rows)
        {
            double w = data.Weights?[r] ?? 1;
            weightSum += w;
            mean += w * data.Labels[r];
        }
        mean /= weightSum;
        double variance = 0;
        foreach (int r in rows)
            variance += (data.Weights?[r] ?? 1) * Math.Pow(data.Labels[r] - mean, 2);
        double deviation = Math.Sqrt(variance / weightSum);
        return new LabelScaling(mean, deviation > 0 ? deviation : 1.0);
    }

    private static int[] AllRows(int count) => Enumerable.Range(0, count).ToArray();
}
