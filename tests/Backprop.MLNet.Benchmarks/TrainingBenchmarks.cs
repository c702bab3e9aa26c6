using BenchmarkDotNet.Attributes;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// One epoch of W1 (100,000 rows, 64-128-64-1, ReLU, Adam, batch 256) through the engine, with the memory
/// diagnoser's allocations; the throughput command reports samples/s and test R² for whole runs.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private TrainingData _data = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (features, labels) = W1Data.Generate(W1Data.TrainRows, seed: 1);
        _data = new TrainingData(features, W1Data.FeatureCount, labels);
    }

    [Benchmark]
    public MultilayerPerceptron W1Epoch() => new MlpTrainer(new MlpTrainerOptions
    {
        HiddenLayers = [128, 64], BatchSize = 256, NumberOfEpochs = 1, EarlyStopping = false, ValidationFraction = 0f,
        NumberOfThreads = Threads, Seed = 1,
    }).Train(_data);
}
