using System.Diagnostics;

namespace Backprop;

/// <summary>One call of <see cref="MlpTrainer.Train"/>: the data views, buffers and loop.</summary>
internal sealed class TrainingRun
{
    private readonly MlpTrainerOptions _options;
    private readonly StopReason _completedReason;
    private readonly CancellationToken _cancellation;
    private readonly MultilayerPerceptron? _initial;
    private readonly LossFunction _loss;
    private readonly Optimizer _optimizer;
    private readonly NetworkLayout _layout;
    private readonly Objective _objective;
    private readonly LabelScaling? _labelScaling;
    private readonly RowSet _train;
    private readonly RowSet? _validation;
    private readonly Propagator _propagator;
    private readonly float[] _batchTargets;
    private readonly float[] _batchWeights;
    private readonly int[] _epochOrder;
    private readonly float _weightDecay;
    private readonly string _metricName;

    public TrainingRun(MlpTrainerOptions options, TrainingData training, TrainingData? validation,
        MultilayerPerceptron? initialModel, CancellationToken cancellation, StopReason completedReason = StopReason.Completed)
    {
        _options = options;
        _completedReason = completedReason;
        _cancellation = cancellation;
        _initial = initialModel;
        _loss = options.Loss;
        _optimizer = options.Optimizer;
        _weightDecay = options.WeightDecay ?? _optimizer.DefaultWeightDecay;

        if (validation is not null && validation.FeatureCount != training.FeatureCount)
            throw new ArgumentException(
                $"The validation data has {validation.FeatureCount} features but the training data has {training.FeatureCount}; both must come from the same featurisation.",
                nameof(validation));

        int classCount = ClassCount(training, validation);
        _loss.ValidateTargets(training.Labels, classCount, "labels");
        if (validation is not null)
            _loss.ValidateTargets(validation.Labels, classCount, "validation labels");
        RequireSeveralClasses(training.Labels);

        _layout = new NetworkLayout(training.FeatureCount, [.. options.HiddenLayers, _loss.OutputWidth(classCount)],
            Enumerable.Repeat(options.HiddenActivation, options.HiddenLayers.Count).ToArray());
        if (initialModel is not null)
            CheckWarmStart(initialModel);
        _objective = new Objective(_layout, _loss, options.L1Regularization, options.L2Regularization);

        (int[] trainRows, int[]? heldOutRows) = SplitRows(training, validation);
        _labelScaling = initialModel is not null ? initialModel.LabelScaling
            : options.StandardizeLabels && _loss.OutputTransform == OutputTransform.Identity ? Standardisation(training, trainRows)
            : null;
        float[] targets = Scaled(training.Labels);
        _train = new RowSet(training, targets, trainRows);
        _validation = validation is not null ? new RowSet(validation, Scaled(validation.Labels), AllRows(validation.RowCount))
            : heldOutRows is not null ? new RowSet(training, targets, heldOutRows)
            : null;

        int batchCapacity = Math.Min(options.BatchSize, trainRows.Length);
        int threads = options.NumberOfThreads ?? Environment.ProcessorCount;
        _propagator = new Propagator(_layout, batchCapacity, withDropout: options.Dropout > 0f, threads);
        _batchTargets = new float[batchCapacity];
        _batchWeights = new float[batchCapacity];
        _epochOrder = new int[trainRows.Length];
        _metricName = options.ValidationMetric != ValidationMetric.Loss ? options.ValidationMetric.ToString()
            : _loss.IsClassification ? nameof(ValidationMetric.Accuracy) : nameof(ValidationMetric.RSquared);
    }

    public MultilayerPerceptron Execute()
    {
        int parameterCount = _layout.ParameterCount;
        float[] parameters = new float[parameterCount];
        TrainingState? previous = _initial?.TrainingState;
        if (_initial is not null)
            _initial.Parameters.CopyTo(parameters);
        else
            WeightInitializer.Initialize(_layout, parameters, _options.WeightInitialization, SeededRandom.ForStream(_options.Seed, RandomStream.Initialization));

        bool continueOptimizer = previous is not null && previous.OptimizerName == _optimizer.Name
            && _optimizer.CanContinue(previous.OptimizerBuffers, parameterCount);
        float[][] buffers = continueOptimizer ? previous!.OptimizerBuffers.Select(b => (float[])b.Clone()).ToArray() : _optimizer.CreateBuffers(parameterCount);
        long steps = continueOptimizer ? previous!.StepsCompleted : 0;
        ScheduleState schedule = previous?.Schedule.Clone() ?? new ScheduleState();
        int epochOffset = previous?.EpochsCompleted ?? _initial?.History.Epochs.Count ?? 0;
        var history = new List<EpochRecord>(_initial?.History.Epochs ?? []);

        float[] gradient = new float[parameterCount];
        float[]? best = _options.EarlyStopping ? new float[parameterCount] : null;
        double bestValue = double.PositiveInfinity;
        int? bestEpoch = null;
        int epochsWithoutImprovement = 0;
        StopReason stopReason = _completedReason;
        float[]? validationOutputs = _validation is null ? null : new float[_validation.Count * _layout.OutputCount];

        LbfgsOptimizer? lbfgs = _optimizer as LbfgsOptimizer;
        double fullBatchLoss = lbfgs is null ? 0 : FullBatchObjective(parameters, gradient);
        if (!double.IsFinite(fullBatchLoss))
            throw new TrainingDivergedException($"Training cannot start: the initial loss is {fullBatchLoss}. {DivergenceAdvice()}");

        int epochsRun = 0;
        for (int e = 0; e < _options.NumberOfEpochs; e++)
        {
            var watch = Stopwatch.StartNew();
            int epoch = epochOffset + e;
            double rate = _options.LearningRate * _options.LearningRateSchedule.Factor(epoch, _options.NumberOfEpochs) * schedule.Scale;

            double trainingLoss;
            bool progressed = true;
            if (lbfgs is not null)
            {
                progressed = lbfgs.Iterate(parameters, gradient, ref fullBatchLoss, ref buffers, FullBatchObjective);
                steps++;
                trainingLoss = fullBatchLoss;
                _cancellation.ThrowIfCancellationRequested();
            }
            else
            {
                trainingLoss = MiniBatchEpoch(parameters, gradient, buffers, (float)rate, ref steps, epoch) + _objective.Penalty(parameters);
            }
            epochsRun++;

            double? validationLoss = null, validationMetric = null;
            if (_validation is not null)
                (validationLoss, validationMetric) = Evaluate(parameters, _validation, validationOutputs!);
            if (validationLoss is { } v && !double.IsFinite(v))
                throw new TrainingDivergedException(
                    $"The validation loss became {v} in epoch {epoch + 1}. Check that the validation features are scaled like the training features. {DivergenceAdvice()}");

            double monitored = _validation is null ? trainingLoss
                : _options.ValidationMetric == ValidationMetric.Loss ? validationLoss!.Value : -validationMetric!.Value;
            _options.LearningRateSchedule.EpochEnded(monitored, _options.LearningRate, schedule);

            var record = new EpochRecord(epoch + 1, trainingLoss, validationLoss, validationMetric, rate, watch.Elapsed.TotalSeconds);
            history.Add(record);
            _options.EpochCompleted?.Invoke(record);

            if (best is not null)
            {
                if (monitored < bestValue - _options.EarlyStoppingMinDelta)
                {
                    bestValue = monitored;
                    bestEpoch = epoch + 1;
                    parameters.CopyTo(best, 0);
                    epochsWithoutImprovement = 0;
                }
                else if (++epochsWithoutImprovement >= _options.EarlyStoppingPatience)
                {
                    stopReason = StopReason.EarlyStopped;
                    break;
                }
            }
            if (!progressed)
            {
                stopReason = StopReason.Converged;
                break;
            }
        }

        // Early stopping keeps the best epoch's weights however the run ended.
        if (best is not null && bestEpoch is not null && bestEpoch != epochOffset + epochsRun)
            best.CopyTo(parameters, 0);

        int firstBad = Array.FindIndex(parameters, p => !float.IsFinite(p));
        if (firstBad >= 0)
            throw new TrainingDivergedException(
                $"Training diverged: parameter {firstBad} became {parameters[firstBad]}. {DivergenceAdvice()}");

        var state = new TrainingState(_optimizer.Name, steps, epochOffset + epochsRun, buffers, schedule);
        return new MultilayerPerceptron(_layout, parameters, _loss.OutputTransform, _labelScaling,
            new TrainingHistory(history, _metricName, bestEpoch, stopReason), state);
    }

    /// <summary>One pass of mini-batch updates; returns the weighted mean data loss.</summary>
    /// <remarks>
    /// The epoch's order and dropout masks come from streams keyed by the epoch number alone, so a run of 5 + 5 epochs
    /// (a warm start) takes exactly the steps of a run of 10.
    /// </remarks>
    private double MiniBatchEpoch(float[] parameters, float[] gradient, float[][] buffers, float rate, ref long steps, int epoch)
    {
        int[] rows = _epochOrder;
        _train.Rows.CopyTo(rows, 0);
        if (_options.Shuffle)
            SeededRandom.ForStream(_options.Seed, RandomStream.Shuffle, epoch).Shuffle(rows);
        SeededRandom dropoutRandom = SeededRandom.ForStream(_options.Seed, RandomStream.Dropout, epoch);

        double lossSum = 0, weightSum = 0;
        for (int start = 0, batch = 0; start < rows.Length; start += _propagator.BatchCapacity, batch++)
        {
            _cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(_propagator.BatchCapacity, rows.Length - start);
            double batchWeight = Gather(_train, rows.AsSpan(start, count));
            if (batchWeight == 0)
                continue; // every row in the batch has weight 0: nothing to learn from it

            double batchLoss = _objective.Batch(_propagator, parameters, count, _batchTargets.AsSpan(0, count), WeightsOf(_train, count),
                (float)(1.0 / batchWeight), gradient, accumulate: false, _options.Dropout, dropoutRandom);
            if (!double.IsFinite(batchLoss))
                throw new TrainingDivergedException(
                    $"Training diverged: the loss became {batchLoss} in epoch {epoch + 1}, batch {batch + 1}. {DivergenceAdvice()}");
            lossSum += batchLoss;
            weightSum += batchWeight;

            _objective.AddPenaltyGradient(parameters, gradient);
            ClipGradient(gradient, epoch, batch);
            if (_weightDecay > 0f)
                DecayWeights(parameters, rate * _weightDecay);
            _optimizer.Step(parameters, gradient, rate, buffers, ++steps);
        }
        return lossSum / weightSum;
    }

    /// <summary>The objective over every training row: the weighted mean loss plus the penalty, with its gradient.</summary>
    private double FullBatchObjective(float[] parameters, float[] gradient)
    {
        double totalWeight = _train.TotalWeight;
        double lossSum = 0;
        int[] rows = _train.Rows;
        for (int start = 0; start < rows.Length; start += _propagator.BatchCapacity)
        {
            int count = Math.Min(_propagator.BatchCapacity, rows.Length - start);
            Gather(_train, rows.AsSpan(start, count));
            lossSum += _objective.Batch(_propagator, parameters, count, _batchTargets.AsSpan(0, count), WeightsOf(_train, count),
                (float)(1.0 / totalWeight), gradient, accumulate: start > 0);
        }
        return lossSum / totalWeight + _objective.Penalty(parameters, gradient);
    }

    /// <summary>The weighted mean loss and the validation metric on a row set, without dropout.</summary>
    private (double Loss, double Metric) Evaluate(float[] parameters, RowSet set, float[] outputs)
    {
        int width = _layout.OutputCount;
        double lossSum = 0;
        for (int start = 0; start < set.Count; start += _propagator.BatchCapacity)
        {
            int count = Math.Min(_propagator.BatchCapacity, set.Count - start);
            Gather(set, set.Rows.AsSpan(start, count));
            _propagator.Forward(parameters, count);
            Span<float> raw = _propagator.Outputs(count);
            lossSum += _loss.Evaluate(raw, _batchTargets.AsSpan(0, count), WeightsOf(set, count), count, default, 0f);
            raw.CopyTo(outputs.AsSpan(start * width));
        }

        double metric = _metricName switch
        {
            nameof(ValidationMetric.Accuracy) => Metrics.Accuracy(outputs, set.RowTargets, set.RowWeights, width),
            nameof(ValidationMetric.Auc) => Metrics.Auc(outputs, set.RowTargets, set.RowWeights),
            _ => Metrics.RSquared(_loss.OutputTransform == OutputTransform.Exp ? outputs.Select(MathF.Exp).ToArray() : outputs, set.RowTargets, set.RowWeights),
        };
        return (lossSum / set.TotalWeight, metric);
    }

    /// <summary>Copies rows into the propagator's input and the batch target/weight buffers; returns their total weight.</summary>
    private double Gather(RowSet set, ReadOnlySpan<int> rows)
    {
        int width = set.Data.FeatureCount;
        float[] features = set.Data.Features;
        float[]? weights = set.Data.Weights;
        double total = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            int row = rows[i];
            Array.Copy(features, (long)row * width, _propagator.Input, (long)i * width, width);
            _batchTargets[i] = set.Targets[row];
            float w = weights?[row] ?? 1f;
            _batchWeights[i] = w;
            total += w;
        }
        return total;
    }

    private ReadOnlySpan<float> WeightsOf(RowSet set, int count) => set.Data.Weights is null ? default : _batchWeights.AsSpan(0, count);

    private void ClipGradient(float[] gradient, int epoch, int batch)
    {
        double squares = Kernels.OptimizerKernels.SumOfSquares(gradient);
        if (!double.IsFinite(squares))
            throw new TrainingDivergedException(
                $"Training diverged: the gradient became non-finite in epoch {epoch + 1}, batch {batch + 1}. {DivergenceAdvice()}");
        if (_options.GradientClipNorm is { } limit && squares > (double)limit * limit)
            System.Numerics.Tensors.TensorPrimitives.Multiply(gradient, (float)(limit / Math.Sqrt(squares)), gradient);
    }

    private void DecayWeights(float[] parameters, float shrink)
    {
        for (int l = 0; l < _layout.LayerCount; l++)
        {
            Span<float> w = _layout.Weights(parameters.AsSpan(), l);
            System.Numerics.Tensors.TensorPrimitives.Multiply(w, 1f - shrink, w);
        }
    }

    private string DivergenceAdvice() =>
        $"Lower the learning rate (it is {_options.LearningRate}), standardise the inputs (and the labels), or set GradientClipNorm.";

    private int ClassCount(TrainingData training, TrainingData? validation)
    {
        if (_loss.OutputTransform != OutputTransform.Softmax)
            return 2;
        if (_initial is not null)
            return _initial.OutputCount;
        if (_options.NumberOfClasses is { } given)
            return given;
        float max = training.Labels.Max();
        if (validation is not null)
            max = Math.Max(max, validation.Labels.Max());
        return Math.Max(2, (int)max + 1);
    }

    private void RequireSeveralClasses(float[] labels)
    {
        if (!_loss.IsClassification)
            return;
        float first = labels[0];
        if (labels.All(y => y == first))
            throw new ArgumentException(
                $"Every training label is {first}: a classifier needs examples of at least two classes.", "labels");
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

    private (int[] Train, int[]? HeldOut) SplitRows(TrainingData training, TrainingData? validation)
    {
        if (validation is not null || _options.ValidationFraction == 0f)
            return (AllRows(training.RowCount), null);
        return ValidationSplit.Split(training.Labels, _options.ValidationFraction, stratify: _loss.IsClassification,
            SeededRandom.ForStream(_options.Seed, RandomStream.ValidationSplit));
    }

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

    private float[] Scaled(float[] labels) =>
        _labelScaling is { } scaling ? labels.Select(scaling.ToNetwork).ToArray() : labels;

    private static int[] AllRows(int count) => Enumerable.Range(0, count).ToArray();

    /// <summary>A subset of a data set's rows, with the targets the network is trained on (scaled when standardising).</summary>
    private sealed class RowSet(TrainingData data, float[] targets, int[] rows)
    {
        public TrainingData Data { get; } = data;

        public float[] Targets { get; } = targets;

        public int[] Rows { get; } = rows;

        public int Count => Rows.Length;

        public double TotalWeight { get; } = data.Weights is { } w ? rows.Sum(r => (double)w[r]) : rows.Length;

        /// <summary>The targets of <see cref="Rows"/>, in that order.</summary>
        public float[] RowTargets { get; } = rows.Select(r => targets[r]).ToArray();

        /// <summary>The weights of <see cref="Rows"/>, in that order, or empty when all are 1.</summary>
        public float[] RowWeights { get; } = data.Weights is { } w ? rows.Select(r => w[r]).ToArray() : [];
    }
}
