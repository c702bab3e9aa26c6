namespace Backprop;

/// <summary>
/// Trains a <see cref="MultilayerPerceptron"/> by back-propagation on a <see cref="TrainingData"/> set.
/// </summary>
/// <example>
/// <code>
/// var trainer = new MlpTrainer(new MlpTrainerOptions { HiddenLayers = [64, 32], ValidationFraction = 0.1f });
/// MultilayerPerceptron model = trainer.Train(new TrainingData(features, featureCount, labels));
/// float[] price = model.Predict(row);
/// </code>
/// </example>
public sealed class MlpTrainer
{
    /// <summary>Creates a trainer; the options are checked now and again when training starts.</summary>
    public MlpTrainer(MlpTrainerOptions? options = null)
    {
        Options = options ?? new MlpTrainerOptions();
        Options.Validate();
    }

    /// <summary>The options every <see cref="Train"/> call uses.</summary>
    public MlpTrainerOptions Options { get; }

    /// <summary>Trains a network.</summary>
    /// <param name="training">The training set.</param>
    /// <param name="validation">
    /// A validation set for early stopping and the history's validation figures; default none, in which case
    /// <see cref="MlpTrainerOptions.ValidationFraction"/> of the training rows may be held out.
    /// </param>
    /// <param name="initialModel">
    /// A model of the same shape to continue from (warm start): its weights, label scaling, optimiser state,
    /// schedule state, epoch count and history carry on. Default none.
    /// </param>
    /// <param name="cancellationToken">Checked between mini-batches.</param>
    /// <exception cref="ArgumentException">The data does not fit the options or the initial model.</exception>
    /// <exception cref="TrainingDivergedException">The loss or the weights became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public MultilayerPerceptron Train(TrainingData training, TrainingData? validation = null,
        MultilayerPerceptron? initialModel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        Options.Validate();
        MultilayerPerceptron model = new TrainingRun(Options, training, validation, initialModel, cancellationToken).Execute();
        if (!Options.RefitOnAllRows || validation is not null || Options.ValidationFraction == 0f || !Options.EarlyStopping)
            return model;

        // The held-out run chose how many epochs to train; train that many again, from the same start, on every row.
        int epochsBefore = initialModel?.History.Epochs.Count ?? 0;
        int chosen = (model.History.BestEpoch ?? model.History.Epochs[^1].Epoch) - epochsBefore;
        var refit = Options.Copy();
        refit.ValidationFraction = 0f;
        refit.EarlyStopping = false;
        refit.NumberOfIterations = Math.Max(1, chosen);
        return new TrainingRun(refit, training, null, initialModel, cancellationToken, StopReason.Refitted).Execute();
    }
}
