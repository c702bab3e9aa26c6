namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// The two one-epoch workloads the training benchmarks time: W1 (100,000 rows, 64-128-64-1, ReLU, Adam, batch 256)
/// and a W2-shaped classifier (6,000 rows of 784 inputs in [0, 1], 784-256-128-10, softmax, batch 128: a tenth of
/// W2's rows).
/// </summary>
internal static class EpochWorkloads
{
    private const int W2Rows = 6_000, W2Inputs = 784, W2Classes = 10;

    public static TrainingData W1()
    {
        var (features, labels) = W1Data.Generate(W1Data.TrainRows, seed: 1);
        return new TrainingData(features, W1Data.FeatureCount, labels);
    }

    /// <summary>Pixel-like inputs and balanced labels: the time of an epoch does not depend on what the pixels show.</summary>
    public static TrainingData W2()
    {
        var random = new Random(2);
        var pixels = new float[W2Rows * W2Inputs];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = random.NextSingle();
        return new TrainingData(pixels, W2Inputs, Enumerable.Range(0, W2Rows).Select(i => (float)(i % W2Classes)).ToArray());
    }

    public static MlpTrainerOptions W1Epoch(int? threads, bool diagnostics = true) => new()
    {
        HiddenLayers = [128, 64], BatchSize = 256, NumberOfIterations = 1, EarlyStopping = false, ValidationFraction = 0f, L2Regularization = 0f,
        NumberOfThreads = threads, Diagnostics = diagnostics, Seed = 1,
    };

    public static MlpTrainerOptions W2Epoch(int? threads, bool diagnostics = true) => new()
    {
        HiddenLayers = [256, 128], Loss = LossFunction.SoftmaxCrossEntropy(), NumberOfClasses = W2Classes, BatchSize = 128,
        NumberOfIterations = 1, EarlyStopping = false, ValidationFraction = 0f, L2Regularization = 0f, NumberOfThreads = threads,
        Diagnostics = diagnostics, Seed = 1,
    };
}
