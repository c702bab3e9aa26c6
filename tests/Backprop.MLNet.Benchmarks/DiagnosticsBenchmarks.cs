using BenchmarkDotNet.Attributes;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// What the training diagnostics cost: one epoch of W1 (100,000 rows, 64-128-64-1, ReLU, Adam, batch 256: 391 steps)
/// and of the W2-shaped classifier (6,000 rows of 784 inputs, 784-256-128-10, batch 128: 47 steps), with
/// <see cref="MlpTrainerOptions.Diagnostics"/> off (the baseline) and on, on every core.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class DiagnosticsBenchmarks
{
    private TrainingData _w1 = null!, _w2 = null!;

    [Params(false, true)]
    public bool Diagnostics { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _w1 = EpochWorkloads.W1();
        _w2 = EpochWorkloads.W2();
    }

    [Benchmark]
    public MultilayerPerceptron W1Epoch() => new MlpTrainer(EpochWorkloads.W1Epoch(threads: null, Diagnostics)).Train(_w1);

    [Benchmark]
    public MultilayerPerceptron W2Epoch() => new MlpTrainer(EpochWorkloads.W2Epoch(threads: null, Diagnostics)).Train(_w2);
}
