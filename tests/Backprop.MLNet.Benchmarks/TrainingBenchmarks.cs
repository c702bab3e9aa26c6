using BenchmarkDotNet.Attributes;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// One mini-batch step of W1 (forward, loss, backward and Adam on 256 rows, through the engine's internals, as
/// training runs it), one epoch of W1 (100,000 rows, 64-128-64-1, ReLU, Adam, batch 256) and of a W2-shaped classifier (6,000 rows of
/// 784 inputs in [0, 1], 784-256-128-10, softmax, batch 128: a tenth of W2's rows) through the engine, with the memory
/// diagnoser's allocations; the throughput command reports samples/s and the test metric for whole runs on files.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private TrainingData _data = null!;
    private TrainingData _w2 = null!;
    private Propagator _propagator = null!;
    private Objective _objective = null!;
    private AdamOptimizer _adam = null!;
    private float[] _parameters = null!, _gradient = null!, _targets = null!;
    private float[][] _adamState = null!;
    private long _step;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = EpochWorkloads.W1();
        _w2 = EpochWorkloads.W2();
        float[] features = _data.Features, labels = _data.Labels;

        // One step's state, as TrainingRun holds it: the first 256 W1 rows in the batch buffer.
        var layout = new NetworkLayout(W1Data.FeatureCount, [128, 64, 1], [Activation.ReLU, Activation.ReLU]);
        _propagator = new Propagator(layout, 256, withDropout: false, Threads);
        features.AsSpan(0, 256 * W1Data.FeatureCount).CopyTo(_propagator.Input);
        _targets = labels[..256];
        _objective = new Objective(layout, LossFunction.SquaredError, 0f, 1e-4f);
        _adam = new AdamOptimizer();
        _adamState = _adam.CreateBuffers(layout.ParameterCount);
        var initial = new Random(3);
        _parameters = Enumerable.Range(0, layout.ParameterCount).Select(_ => (initial.NextSingle() - 0.5f) * 0.2f).ToArray();
        _gradient = new float[layout.ParameterCount];
    }

    [Benchmark]
    public double W1Step()
    {
        double loss = _objective.Batch(_propagator, _parameters, 256, _targets, default, 1f / 256, _gradient, accumulate: false);
        _objective.AddPenaltyGradient(_parameters, _gradient);
        _adam.Step(_parameters, _gradient, 1e-3f, _adamState, ++_step, offset: 0);
        return loss;
    }

    [Benchmark]
    public MultilayerPerceptron W1Epoch() => new MlpTrainer(EpochWorkloads.W1Epoch(Threads)).Train(_data);

    [Benchmark]
    public MultilayerPerceptron W2Epoch() => new MlpTrainer(EpochWorkloads.W2Epoch(Threads)).Train(_w2);
}
