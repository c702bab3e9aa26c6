using System.Diagnostics;

namespace Backprop;

/// <summary>
/// One call of <see cref="MlpTrainer.Train"/>: checks the data against the options, prepares the rows, then runs the
/// epochs — the optimiser's <see cref="EpochStrategy"/>, validation, the schedule, early stopping and the history — and
/// returns the trained network.
/// </summary>
internal sealed class TrainingRun
{
    private readonly MlpTrainerOptions _options;
    private readonly StopReason _completedReason;
    private readonly MultilayerPerceptron? _initial;
    private readonly LossFunction _loss;
    private readonly Optimizer _optimizer;
    private readonly NetworkLayout _layout;
    private readonly TrainingRows _rows;
    private readonly TrainingContext _context;
    private readonly ValidationScorer? _scorer;
    private readonly string _metricName;

    /// <summary>The rows given to training, held-out rows included.</summary>
    public int RowCount { get; }

    /// <param name="options">The run's options.</param>
    /// <param name="training">The training rows: a <see cref="TrainingData"/> in memory or a <see cref="TrainingRowSource"/>.</param>
    /// <param name="validation">A validation set, or <see langword="null"/>.</param>
    /// <param name="initialModel">A warm start's model, or <see langword="null"/>.</param>
    /// <param name="cancellation">Checked between batches and during passes over a source.</param>
    /// <param name="completedReason">The stop reason when every epoch runs.</param>
    public TrainingRun(MlpTrainerOptions options, TrainingInput training, TrainingData? validation,
        MultilayerPerceptron? initialModel, CancellationToken cancellation, StopReason completedReason = StopReason.Completed)
    {
        _options = options;
        _completedReason = completedReason;
        _initial = initialModel;
        _loss = options.Loss;
        _optimizer = options.Optimizer;

        int featureCount = training.FeatureCount;
        if (validation is not null && validation.FeatureCount != featureCount)
            throw new ArgumentException(
                $"The validation data has {validation.FeatureCount} features but the training data has {featureCount}; both must come from the same featurisation.",
                nameof(validation));

        int rowCount;
        float maxLabel, firstLabel;
        bool severalLabels;
        int[]? embedded = initialModel?.Layout.Embedding?.EmbeddedFeatures;
        if (training.Source is { } source)
        {
            if (_optimizer.IsFullBatch)
                throw new ArgumentException(
                    $"The optimiser {_optimizer.Name} evaluates the objective over every row at each step of its line search, which " +
                    "streamed rows cannot afford; stream with a mini-batch optimiser such as Adam, or train on rows in memory.",
                    nameof(options.Optimizer));
            int classBound = _loss.OutputTransform == OutputTransform.Softmax ? initialModel?.OutputCount ?? options.NumberOfClasses ?? int.MaxValue : 2;
            bool samples = options.NumericEmbedding is not null && embedded is null;
            (_rows, SourceScan scan) = TrainingRows.PrepareStreamed(options, _loss, source, validation, initialModel, classBound,
                samples ? options.Seed : null, cancellation);
            (rowCount, maxLabel, firstLabel, severalLabels) = (scan.RowCount, scan.MaxLabel, scan.FirstLabel, scan.SeveralLabels);
            if (samples)
                embedded = EmbeddingLayout.ManyValuedFeatures(scan.Sample, featureCount);
        }
        else
        {
            TrainingData data = training.Data!;
            (rowCount, maxLabel, firstLabel) = (data.RowCount, data.Labels.Max(), data.Labels[0]);
            severalLabels = data.Labels.Any(y => y != firstLabel);
            if (options.NumericEmbedding is not null)
                embedded ??= EmbeddingLayout.ManyValuedFeatures(data.Features, featureCount);
        }

        int classCount = ClassCount(maxLabel, validation);
        _loss.ValidateClassCount(classCount);
        if (training.Data is { } inMemory)
            _loss.ValidateTargets(inMemory.Labels, classCount, "labels");
        if (validation is not null)
            _loss.ValidateTargets(validation.Labels, classCount, "validation labels");
        if (_loss.IsClassification && !severalLabels)
            throw new ArgumentException(
                $"Every training label is {firstLabel}: a classifier needs examples of at least two classes.", "labels");
        // Streamed rows were prepared in their first pass; rows in memory are split once they are known to be sound.
        _rows ??= TrainingRows.Prepare(options, _loss, training.Data!, validation, initialModel);
        RowCount = rowCount;

        EmbeddingLayout? embedding = options.NumericEmbedding is { } periodic && embedded is { Length: > 0 }
            ? new EmbeddingLayout(featureCount, embedded, periodic.Frequencies, periodic.Size)
            : null;
        try
        {
            _layout = new NetworkLayout(featureCount, [.. options.HiddenLayers, _loss.OutputWidth(classCount)],
                Enumerable.Repeat(options.Activation, options.HiddenLayers.Count).ToArray(), embedding, options.Residual, options.Normalization);
        }
        catch (OverflowException)
        {
            throw new ArgumentOutOfRangeException(nameof(options.HiddenLayers), $"[{string.Join(", ", options.HiddenLayers)}]",
                $"A network of {featureCount} features and HiddenLayers [{string.Join(", ", options.HiddenLayers)}] has " +
                "more parameters than one network can hold (2,147,483,647); use narrower layers or fewer features.");
        }
        if (initialModel is not null)
            CheckWarmStart(initialModel);

        int batchCapacity = Math.Min(options.BatchSize, _rows.Train.Count);
        int threads = options.NumberOfThreads ?? Environment.ProcessorCount;
        var batch = new BatchBuffer(new Propagator(_layout, batchCapacity, withDropout: options.Dropout > 0f, threads));
        // Unset, the L2 penalty follows the row count of the whole training set, held-out rows included, so every
        // member of an ensemble and a refit on all rows get the same penalty.
        _context = new TrainingContext(options,
            new Objective(_layout, _loss, options.L1Regularization, options.L2RegularizationFor(rowCount)),
            _rows.Train, batch, cancellation,
            options.Diagnostics ? new TrainingDiagnostics(_layout, new TrainingHealth(options, _layout)) : null);
        _scorer = _rows.Validation is { } held ? new ValidationScorer(_loss, options.EarlyStoppingMetric, batch, _layout.OutputCount, held) : null;
        _metricName = ValidationScorer.MetricFor(_loss, options.EarlyStoppingMetric);
    }

    public MultilayerPerceptron Execute()
    {
        int parameterCount = _layout.ParameterCount;
        // The parameters, then any running statistics: early stopping and the model keep both.
        float[] parameters = new float[_layout.ValueCount];
        TrainingState? previous = _initial?.TrainingState;
        if (_initial is not null)
            _initial.Parameters.CopyTo(parameters);
        else
            WeightInitializer.Initialize(_layout, parameters, _options.WeightInitialization,
                SeededRandom.ForStream(_options.Seed, RandomStream.Initialization), _options.NumericEmbedding?.FrequencyScale ?? 0f);

        bool continueOptimizer = previous is not null && previous.OptimizerName == _optimizer.Name
            && _optimizer.CanContinue(previous.OptimizerBuffers, parameterCount);
        var progress = continueOptimizer
            ? new OptimizerProgress(previous!.OptimizerBuffers.Select(b => (float[])b.Clone()).ToArray(), previous.StepsCompleted)
            : new OptimizerProgress(_optimizer.CreateBuffers(parameterCount), 0);
        ScheduleState schedule = previous?.Schedule.Clone() ?? new ScheduleState();
        int epochOffset = previous?.EpochsCompleted ?? _initial?.History.Epochs.Count ?? 0;
        var history = new List<EpochRecord>(_initial?.History.Epochs ?? []);
        var earlyStopping = _options.EarlyStopping
            ? new EarlyStoppingTracker(parameters.Length, _options.EarlyStoppingPatience, _options.EarlyStoppingMinDelta)
            : null;
        StopReason stopReason = _completedReason;
        var average = _options.WeightAverageDecayInUse is > 0f and var decay ? new WeightAverage(decay) : null;

        EpochStrategy epochs = _optimizer.CreateEpochs(_context);
        epochs.Begin(parameters);
        int epochsRun = 0;
        for (int e = 0; e < _options.NumberOfIterations; e++)
        {
            var watch = Stopwatch.StartNew();
            int epoch = epochOffset + e;
            double rate = _options.LearningRate * _options.LearningRateSchedule.Factor(epoch, _options.NumberOfIterations) * schedule.Scale;
            (double trainingLoss, bool progressed) = epochs.Run(parameters, epoch, (float)rate, progress);
            epochsRun++;
            // What this epoch yields: the weight average when there is one, else the optimiser's weights.
            float[] result = average?.Update(parameters) ?? parameters;

            double? validationLoss = null, validationMetric = null;
            if (_scorer is not null)
                (validationLoss, validationMetric) = _scorer.Score(result, _rows.Validation!);
            if (validationLoss is { } v && !double.IsFinite(v))
                throw new TrainingDivergedException(
                    $"The validation loss became {v} in epoch {epoch + 1}. Check that the validation features are scaled like the training features. {_context.DivergenceAdvice}");

            double monitored = _scorer is null ? trainingLoss
                : _options.EarlyStoppingMetric == ValidationMetric.Loss ? validationLoss!.Value : -validationMetric!.Value;
            _options.LearningRateSchedule.EpochEnded(monitored, _options.LearningRate, schedule);

            var record = new EpochRecord(epoch + 1, trainingLoss, validationLoss, validationMetric, rate, watch.Elapsed.TotalSeconds);
            if (_context.Diagnostics is { } diagnostics)
            {
                var (measured, warnings) = diagnostics.EndEpoch(parameters);
                record = record with { Diagnostics = measured, Warnings = warnings };
            }
            history.Add(record);
            _options.EpochCompleted?.Invoke(record);

            if (earlyStopping is not null && earlyStopping.Observe(monitored, epoch + 1, result))
            {
                stopReason = StopReason.EarlyStopped;
                break;
            }
            if (!progressed)
            {
                stopReason = StopReason.Converged;
                break;
            }
        }

        average?.CopyTo(parameters);
        // Early stopping keeps the best epoch's weights however the run ended.
        earlyStopping?.RestoreBest(parameters, epochOffset + epochsRun);

        int firstBad = Array.FindIndex(parameters, p => !float.IsFinite(p));
        if (firstBad >= 0)
            throw new TrainingDivergedException(
                $"Training diverged: parameter {firstBad} became {parameters[firstBad]}. {_context.DivergenceAdvice}");

        var state = new TrainingState(_optimizer.Name, progress.Steps, epochOffset + epochsRun, progress.Buffers, schedule);
        return new MultilayerPerceptron(_layout, parameters, _loss.OutputTransform, _rows.LabelScaling,
            new TrainingHistory(history, _metricName, earlyStopping?.BestEpoch, stopReason), state);
    }

    private int ClassCount(float maxTrainingLabel, TrainingData? validation)
    {
        if (_loss.OutputTransform != OutputTransform.Softmax)
            return 2;
        if (_initial is not null)
            return _initial.OutputCount;
        if (_options.NumberOfClasses is { } given)
            return given;
        float max = maxTrainingLabel;
        if (validation is not null)
            max = Math.Max(max, validation.Labels.Max());
        return Math.Max(2, (int)max + 1);
    }

    private void CheckWarmStart(MultilayerPerceptron initial)
    {
        if (initial.InputCount != _layout.InputCount)
            throw new ArgumentException(
                $"The initial model takes {initial.InputCount} features but the training data has {_layout.InputCount}.", "initialModel");
        if (!initial.Layout.SameShapeAs(_layout))
            throw new ArgumentException(
                $"The initial model's shape {initial.Layout} differs from the options' {_layout}; warm start needs the same layers and activations.", "initialModel");
        if (initial.OutputTransform != _loss.OutputTransform)
            throw new ArgumentException(
                $"The initial model has a {initial.OutputTransform} output but the loss {_loss.Name} needs {_loss.OutputTransform}.", "initialModel");
    }
}
