using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Time to quality on the same files: Backprop through ML.NET (W1's settings, and the trainer's defaults) beside
/// ML.NET's FastTree, LightGbm and SDCA with their defaults. Each trainer fits the cached training rows (parsing not
/// timed) <c>passes</c> times; the table gives the median fit time and the test R², then one
/// <c>RESULT trainer=… train_seconds=… test_r2=…</c> line per trainer.
/// </summary>
internal static class TimeToQualityCommand
{
    public sealed record Settings(string Train, string Test, string Label, int Passes);

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    public static int Run(Settings settings, TextWriter output)
    {
        if (settings.Passes < 1)
            throw new ArgumentException($"--passes must be 1 or more, not {settings.Passes}.");
        var ml = new MLContext(seed: 1);
        NumericCsv trainTable = NumericCsv.Read(settings.Train, settings.Label), testTable = NumericCsv.Read(settings.Test, settings.Label);
        if (testTable.FeatureCount != trainTable.FeatureCount)
            throw new ArgumentException($"The test file has {testTable.FeatureCount} features but the training file has {trainTable.FeatureCount}.");
        IDataView train = ml.Data.Cache(Load(ml, trainTable)), test = ml.Data.Cache(Load(ml, testTable));
        foreach (var _ in train.GetColumn<float>("Label")) { } // fill the cache before any timing

        var trainers = new (string Name, Func<IEstimator<ITransformer>> Create)[]
        {
            ("Backprop, W1 settings (10 epochs, batch 256, L2 1e-4)", () => ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options
            {
                HiddenLayers = [128, 64], BatchSize = 256, NumberOfIterations = 10, L2Regularization = 1e-4f,
                EarlyStopping = false, ValidationFraction = 0f, Seed = 1,
            })),
            ("Backprop, defaults (early stopping)", () => ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options { Seed = 1 })),
            ("FastTree", () => ml.Regression.Trainers.FastTree()),
            ("LightGbm", () => ml.Regression.Trainers.LightGbm()),
            ("SDCA", () => ml.Regression.Trainers.Sdca()),
        };

        output.WriteLine($"{trainTable.RowCount:N0} training rows, {testTable.RowCount:N0} test rows, {trainTable.FeatureCount} features; median of {settings.Passes} fit(s)");
        output.WriteLine("| trainer | train s | test R² |");
        output.WriteLine("|---|---:|---:|");
        var results = new List<string>();
        foreach (var (name, create) in trainers)
        {
            var seconds = new List<double>();
            ITransformer model = null!;
            for (int pass = 0; pass < settings.Passes; pass++)
            {
                var clock = Stopwatch.StartNew();
                model = create().Fit(train);
                seconds.Add(clock.Elapsed.TotalSeconds);
            }
            seconds.Sort();
            double median = seconds[seconds.Count / 2];
            double r2 = ml.Regression.Evaluate(model.Transform(test)).RSquared;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {median:F2} | {r2:F4} |"));
            results.Add(string.Create(CultureInfo.InvariantCulture, $"RESULT trainer=\"{name}\" train_seconds={median:F3} test_r2={r2:F4}"));
        }
        foreach (string line in results)
            output.WriteLine(line);
        return 0;
    }

    private static IDataView Load(MLContext ml, NumericCsv table)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, table.FeatureCount);
        var rows = Enumerable.Range(0, table.RowCount).Select(i => new Row
        {
            Features = table.Features.AsSpan(i * table.FeatureCount, table.FeatureCount).ToArray(),
            Label = table.Labels[i],
        });
        return ml.Data.LoadFromEnumerable(rows.ToList(), schema);
    }
}
