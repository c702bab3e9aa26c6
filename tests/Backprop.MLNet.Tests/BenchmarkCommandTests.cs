using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.MLNet.Benchmarks;

namespace Backprop.MLNet.Tests;

/// <summary>The benchmark project's W1 generator and throughput command, on small files.</summary>
public sealed partial class BenchmarkCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("backprop-bench-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void W1_rows_follow_the_formula_with_noise_of_deviation_one_tenth()
    {
        var (x, y) = W1Data.Generate(20_000, seed: 5);
        var (x2, y2) = W1Data.Generate(20_000, seed: 5);
        Assert.Equal(x, x2);
        Assert.Equal(y, y2);

        // Subtracting the formula's deterministic part must leave 0.1·N(0, 1).
        var residuals = new double[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            ReadOnlySpan<float> r = x.AsSpan(i * W1Data.FeatureCount, W1Data.FeatureCount);
            double f = Math.Sin(2 * r[0]) + r[1] * r[2] + Math.Tanh(r[3] - r[4]) + 0.5 * (r[5] * r[5] - 1) + 0.5 * Math.Abs(r[6]);
            for (int j = 0; j < W1Data.FeatureCount; j++)
                f += 0.2 * Math.Cos(j) * r[j];
            residuals[i] = y[i] - f;
        }
        double mean = residuals.Average();
        double deviation = Math.Sqrt(residuals.Average(e => (e - mean) * (e - mean)));
        Assert.InRange(mean, -0.005, 0.005);
        Assert.InRange(deviation, 0.097, 0.103);
        Assert.InRange(x.Average(v => (double)v), -0.01, 0.01);
    }

    [Fact]
    public void Throughput_trains_on_the_files_and_ends_with_one_RESULT_line()
    {
        string train = WriteCsv("train.csv", 3000, seed: 1), test = WriteCsv("test.csv", 1000, seed: 2);
        var output = new StringWriter();

        int exit = ThroughputCommand.Run(new ThroughputCommand.Settings(train, test, "y", "regression", [32, 16], 64, 15, 0.003f, 1,
            L2Regularization: 1e-4f, Passes: 2), output);

        Assert.Equal(0, exit);
        string[] lines = output.ToString().TrimEnd().Split('\n');
        Assert.Equal(2, lines.Count(l => l.StartsWith("pass ", StringComparison.Ordinal)));
        Assert.Contains("L2 0.0001", lines[0]);
        string last = lines[^1];
        Match result = ResultLine().Match(last);
        Assert.True(result.Success, last);
        Assert.True(double.Parse(result.Groups["rate"].Value, CultureInfo.InvariantCulture) > 0);
        // 3,000 rows of W1 through a small network: well above what the linear part explains (about a third of the
        // variance), below the 0.997 ceiling.
        Assert.InRange(double.Parse(result.Groups["r2"].Value, CultureInfo.InvariantCulture), 0.5, 0.997);
    }

    [Fact]
    public void Time_to_quality_fits_every_trainer_on_the_files_and_reports_its_time_and_R2()
    {
        string train = WriteCsv("train.csv", 10_000, seed: 1), test = WriteCsv("test.csv", 1000, seed: 2);
        var output = new StringWriter();

        int exit = TimeToQualityCommand.Run(new TimeToQualityCommand.Settings(train, test, "y", Passes: 1), output);

        Assert.Equal(0, exit);
        var results = output.ToString().Split('\n').Select(l => TimeToQualityLine().Match(l.TrimEnd())).Where(m => m.Success)
            .ToDictionary(m => m.Groups["trainer"].Value, m => double.Parse(m.Groups["r2"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(5, results.Count);
        Assert.Contains("FastTree", results.Keys);
        Assert.Contains("SDCA", results.Keys);
        // W1's linear part explains about a third of the variance (SDCA's ceiling); the network must see the rest.
        Assert.InRange(results["SDCA"], 0.2, 0.5);
        Assert.True(results["Backprop, defaults (early stopping)"] > results["SDCA"] + 0.2, string.Join(", ", results));
    }

    [Fact]
    public void Throughput_names_a_missing_label_column_and_a_bad_task()
    {
        string train = WriteCsv("train.csv", 50, seed: 1);

        var label = Assert.Throws<ArgumentException>(() =>
            ThroughputCommand.Run(new ThroughputCommand.Settings(train, train, "price", "regression", [4], 16, 1, 0.001f, 1), TextWriter.Null));
        var task = Assert.Throws<ArgumentException>(() =>
            ThroughputCommand.Run(new ThroughputCommand.Settings(train, train, "y", "ranking", [4], 16, 1, 0.001f, 1), TextWriter.Null));

        Assert.Contains("no column 'price'", label.Message);
        Assert.Contains("x0, x1", label.Message);
        Assert.Contains("--task", task.Message);
    }

    [Fact]
    public void Training_memory_fits_on_generated_rows_and_reports_the_data_size_and_the_peak()
    {
        var output = new StringWriter();

        int exit = TrainingMemoryCommand.Run(new TrainingMemoryCommand.Settings(Rows: 65_536, Features: 8), output);

        Assert.Equal(0, exit);
        string result = output.ToString().Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        Assert.Contains("rows=65536 features=8 data_mb=2 ", result);
        Assert.Matches(@"peak_above_start_mb=-?\d+ ratio=-?\d+\.\d\d", result);
        Assert.Throws<ArgumentException>(() => TrainingMemoryCommand.Run(new TrainingMemoryCommand.Settings(0, 8), TextWriter.Null));
    }

    private string WriteCsv(string name, int rows, int seed)
    {
        var (x, y) = W1Data.Generate(rows, seed);
        string path = Path.Combine(_folder, name);
        using var writer = new StreamWriter(path);
        writer.WriteLine(string.Join(',', Enumerable.Range(0, W1Data.FeatureCount).Select(j => $"x{j}")) + ",y");
        for (int i = 0; i < rows; i++)
            writer.WriteLine(string.Join(',', x.AsSpan(i * W1Data.FeatureCount, W1Data.FeatureCount).ToArray()
                .Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "," + y[i].ToString("R", CultureInfo.InvariantCulture));
        return path;
    }

    [GeneratedRegex(@"^RESULT trainer=""(?<trainer>[^""]+)"" train_seconds=[\d.]+ test_r2=(?<r2>-?[\d.]+)$")]
    private static partial Regex TimeToQualityLine();

    [GeneratedRegex(@"^RESULT samples_per_s=(?<rate>\d+) train_seconds=[\d.]+ final_loss=\S+ test_r2=(?<r2>-?[\d.]+)$")]
    private static partial Regex ResultLine();
}
