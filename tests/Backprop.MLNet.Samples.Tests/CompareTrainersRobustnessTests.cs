using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backprop.MLNet.Benchmarks;
using Backprop.MLNet.Comparison;

namespace Backprop.MLNet.Samples.Tests;

/// <summary>
/// CompareTrainers on data nobody chose for it: every dataset of the benchmark suite, a file built to make trainers
/// diverge, a failure while writing, and a stop signal. Each run ends with an exit code that says what happened and
/// with every result computed so far on disk, in a form any JSON parser reads.
/// </summary>
public class CompareTrainersRobustnessTests
{
    public static TheoryData<string> SuiteFiles => new(BenchmarkSuite.All.Select(d => d.File));

    [SkippableTheory]
    [MemberData(nameof(SuiteFiles))]
    public void Every_suite_dataset_gets_a_complete_report_results_and_plots(string file)
    {
        Skip.If(SampleProcess.SharedDatasets is null, SampleProcess.SharedMissing);
        var dataset = BenchmarkSuite.Named(file);
        string output = SampleProcess.TempFolder();
        string[] ignore = dataset.Ignore.Length > 0 ? ["--ignore", string.Join(',', dataset.Ignore)] : [];

        // The task is given: a numeric label (digits, Fashion-MNIST) would otherwise be taken for regression. The fit time
        // limit stops what would take minutes (ML.NET's SDCA and one-versus-all trees on Fashion-MNIST's 784 pixels);
        // a trainer it stops is listed as failed, one more way for a run to end that must still give a whole report.
        SampleProcess.Run("CompareTrainers", ["--data", Path.Combine(SampleProcess.SharedDatasets!, file), "--label", dataset.Label,
            "--task", TaskOption(dataset.Task), "--folds", "2", "--trials", "2", "--fit-time-limit", "30", "--out", output, .. ignore]).Succeeded();

        var results = ReadResults(output);
        Assert.Equal("complete", results.GetProperty("status").GetString());
        Assert.Equal(dataset.Task.ToString(), results.GetProperty("task").GetString());
        var trainers = Trainers(results);
        // Backprop itself must train on every dataset of the suite (on a busy machine the time limit may stop it, which
        // the report then says); ML.NET's trainers may fail, but are listed.
        Assert.True(trainers["Backprop"].GetProperty("error").GetString() is not { } error || error.StartsWith("TimeoutException", StringComparison.Ordinal),
            $"Backprop failed: {trainers["Backprop"].GetProperty("error")}");
        var search = results.GetProperty("search");
        Assert.True(trainers.ContainsKey(ComparisonResult.TunedName)
            || search.GetProperty("tried").EnumerateArray().All(t => t.GetProperty("error").ValueKind == JsonValueKind.String),
            "no tuned entry although a search configuration trained on every fold");
        foreach (var (name, trainer) in trainers.Where(t => t.Value.GetProperty("error").ValueKind == JsonValueKind.Null))
            Assert.Equal(2, trainer.GetProperty("foldMetrics").GetArrayLength());

        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        foreach (string name in trainers.Keys)
            Assert.Contains($"| {name} |", report);
        foreach (string png in new[] { "metric.png", "loss-curves.png", "search.png" })
            SampleProcess.AssertPng(Path.Combine(output, png));
    }

    [Fact]
    public void Diverging_trainers_and_infinite_metrics_are_reported_not_fatal()
    {
        string folder = SampleProcess.TempFolder();
        string data = Path.Combine(folder, "exploding.csv");
        WriteExplodingLabels(data);
        string output = Path.Combine(folder, "out");

        var run = SampleProcess.Run("CompareTrainers", "--data", data, "--label", "target", "--folds", "2", "--trials", "2", "--out", output)
            .Succeeded();

        var trainers = Trainers(ReadResults(output));
        // Online gradient descent's weights overflow, and ML.NET refuses them: a failed entry with the reason.
        Assert.Contains("non-finite", trainers["OnlineGradientDescent"].GetProperty("error").GetString());
        // Another trainer scores without failing but its errors overflow: nulls in the numbers, the values named beside them.
        var (diverged, entry) = trainers.First(t => t.Value.GetProperty("notFinite").GetArrayLength() > 0);
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("error").ValueKind);
        Assert.Contains(ComparisonResult.TunedName, trainers.Keys);

        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Matches($@"\| {System.Text.RegularExpressions.Regex.Escape(diverged)} \|[^\n]*(∞|—)", report);
        Assert.Contains($"Left off the plot, no finite R²", report);
        Assert.Contains(diverged, report[report.IndexOf("Left off the plot, no finite", StringComparison.Ordinal)..]);
        Assert.Contains("OnlineGradientDescent failed", report);
        foreach (string png in new[] { "metric.png", "loss-curves.png", "search.png" })
            SampleProcess.AssertPng(Path.Combine(output, png));
        Assert.DoesNotContain("   at ", run.Output + run.Errors);
    }

    [Fact]
    public void A_failure_after_the_comparison_is_one_line_exit_code_3_and_keeps_the_results()
    {
        // report.md cannot be written where a folder has its name: the failure comes after every trainer finished.
        string output = SampleProcess.TempFolder();
        Directory.CreateDirectory(Path.Combine(output, "report.md"));

        var run = SampleProcess.Run("CompareTrainers", "--data", SampleProcess.Shipped("iris.csv"), "--label", "species",
            "--folds", "2", "--trials", "2", "--out", output);

        Assert.True(run.ExitCode == 3, $"exit code {run.ExitCode}\n{run.Output}\n{run.Errors}");
        string line = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: the comparison failed while writing the report", line);
        Assert.Contains(Path.Combine(output, "results.json"), line);
        Assert.Contains(Path.Combine(output, "error.log"), line);
        Assert.DoesNotContain("   at ", run.Output + run.Errors);

        string log = File.ReadAllText(Path.Combine(output, "error.log"));
        Assert.Contains("   at ", log);
        var results = ReadResults(output);
        Assert.Equal("partial", results.GetProperty("status").GetString());
        Assert.StartsWith("failed while writing the report", results.GetProperty("interruption").GetString());
        // Nothing computed was lost: every candidate and the tuned one.
        string[] expected = [.. CandidateTrainer.Standard(PredictionTask.MulticlassClassification).Select(c => c.Name), ComparisonResult.TunedName];
        Assert.Equal(expected.Order(), Trainers(results).Keys.Order());
    }

    [Fact]
    public async Task A_stop_signal_mid_run_exits_130_with_the_finished_trainers_saved_and_reported()
    {
        string output = SampleProcess.TempFolder();
        using var process = SampleProcess.Start("CompareTrainers", "--data", SampleProcess.Shipped("sacramento_housing.csv"), "--label", "price",
            "--time-budget", "600", "--out", output);
        var said = Task.Run(() => SampleProcess.WaitFor(process, "CompareTrainers"));

        // results.json appears when the first trainer has finished its folds; stop the run there, as a time limit would.
        string path = Path.Combine(output, "results.json");
        var waited = Stopwatch.StartNew();
        while (!File.Exists(path) && !process.HasExited && waited.Elapsed < TimeSpan.FromMinutes(3))
            await Task.Delay(100);
        Assert.True(File.Exists(path), "results.json was not written while the comparison ran");
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        var run = await said;

        Assert.True(run.ExitCode == 130, $"exit code {run.ExitCode}\n{run.Output}\n{run.Errors}");
        Assert.StartsWith("interrupted while comparing the trainers", run.Errors);
        var results = ReadResults(output);
        Assert.Equal("partial", results.GetProperty("status").GetString());
        var trainers = Trainers(results);
        Assert.Contains("Backprop", trainers.Keys);
        Assert.True(trainers.Count < CandidateTrainer.Standard(PredictionTask.Regression).Count, "the run was stopped before the last trainer");
        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Contains("**Partial results**", report);
        Assert.Contains("| Backprop |", report);
        Assert.False(File.Exists(Path.Combine(output, "error.log")), "an interruption is not a failure");
    }

    // Reads results.json back, and checks the documented form of every number: finite, or null with its reason.
    private static JsonElement ReadResults(string output)
    {
        var results = SampleProcess.ReadJson(Path.Combine(output, "results.json"));
        foreach (var trainer in results.GetProperty("trainers").EnumerateArray())
        {
            string name = trainer.GetProperty("name").GetString()!;
            bool failed = trainer.GetProperty("error").ValueKind == JsonValueKind.String;
            var named = trainer.GetProperty("notFinite").EnumerateArray()
                .Select(n => (Metric: n.GetProperty("metric").GetString(), Fold: n.GetProperty("fold").GetInt32(), Value: n.GetProperty("value").GetString()))
                .ToHashSet();
            Assert.All(named, n => Assert.Contains(n.Value, new[] { "NaN", "Infinity", "-Infinity" }));
            var metrics = results.GetProperty("metrics").EnumerateArray().Select(m => m.GetString()).ToArray();
            var folds = trainer.GetProperty("foldMetrics").EnumerateArray().ToArray();
            for (int fold = 0; fold < folds.Length; fold++)
            {
                var values = folds[fold].EnumerateArray().ToArray();
                for (int m = 0; m < values.Length; m++)
                {
                    bool isNull = values[m].ValueKind == JsonValueKind.Null;
                    Assert.True(isNull == named.Any(n => n.Metric == metrics[m] && n.Fold == fold),
                        $"{name}: fold {fold}, {metrics[m]} is {values[m]}, and notFinite {(isNull ? "does not name it" : "names it")}");
                    Assert.True(isNull || double.IsFinite(values[m].GetDouble()));
                }
            }
            for (int m = 0; m < metrics.Length; m++)
            {
                bool mean = trainer.GetProperty("mean")[m].ValueKind == JsonValueKind.Null;
                Assert.Equal(failed || named.Any(n => n.Metric == metrics[m]), mean);
            }
            Assert.Equal(failed, trainer.GetProperty("trainSecondsPerFold").ValueKind == JsonValueKind.Null);
        }
        return results;
    }

    private static string TaskOption(PredictionTask task) => task switch
    {
        PredictionTask.Regression => "regression",
        PredictionTask.BinaryClassification => "binary",
        _ => "multiclass",
    };

    private static Dictionary<string, JsonElement> Trainers(JsonElement results)
        => results.GetProperty("trainers").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t);

    // Labels that grow exponentially with a feature, up to float's range: a linear trainer's weights overflow, and a
    // prediction a little beyond the training range is infinite.
    private static void WriteExplodingLabels(string path)
    {
        var random = new Random(3);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        using var writer = new StreamWriter(path);
        writer.WriteLine("a,b,c,target");
        for (int i = 0; i < 300; i++)
        {
            double a = Gaussian(), b = Gaussian(), c = Gaussian();
            double target = Math.Exp(Math.Min(87, 30 * a + 40));
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{a:F4},{b:F4},{c:F4},{target:G6}"));
        }
    }
}
