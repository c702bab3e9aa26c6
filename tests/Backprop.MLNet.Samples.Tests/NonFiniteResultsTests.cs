using System.Text.Json;
using Backprop.MLNet.Comparison;
using Microsoft.ML;

namespace Backprop.MLNet.Samples.Tests;

/// <summary>
/// A trainer whose fold gives NaN or an infinite metric, and one that fails: how the comparison ranks, shows, saves
/// and plots them, through the library as a program would use it.
/// </summary>
public class NonFiniteResultsTests
{
    private sealed class Row
    {
        public float Label { get; set; }
    }

    private sealed class Scored
    {
        public float Score { get; set; }
    }

    // Candidates whose "model" is a fixed function of the label, so their metrics are known without training anything.
    private static CandidateTrainer Scoring(string name, Func<float, float> score)
        => new(name, (ml, label, _, _) => ml.Transforms.CopyColumns("Label", label)
            .Append(ml.Transforms.CustomMapping<Row, Scored>((row, scored) => scored.Score = score(row.Label), contractName: null)));

    private static ComparisonResult Compare(Action<ComparisonResult>? progress = null, SearchOptions? search = null)
    {
        var ml = new MLContext(seed: 1);
        var data = TabularData.LoadCsv(ml, SampleProcess.Shipped("sacramento_housing.csv"), "price");
        var options = new ComparisonOptions
        {
            NumberOfFolds = 3,
            Candidates =
            [
                new CandidateTrainer("Broken", (_, _, _, _) => throw new InvalidOperationException("this trainer cannot be made")),
                Scoring("Overflowing", label => label * 1e30f * 1e30f),
                Scoring("Undefined", _ => float.NaN),
                Scoring("Close", label => label * 1.1f),
                Scoring("Exact", label => label),
            ],
            Search = search,
            Progress = progress,
        };
        return new TrainerComparison(ml, options).Run(data);
    }

    [Fact]
    public void Trainers_rank_finite_first_then_not_finite_then_failed_and_show_as_infinity()
    {
        var result = Compare();

        Assert.Equal(["Exact", "Close", "Overflowing", "Broken", "Undefined"], result.Trainers.Select(t => t.Name));
        var rows = ComparisonReport.Leaderboard(result).Skip(1).ToDictionary(r => r[1]);
        Assert.Equal(["1", "Exact", "1.000 ± 0.000"], rows["Exact"][..3]);
        Assert.Equal("−∞", rows["Overflowing"][2]);
        Assert.Equal("∞", rows["Overflowing"][3]);
        Assert.Equal(["–", "Broken", "failed"], rows["Broken"][..3]);
    }

    [Fact]
    public void A_model_that_predicts_NaN_fails_instead_of_being_measured_on_the_rows_it_could_score()
    {
        // ML.NET's evaluator drops rows whose score is NaN: left alone, this model would show R² 0 and RMSE 0.
        var undefined = Compare()["Undefined"];

        Assert.Empty(undefined.Folds);
        Assert.Matches(@"^InvalidOperationException: it scored (\d+) of fold 1's \1 held-out rows as NaN", undefined.Error);
    }

    [Fact]
    public void A_metric_a_fold_could_not_give_reads_as_a_dash_and_its_mean_as_none()
    {
        var metrics = Metric.For(PredictionTask.BinaryClassification);
        var candidate = new CandidateTrainer("Uncalibrated", (_, _, _, _) => throw new NotSupportedException());
        var trainer = new TrainerResult(candidate, metrics,
            [new FoldResult(0, [0.91, 0.85, 0.8, double.NaN], 1.5, 2.5, null), new FoldResult(1, [0.93, 0.86, 0.82, double.NaN], 1.5, 2.5, null)]);
        var result = new ComparisonResult(PredictionTask.BinaryClassification, metrics, 2, 1, "Label", "Features", [trainer], null);

        var row = ComparisonReport.Leaderboard(result)[1];
        string path = Path.Combine(SampleProcess.TempFolder(), "results.json");
        ComparisonJson.Write(path, result);
        var json = SampleProcess.ReadJson(path).GetProperty("trainers")[0];

        Assert.Equal(["1", "Uncalibrated", "0.920 ± 0.014", "0.855 ± 0.007", "0.810 ± 0.014", "—", "1.50", "2.5"], row);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("mean")[3].ValueKind);
        Assert.Equal(0.92, json.GetProperty("mean")[0].GetDouble(), 12);
        Assert.Equal(["Log-loss 0 NaN", "Log-loss 1 NaN"], json.GetProperty("notFinite").EnumerateArray()
            .Select(n => $"{n.GetProperty("metric").GetString()} {n.GetProperty("fold").GetInt32()} {n.GetProperty("value").GetString()}"));
    }

    [Fact]
    public void Results_json_writes_null_for_every_value_that_is_not_finite_and_names_it()
    {
        var result = Compare();
        string path = Path.Combine(SampleProcess.TempFolder(), "results.json");

        ComparisonJson.Write(path, result);

        var json = SampleProcess.ReadJson(path);
        Assert.Equal("complete", json.GetProperty("status").GetString());
        var trainers = json.GetProperty("trainers").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        var overflowing = trainers["Overflowing"];
        Assert.All(overflowing.GetProperty("mean").EnumerateArray(), m => Assert.Equal(JsonValueKind.Null, m.ValueKind));
        Assert.All(overflowing.GetProperty("foldMetrics")[0].EnumerateArray(), m => Assert.Equal(JsonValueKind.Null, m.ValueKind));
        var named = overflowing.GetProperty("notFinite").EnumerateArray()
            .Select(n => $"{n.GetProperty("metric").GetString()} {n.GetProperty("fold").GetInt32()} {n.GetProperty("value").GetString()}").ToArray();
        Assert.Contains("R² 0 -Infinity", named);
        Assert.Contains("RMSE 2 Infinity", named);
        Assert.Equal(9, named.Length);

        var broken = trainers["Broken"];
        Assert.Contains("this trainer cannot be made", broken.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, broken.GetProperty("trainSecondsPerFold").ValueKind);
        Assert.Equal(0, broken.GetProperty("foldMetrics").GetArrayLength());

        var exact = trainers["Exact"];
        Assert.Equal(1.0, exact.GetProperty("mean")[0].GetDouble(), 9);
        Assert.Equal(0, exact.GetProperty("notFinite").GetArrayLength());
    }

    [Fact]
    public void The_report_leaves_values_that_are_not_finite_off_its_plot_and_names_them()
    {
        var result = Compare();
        string folder = SampleProcess.TempFolder();

        string report = File.ReadAllText(ComparisonReport.Write(folder, result, "not finite"));

        Assert.Contains("| 3 | Overflowing | −∞ | ∞ | ∞ |", report);
        Assert.Contains("Left off the plot, no finite R² (a fold without a value or with an infinite one): Overflowing (−∞).", report);
        Assert.Contains("Broken failed: InvalidOperationException: this trainer cannot be made", report);
        SampleProcess.AssertPng(Path.Combine(folder, "metric.png"));
    }

    [Fact]
    public void Progress_receives_each_finished_trainer_as_a_partial_result()
    {
        var seen = new List<ComparisonResult>();

        var final = Compare(seen.Add);

        Assert.Equal([1, 2, 3, 4, 5], seen.Select(r => r.Trainers.Count));
        Assert.All(seen, r => Assert.False(r.IsComplete));
        Assert.True(final.IsComplete);
        // Ranked as they arrive: "Close" leads until "Exact" has run.
        Assert.Equal(["Close", "Overflowing", "Broken", "Undefined"], seen[3].Trainers.Select(t => t.Name));
        Assert.Equal(final.Trainers.Select(t => t.Name), seen[^1].Trainers.Select(t => t.Name));
    }

    [Fact]
    public void A_search_whose_every_configuration_fails_ends_without_a_tuned_entry_and_says_why()
    {
        // Missing feature values, which Backprop refuses: every configuration fails on its first fold.
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 40).Select(i => new { Label = (float)i, Features = new[] { i % 7 == 0 ? float.NaN : i, 1f } }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new Example { Label = r.Label, Features = r.Features }));
        var seen = new List<ComparisonResult>();
        var options = new ComparisonOptions
        {
            NumberOfFolds = 2,
            Candidates = [],
            Search = new SearchOptions { MaxTrials = 3, Seed = 1 },
            Progress = seen.Add,
        };

        var result = new TrainerComparison(ml, options).Run(data, PredictionTask.Regression);

        var search = result.Search!;
        Assert.Null(search.Best);
        Assert.Equal(3, search.Trials.Count);
        Assert.All(search.Trials, t => Assert.Contains("Features", t.Error));
        Assert.All(search.Trials, t => Assert.True(double.IsNaN(t.MeanPrimary)));
        Assert.Empty(result.Trainers);
        Assert.Equal(3, seen.Count);
        string folder = SampleProcess.TempFolder();
        string report = File.ReadAllText(ComparisonReport.Write(folder, result, "failing search"));
        Assert.Contains("Every configuration failed, so there is no tuned entry.", report);
        Assert.Contains("| 1 | [128, 64] ReLU", report);
        SampleProcess.AssertPng(Path.Combine(folder, "search.png"));
        SampleProcess.AssertPng(Path.Combine(folder, "metric.png"));
    }

    [Fact]
    public void A_fit_over_the_time_limit_is_stopped_and_its_trainer_listed_as_failed()
    {
        var ml = new MLContext(seed: 1);
        var data = TabularData.LoadCsv(ml, SampleProcess.Shipped("iris.csv"), "species");
        var endless = new CandidateTrainer("Endless", (context, label, features, seed) => context.MulticlassClassification.Trainers.Backprop(
            new BackpropMulticlassTrainer.Options { LabelColumnName = label, FeatureColumnName = features, NumberOfIterations = 1_000_000, EarlyStopping = false, Seed = seed }));
        var options = new ComparisonOptions
        {
            NumberOfFolds = 2,
            Candidates = [endless, CandidateTrainer.Standard(PredictionTask.MulticlassClassification).Single(c => c.Name == "LbfgsMaximumEntropy")],
            Search = null,
            FitTimeLimit = TimeSpan.FromSeconds(5),
        };

        var result = new TrainerComparison(ml, options).Run(data);

        Assert.Equal("TimeoutException: fitting took longer than the 5 s limit on fold 1, so it was stopped.", result["Endless"].Error);
        // The next candidate runs as usual.
        Assert.Null(result["LbfgsMaximumEntropy"].Error);
        Assert.True(result["LbfgsMaximumEntropy"].Primary.Mean > 0.9);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerComparison(ml, new ComparisonOptions { FitTimeLimit = TimeSpan.Zero }));
    }

    private sealed class Example
    {
        public float Label { get; set; }

        [Microsoft.ML.Data.VectorType(2)]
        public float[] Features { get; set; } = [];
    }
}
