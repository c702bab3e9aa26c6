using BenchmarkDotNet.Attributes;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// One mini-batch step of W1 (256 rows through 64-128-64-1) and of W2 (128 rows of 784 inputs through 784-256-128-10,
/// softmax): forward, loss, backward, penalty, gradient norm and Adam, through the engine's own <see cref="TrainingStep"/>
/// as training runs it; and one epoch of W1 (100,000 rows, batch 256) and of a W2-shaped classifier (6,000 rows of 784
/// inputs in [0, 1], batch 128: a tenth of W2's rows) through the engine. The memory diagnoser's figure for a step is
/// what each step allocates, on every thread; an epoch's includes the run's buffers, allocated once.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private TrainingData _data = null!;
    private TrainingData _w2 = null!;
    private StepState _w1Step = null!, _w2Step = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = EpochWorkloads.W1();
        _w2 = EpochWorkloads.W2();
        _w1Step = new StepState(_data, EpochWorkloads.W1Epoch(Threads), LossFunction.SquaredError, Threads);
        _w2Step = new StepState(_w2, EpochWorkloads.W2Epoch(Threads), LossFunction.SoftmaxCrossEntropy(), Threads);
    }

    [Benchmark]
    public double W1Step() => _w1Step.Run();

    [Benchmark]
    public double W2Step() => _w2Step.Run();

    [Benchmark]
    public MultilayerPerceptron W1Epoch() => new MlpTrainer(EpochWorkloads.W1Epoch(Threads)).Train(_data);

    [Benchmark]
    public MultilayerPerceptron W2Epoch() => new MlpTrainer(EpochWorkloads.W2Epoch(Threads)).Train(_w2);

    /// <summary>One step's state, as a training run holds it, with the data's first batch gathered.</summary>
    private sealed class StepState
    {
        private readonly TrainingStep _step;
        private readonly float[] _parameters;
        private readonly OptimizerProgress _progress;
        private readonly SeededRandom _dropout = SeededRandom.ForStream(1, RandomStream.Dropout);
        private readonly int _rows;
        private readonly double _batchWeight;

        public StepState(TrainingData data, MlpTrainerOptions options, LossFunction loss, int threads)
        {
            int outputs = loss.IsClassification ? options.NumberOfClasses!.Value : 1;
            var layout = new NetworkLayout(data.FeatureCount, [.. options.HiddenLayers, outputs],
                [.. options.HiddenLayers.Select(_ => Activation.ReLU)]);
            _rows = options.BatchSize;
            var batch = new BatchBuffer(new Propagator(layout, _rows, withDropout: false, threads));
            var rows = new RowSet(data, null, Enumerable.Range(0, data.RowCount).ToArray());
            _batchWeight = batch.Gather(rows, rows.Rows.AsSpan(0, _rows));
            var adam = new AdamOptimizer();
            var context = new TrainingContext(options, new Objective(layout, loss, 0f, 1e-4f), rows, batch, CancellationToken.None);
            _step = new TrainingStep(context, adam);
            _progress = new OptimizerProgress(adam.CreateBuffers(layout.ParameterCount), 0);
            var initial = new Random(3);
            _parameters = Enumerable.Range(0, layout.ParameterCount).Select(_ => (initial.NextSingle() - 0.5f) * 0.1f).ToArray();
        }

        public double Run() => _step.Run(_parameters, _rows, _batchWeight, 1e-3f, _progress, _dropout, epoch: 0, batchIndex: 0);
    }
}
