namespace Backprop;

/// <summary>
/// The rows a run learns from and watches: the training rows, the validation rows (a given set, or a seeded held-out
/// fraction of the training rows: stratified for classifiers in memory, by a seeded hash of the row id when streamed),
/// and the label scaling that maps both sets' targets to what the network is trained on.
/// </summary>
internal sealed class TrainingRows
{
    private TrainingRows(RowCollection train, RowCollection? validation, LabelScaling? labelScaling)
    {
        Train = train;
        Validation = validation;
        LabelScaling = labelScaling;
    }

    public RowCollection Train { get; }

    /// <summary>The rows early stopping and the history watch, or <see langword="null"/> when there are none.</summary>
    public RowCollection? Validation { get; }

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

    /// <summary>
    /// The rows of a source: the same choices as <see cref="Prepare"/>, made on the first pass over the rows
    /// (<see cref="SourceScan"/>), with the held-out rows chosen by a seeded hash of the row id.
    /// </summary>
    /// <param name="options">The held-out fraction, the seed and whether to standardise the label.</param>
    /// <param name="loss">Checks the labels; only an identity output's label is scaled.</param>
    /// <param name="source">The training rows.</param>
    /// <param name="validation">A given validation set, or <see langword="null"/>.</param>
    /// <param name="initial">A warm start's model, whose label scaling carries on.</param>
    /// <param name="classBound">The class count labels must stay below, when known before the pass.</param>
    /// <param name="sampleSeed">The seed of the sample of rows <see cref="SourceScan.Sample"/> keeps, or <see langword="null"/> for none.</param>
    /// <param name="cancellation">Checked during the pass.</param>
    public static (TrainingRows Rows, SourceScan Scan) PrepareStreamed(MlpTrainerOptions options, LossFunction loss,
        TrainingRowSource source, TrainingData? validation, MultilayerPerceptron? initial, int classBound, int? sampleSeed,
        CancellationToken cancellation)
    {
        HoldOutRule rule = validation is not null ? HoldOutRule.None
            : options.Fold is { } fold ? new HoldOutRule(fold.Seed, (double)fold.Index / fold.Count, (double)(fold.Index + 1) / fold.Count)
            : new HoldOutRule(options.Seed, 0, options.ValidationFraction);
        bool scales = initial is null && options.StandardizeLabel && loss.OutputTransform == OutputTransform.Identity;
        MomentRows moments = !scales ? MomentRows.None : options.Fold is null ? MomentRows.Training : MomentRows.All;
        SourceScan scan = SourceScan.Run(source, rule, loss, classBound, moments, sampleSeed, options.HeldOutMemoryBytes, cancellation);

        LabelScaling? scaling = initial is not null ? initial.LabelScaling : scan.Moments?.Scaling();
        var train = new StreamedRows(source, rule, heldOut: false, scaling, scan.TrainCount, scan.TrainWeight);
        RowCollection? validationRows = validation is not null ? new RowSet(validation, scaling, AllRows(validation.RowCount))
            : rule.HoldsOutAny ? new StreamedRows(scan.HeldOut ?? source, rule, heldOut: true, scaling, scan.HeldOutCount, scan.HeldOutWeight)
            : null;
        return (new TrainingRows(train, validationRows, scaling), scan);
    }

    // The weighted mean and deviation of the training rows' labels (a constant label keeps its scale).
    private static LabelScaling Standardisation(TrainingData data, int[] rows)
    {
        var moments = new LabelMoments();
        foreach (int r in rows)
            moments.Add(data.Labels[r], data.Weights?[r] ?? 1f);
        return moments.Scaling();
    }

    private static int[] AllRows(int count) => Enumerable.Range(0, count).ToArray();
}
