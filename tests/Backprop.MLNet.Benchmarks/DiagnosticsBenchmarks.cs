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
    private const int W2Rows = 6_000, W2Inputs = 784, W2Classes = 10;
    private TrainingData _w1 = null!, _w2 = null!;

    [Params(false, true)]
    public bool Diagnostics { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (features, labels) = W1Data.Generate(W1Data.TrainRows, seed: 1);
        _w1 = new TrainingData(features, W1Data.FeatureCount, labels);
        var random = new Random(2);
        var pixels = new float[W2Rows * W2Inputs];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = random.NextSingle();
        _w2 = new TrainingData(pixels, W2Inputs, Enumerable.Range(0, W2Rows).Select(i => (float)(i % W2Classes)).ToArray());
    }

    [Benchmark]
    public MultilayerPerceptron W1Epoch() => new MlpTrainer(new MlpTrainerOptions
    {
        HiddenLayers = [128, 64], BatchSize = 256, NumberOfIterations = 1, EarlyStopping = false, ValidationFraction = 0f, L2Regularization = 0f,
        Diagnostics = Diagnostics, Seed = 1,
    }).Train(_w1);

    [Benchmark]
    public MultilayerPerceptron W2Epoch() => new MlpTrainer(new MlpTrainerOptions
    {
        HiddenLayers = [256, 128], Loss = LossFunction.SoftmaxCrossEntropy(), NumberOfClasses = W2Classes, BatchSize = 128,
        NumberOfIterations = 1, EarlyStopping = false, ValidationFraction = 0f, L2Regularization = 0f, Diagnostics = Diagnostics, Seed = 1,
    }).Train(_w2);
}
