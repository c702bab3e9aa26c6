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
        return TrainSingle(training, validation, initialModel, cancellationToken);
    }

    /// <summary>
    /// Trains a network on rows streamed from <paramref name="training"/>, for data larger than memory: a first pass checks
    /// the rows, gathers the label scaling and the counts and keeps the held-out rows (a seeded hash of the row id picks
    /// <see cref="MlpTrainerOptions.ValidationFraction"/> of them; up to 512 MB of them, else they are read again to be
    /// scored each epoch); each epoch then reads the rows again on a thread of its own, shuffled within a buffer of
    /// <see cref="MlpTrainerOptions.ShuffleBufferRows"/> rows (see <see cref="MlpTrainerOptions.ShuffleSource"/>). Every option works
    /// as with rows in memory except the full-batch L-BFGS; when the buffer holds every row and the source returns a
    /// <see cref="TrainingData"/>'s rows in order, with no rows held out, the result is that of
    /// <see cref="Train"/>, bit for bit.
    /// </summary>
    /// <param name="training">The training rows.</param>
    /// <param name="validation">A validation set in memory for early stopping; default none (rows are held out by hash).</param>
    /// <param name="initialModel">A model of the same shape to continue from (warm start); default none.</param>
    /// <param name="cancellationToken">Checked between mini-batches and during every pass.</param>
    /// <exception cref="ArgumentException">A row, the data or the options do not fit (the message names the row and the fix).</exception>
    /// <exception cref="TrainingDivergedException">The loss or the weights became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public MultilayerPerceptron TrainStreamed(TrainingRowSource training, TrainingData? validation = null,
        MultilayerPerceptron? initialModel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        return TrainSingle(training, validation, initialModel, cancellationToken);
    }

    /// <summary>
    /// Trains <see cref="MlpTrainerOptions.NumberOfModels"/> networks and returns them as one averaged model (see
    /// <see cref="MlpTrainerOptions.NumberOfModels"/> for how the rows are split). The members train concurrently, up
    /// to <see cref="MlpTrainerOptions.NumberOfThreads"/> at a time, each on its own share of the threads; the result
    /// does not depend on the thread count. <see cref="MlpTrainerOptions.EpochCompleted"/> is called for every member's
    /// epochs, one call at a time.
    /// </summary>
    /// <param name="training">The training set.</param>
    /// <param name="validation">A validation set every member early-stops on; default none (the members hold out folds).</param>
    /// <param name="initialModel">An ensemble of as many members to continue from (warm start): member j continues member j on the same split.</param>
    /// <param name="cancellationToken">Checked between mini-batches.</param>
    /// <param name="memberEpochCompleted">Called, one call at a time, after every epoch of every member with the member's index; default none.</param>
    /// <exception cref="ArgumentException">The data does not fit the options or the initial model.</exception>
    /// <exception cref="TrainingDivergedException">A member's loss or weights became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public MlpEnsemble TrainEnsemble(TrainingData training, TrainingData? validation = null, MlpEnsemble? initialModel = null,
        CancellationToken cancellationToken = default, Action<int, EpochRecord>? memberEpochCompleted = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        return TrainEnsembleOf(training, validation, initialModel, cancellationToken, memberEpochCompleted);
    }

    /// <summary>
    /// Trains <see cref="MlpTrainerOptions.NumberOfModels"/> networks on streamed rows and returns them as one averaged
    /// model: as <see cref="TrainEnsemble"/>,
    /// each member reading the source through its own cursors, member j holding out the rows whose seeded hash falls in
    /// fold j (see <see cref="TrainStreamed"/>).
    /// </summary>
    /// <param name="training">The training rows.</param>
    /// <param name="validation">A validation set in memory every member early-stops on; default none (the members hold out folds).</param>
    /// <param name="initialModel">An ensemble of as many members to continue from (warm start).</param>
    /// <param name="cancellationToken">Checked between mini-batches and during every pass.</param>
    /// <param name="memberEpochCompleted">Called, one call at a time, after every epoch of every member with the member's index; default none.</param>
    /// <exception cref="ArgumentException">A row, the data or the options do not fit.</exception>
    /// <exception cref="TrainingDivergedException">A member's loss or weights became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public MlpEnsemble TrainEnsembleStreamed(TrainingRowSource training, TrainingData? validation = null, MlpEnsemble? initialModel = null,
        CancellationToken cancellationToken = default, Action<int, EpochRecord>? memberEpochCompleted = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        return TrainEnsembleOf(training, validation, initialModel, cancellationToken, memberEpochCompleted);
    }

    private MultilayerPerceptron TrainSingle(TrainingInput training, TrainingData? validation, MultilayerPerceptron? initialModel,
        CancellationToken cancellationToken)
    {
        Options.Validate();
        if (Options.NumberOfModels != 1)
            throw new ArgumentException(
                $"NumberOfModels is {Options.NumberOfModels}: train an ensemble with TrainEnsemble, or set NumberOfModels to 1.",
                nameof(MlpTrainerOptions.NumberOfModels));
        return TrainOne(Options, training, validation, initialModel, cancellationToken);
    }

    private MlpEnsemble TrainEnsembleOf(TrainingInput training, TrainingData? validation, MlpEnsemble? initialModel,
        CancellationToken cancellationToken, Action<int, EpochRecord>? memberEpochCompleted)
    {
        Options.Validate();
        int k = Options.NumberOfModels;
        if (initialModel is not null && initialModel.Members.Count != k)
            throw new ArgumentException(
                $"The initial ensemble has {initialModel.Members.Count} members but NumberOfModels is {k}; a warm start continues every member.",
                nameof(initialModel));
        int threads = Options.NumberOfThreads ?? Environment.ProcessorCount;
        int concurrent = Math.Min(k, threads);
        // Rows are held out (for early stopping and the history) when no validation set is given and the fraction is above 0.
        BaggingFold? Fold(int j) => k > 1 && validation is null && Options.ValidationFraction > 0f
            ? new BaggingFold(j, Math.Max(k, (int)Math.Round(1.0 / Options.ValidationFraction)), Options.Seed)
            : null;

        // One lock serialises the callbacks, whichever member's thread reports.
        var gate = new object();
        var members = new MultilayerPerceptron[k];
        var memberOptions = Enumerable.Range(0, k).Select(j =>
        {
            var o = Options.Copy();
            o.NumberOfModels = 1;
            o.Seed = unchecked(Options.Seed + j);
            o.Fold = Fold(j);
            o.NumberOfThreads = Math.Max(1, threads / concurrent);
            Action<EpochRecord>? user = Options.EpochCompleted;
            if (user is not null || memberEpochCompleted is not null)
                o.EpochCompleted = record =>
                {
                    lock (gate)
                    {
                        user?.Invoke(record);
                        memberEpochCompleted?.Invoke(j, record);
                    }
                };
            return o;
        }).ToArray();
        try
        {
            Parallel.For(0, k, new ParallelOptions { MaxDegreeOfParallelism = concurrent, CancellationToken = cancellationToken },
                j => members[j] = TrainOne(memberOptions[j], training, validation, initialModel?.Members[j], cancellationToken));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // A failing member's exception, thrown as a single network would have thrown it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        return new MlpEnsemble(members);
    }

    private static MultilayerPerceptron TrainOne(MlpTrainerOptions options, TrainingInput training, TrainingData? validation,
        MultilayerPerceptron? initialModel, CancellationToken cancellationToken)
    {
        var run = new TrainingRun(options, training, validation, initialModel, cancellationToken);
        MultilayerPerceptron model = run.Execute();
        if (!options.RefitOnAllRowsFor(run.RowCount, validation))
            return model;

        // The held-out run chose how many epochs to train; train that many again, from the same start, on every row.
        int epochsBefore = initialModel?.History.Epochs.Count ?? 0;
        int chosen = (model.History.BestEpoch ?? model.History.Epochs[^1].Epoch) - epochsBefore;
        var refit = options.Copy();
        refit.Fold = null;
        refit.ValidationFraction = 0f;
        refit.EarlyStopping = false;
        refit.NumberOfIterations = Math.Max(1, chosen);
        return new TrainingRun(refit, training, null, initialModel, cancellationToken, StopReason.Refitted).Execute();
    }
}
