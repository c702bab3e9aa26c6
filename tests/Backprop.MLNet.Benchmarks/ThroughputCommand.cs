using System.Diagnostics;
using System.Globalization;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Trains the engine directly on CSV files, as a peer would be fed the same files in the same run, and ends with one
/// line: <c>RESULT samples_per_s=… train_seconds=… final_loss=… test_r2|test_accuracy=…</c>.
/// </summary>
internal static class ThroughputCommand
{
    public sealed record Settings(string Train, string Test, string Label, string Task, int[] Hidden, int Batch, int Epochs,
        float LearningRate, int? Threads);

    public static int Run(Settings settings, TextWriter output)
    {
        bool multiclass = settings.Task switch
        {
            "regression" => false,
            "multiclass" => true,
            _ => throw new ArgumentException($"--task must be regression or multiclass, not '{settings.Task}'."),
        };
        CsvTable train = CsvTable.Read(settings.Train, settings.Label);
        CsvTable test = CsvTable.Read(settings.Test, settings.Label);
        if (test.FeatureCount != train.FeatureCount)
            throw new ArgumentException($"The test file has {test.FeatureCount} features but the training file has {train.FeatureCount}.");

        var options = new MlpTrainerOptions
        {
            HiddenLayers = settings.Hidden,
            Loss = multiclass ? LossFunction.SoftmaxCrossEntropy() : LossFunction.SquaredError,
            NumberOfClasses = multiclass ? (int)Math.Max(train.Labels.Max(), test.Labels.Max()) + 1 : null,
            LearningRate = settings.LearningRate,
            BatchSize = settings.Batch,
            NumberOfEpochs = settings.Epochs,
            EarlyStopping = false,
            ValidationFraction = 0f,
            NumberOfThreads = settings.Threads,
            Seed = 1,
        };
        output.WriteLine($"training {train.RowCount} rows × {train.FeatureCount} features, hidden [{string.Join(",", settings.Hidden)}], " +
            $"batch {settings.Batch}, {settings.Epochs} epochs, lr {settings.LearningRate}, threads {settings.Threads?.ToString(CultureInfo.InvariantCulture) ?? "all"}");

        var clock = Stopwatch.StartNew();
        MultilayerPerceptron model = new MlpTrainer(options).Train(new TrainingData(train.Features, train.FeatureCount, train.Labels));
        double seconds = clock.Elapsed.TotalSeconds;

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
