using System.Diagnostics;
using System.Globalization;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Trains the engine directly on CSV files, as a peer would be fed the same files in the same run, one or more
/// passes (each the same seeded training, so the same model), and ends with one line:
/// <c>RESULT samples_per_s=… train_seconds=… final_loss=… test_r2|test_accuracy=…</c>, the times being the passes'
/// medians. The first pass in a process also pays the JIT's warm-up; the peers' figures are medians of same-run
/// passes too, so quote <c>--passes 5</c>.
/// </summary>
internal static class ThroughputCommand
{
    public sealed record Settings(string Train, string Test, string Label, string Task, int[] Hidden, int Batch, int Epochs,
        float LearningRate, int? Threads, float L2Regularization = 0f, int Passes = 1);

    public static int Run(Settings settings, TextWriter output)
    {
        bool multiclass = settings.Task switch
        {
            "regression" => false,
            "multiclass" => true,
            _ => throw new ArgumentException($"--task must be regression or multiclass, not '{settings.Task}'."),
        };
        NumericCsv train = NumericCsv.Read(settings.Train, settings.Label);
        NumericCsv test = NumericCsv.Read(settings.Test, settings.Label);
        if (test.FeatureCount != train.FeatureCount)
            throw new ArgumentException($"The test file has {test.FeatureCount} features but the training file has {train.FeatureCount}.");

        var options = new MlpTrainerOptions
        {
            HiddenLayers = settings.Hidden,
            Loss = multiclass ? LossFunction.SoftmaxCrossEntropy() : LossFunction.SquaredError,
            NumberOfClasses = multiclass ? (int)Math.Max(train.Labels.Max(), test.Labels.Max()) + 1 : null,
            LearningRate = settings.LearningRate,
            L2Regularization = settings.L2Regularization,
            BatchSize = settings.Batch,
            NumberOfIterations = settings.Epochs,
            EarlyStopping = false,
            ValidationFraction = 0f,
            NumberOfThreads = settings.Threads,
            Seed = 1,
        };
        if (settings.Passes < 1)
            throw new ArgumentException($"--passes must be 1 or more, not {settings.Passes}.");
        output.WriteLine($"training {train.RowCount} rows × {train.FeatureCount} features, hidden [{string.Join(",", settings.Hidden)}], " +
            $"batch {settings.Batch}, {settings.Epochs} epochs, lr {settings.LearningRate}, L2 {settings.L2Regularization}, " +
            $"threads {settings.Threads?.ToString(CultureInfo.InvariantCulture) ?? "all"}, {settings.Passes} pass(es)");

        MultilayerPerceptron model = null!;
        var passSeconds = new List<double>();
        for (int pass = 1; pass <= settings.Passes; pass++)
        {
            var clock = Stopwatch.StartNew();
            model = new MlpTrainer(options).Train(new TrainingData(train.Features, train.FeatureCount, train.Labels));
            passSeconds.Add(clock.Elapsed.TotalSeconds);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pass {pass}: {train.RowCount * (double)settings.Epochs / passSeconds[^1]:F0} samples/s, {passSeconds[^1]:F3} s"));
        }
        passSeconds.Sort();
        double seconds = passSeconds[passSeconds.Count / 2];

        var predictions = new float[test.RowCount * model.OutputCount];
        model.Predict(test.Features, predictions, settings.Threads ?? Environment.ProcessorCount);
        string metric = multiclass
            ? $"test_accuracy={Accuracy(predictions, test.Labels, model.OutputCount).ToString("F4", CultureInfo.InvariantCulture)}"
            : $"test_r2={RSquared(predictions, test.Labels).ToString("F4", CultureInfo.InvariantCulture)}";
        double samplesPerSecond = (double)train.RowCount * settings.Epochs / seconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT samples_per_s={samplesPerSecond:F0} train_seconds={seconds:F3} final_loss={model.History.Epochs[^1].TrainingLoss:G6} {metric}"));
        return 0;
    }

    private static double RSquared(float[] predicted, float[] actual)
    {
        double mean = actual.Average(v => (double)v);
        double residual = 0, total = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            residual += Math.Pow(actual[i] - predicted[i], 2);
            total += Math.Pow(actual[i] - mean, 2);
        }
        return 1 - residual / total;
    }

    private static double Accuracy(float[] probabilities, float[] labels, int classes)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            ReadOnlySpan<float> row = probabilities.AsSpan(i * classes, classes);
            if (row.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(row)) == (int)labels[i])
                correct++;
        }
        return (double)correct / labels.Length;
    }
}
