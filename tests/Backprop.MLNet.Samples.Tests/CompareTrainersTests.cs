using System.Text.Json;
using Backprop.MLNet.Comparison;
using Microsoft.ML;

namespace Backprop.MLNet.Samples.Tests;

/// <summary>Runs samples/CompareTrainers as a user would and checks its leaderboard against ML.NET's own CrossValidate.</summary>
public class CompareTrainersTests
{
    public static TheoryData<string, string, PredictionTask> Datasets => new()
    {
        { "sacramento_housing.csv", "price", PredictionTask.Regression },
        { "wine_quality_red.csv", "quality", PredictionTask.Regression },
        { "breast_cancer_wisconsin_diagnostic.csv", "malignant", PredictionTask.BinaryClassification },
        { "iris.csv", "species", PredictionTask.MulticlassClassification },
    };

    [SkippableTheory]
    [MemberData(nameof(Datasets))]
    public void The_leaderboard_has_every_trainer_with_finite_fold_metrics_that_agree_with_CrossValidate(string file, string label,
        PredictionTask task)
    {
        string path = DataPath(file);
        string output = SampleProcess.TempFolder();
        var run = SampleProcess.Run("CompareTrainers", "--data", path, "--label", label, "--trials", "6", "--out", output).Succeeded();

        var results = SampleProcess.ReadJson(Path.Combine(output, "results.json"));
        Assert.Equal(task.ToString(), results.GetProperty("task").GetString());
        var trainers = results.GetProperty("trainers").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t);
        string[] expected = [.. CandidateTrainer.Standard(task).Select(c => c.Name), ComparisonResult.TunedName];
        Assert.Equal(expected.Order(), trainers.Keys.Order());

        foreach (var (name, trainer) in trainers)
        {
            Assert.Equal(JsonValueKind.Null, trainer.GetProperty("error").ValueKind);
            var folds = trainer.GetProperty("foldMetrics").EnumerateArray().ToArray();
            Assert.Equal(5, folds.Length);
            foreach (var fold in folds)
            {
                var values = fold.EnumerateArray().ToArray();
                for (int m = 0; m < values.Length; m++)
                {
                    // Only an uncalibrated classifier (binary FastForest) has no log-loss.
                    if (values[m].ValueKind == JsonValueKind.Null && name == "FastForest" && task == PredictionTask.BinaryClassification && m == 3)
                        continue;
                    Assert.True(values[m].ValueKind == JsonValueKind.Number && double.IsFinite(values[m].GetDouble()), $"{name}: metric {m} is {values[m]}");
                }
            }
            Assert.True(trainer.GetProperty("trainSecondsPerFold").GetDouble() > 0, name);
            Assert.True(trainer.GetProperty("scoreMicrosecondsPerRow").GetDouble() > 0, name);
        }

        // The same folds as ML.NET's CrossValidate with the same seed: Backprop (seeded) and a deterministic ML.NET trainer.
        string baseline = task switch
        {
            PredictionTask.Regression => "FastTree",
            PredictionTask.BinaryClassification => "LbfgsLogisticRegression",
            _ => "LbfgsMaximumEntropy",
        };
        foreach (string name in new[] { "Backprop", baseline })
        {
            double[] direct = CrossValidatePrimary(path, label, CandidateTrainer.Standard(task).Single(c => c.Name == name));
            double[] reported = trainers[name].GetProperty("foldMetrics").EnumerateArray().Select(f => f[0].GetDouble()).ToArray();
            for (int fold = 0; fold < 5; fold++)
                Assert.True(Math.Abs(direct[fold] - reported[fold]) < 1e-6, $"{name} fold {fold}: CLI {reported[fold]}, CrossValidate {direct[fold]}");
        }

        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        foreach (string name in expected)
            Assert.Contains($"| {name} |", report);
        Assert.Contains("```csharp", report);
        foreach (string png in new[] { "metric.png", "loss-curves.png", "search.png", "importance.png" })
            SampleProcess.AssertPng(Path.Combine(output, png));
        Assert.Contains("paste it into your pipeline", run.Output);
        // The importance table names the featurizer's slots, largest first.
        string[] importance = [.. report[report.IndexOf("## Feature importance", StringComparison.Ordinal)..].Split('\n')
            .SkipWhile(l => !l.StartsWith("|---", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.StartsWith('|'))];
        Assert.InRange(importance.Length, 4, 15);
        double[] importances = [.. importance.Select(l => double.Parse(l.Split('|')[2], System.Globalization.CultureInfo.InvariantCulture))];
        Assert.True(importances.Zip(importances.Skip(1)).All(p => p.First >= p.Second), string.Join(", ", importances));
        Assert.All(importance, l => Assert.False(string.IsNullOrWhiteSpace(l.Split('|')[1])));
    }

    private static double[] CrossValidatePrimary(string path, string label, CandidateTrainer candidate)
    {
        var ml = new MLContext(seed: 1);
        var data = TabularData.LoadCsv(ml, path, label);
        var pipeline = data.Featurizer(ml).Append(candidate.Create(ml, data.LabelColumnName, TabularData.FeatureColumnName, seed: 1));
        return data.Task switch
        {
            PredictionTask.Regression => ml.Regression.CrossValidate(data.Data, pipeline, 5, data.LabelColumnName, seed: 1)
                .OrderBy(r => r.Fold).Select(r => r.Metrics.RSquared).ToArray(),
            PredictionTask.BinaryClassification => ml.BinaryClassification.CrossValidate(data.Data, pipeline, 5, data.LabelColumnName, seed: 1)
                .OrderBy(r => r.Fold).Select(r => r.Metrics.AreaUnderRocCurve).ToArray(),
            _ => ml.MulticlassClassification.CrossValidate(data.Data, pipeline, 5, data.LabelColumnName, seed: 1)
                .OrderBy(r => r.Fold).Select(r => r.Metrics.MacroAccuracy).ToArray(),
        };
    }

    private static string DataPath(string file)
    {
        if (File.Exists(SampleProcess.Shipped(file)))
            return SampleProcess.Shipped(file);
        string? shared = SampleProcess.SharedDatasets;
        Skip.If(shared is null, SampleProcess.SharedMissing);
        return Path.Combine(shared!, file);
    }

    public static TheoryData<string, string[]> BadInputs => new()
    {
        { "missing file", ["--data", "/no/such/folder/houses.csv", "--label", "price"] },
        { "missing label column", ["--data", "{iris}", "--label", "price"] },
        { "text label for regression", ["--data", "{iris}", "--label", "species", "--task", "regression"] },
        { "three classes for binary", ["--data", "{iris}", "--label", "species", "--task", "binary"] },
        { "constant label", ["--data", "{constant}", "--label", "flag"] },
        { "only constant features", ["--data", "{constant}", "--label", "x", "--ignore", "y"] },
        { "empty file", ["--data", "{empty}", "--label", "y"] },
        { "label missing in a row", ["--data", "{unlabelled}", "--label", "y"] },
        { "one fold", ["--data", "{iris}", "--label", "species", "--folds", "1"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gets_a_message_that_names_the_problem_and_exit_code_2_without_a_stack_trace(string problem, string[] arguments)
    {
        string folder = SampleProcess.TempFolder();
        File.WriteAllText(Path.Combine(folder, "constant.csv"), "x,flag,y\n1,a,2\n2,a,3\n3,a,5\n4,a,4\n5,a,6\n6,a,8\n7,a,9\n8,a,8\n9,a,9\n10,a,12\n");
        File.WriteAllText(Path.Combine(folder, "empty.csv"), "");
        File.WriteAllText(Path.Combine(folder, "unlabelled.csv"), "x,y\n1,2\n2,\n3,5\n4,NA\n");
        string[] args = arguments.Select(a => a switch
        {
            "{iris}" => SampleProcess.Shipped("iris.csv"),
            "{constant}" => Path.Combine(folder, "constant.csv"),
            "{empty}" => Path.Combine(folder, "empty.csv"),
            "{unlabelled}" => Path.Combine(folder, "unlabelled.csv"),
            _ => a,
        }).ToArray();

        var run = SampleProcess.Run("CompareTrainers", [.. args, "--out", folder]);

        string said = run.Output + run.Errors;
        Assert.True(run.ExitCode == 2, $"{problem}: exit code {run.ExitCode}\n{said}");
        string expected = problem switch
        {
            "missing file" => "'/no/such/folder/houses.csv' does not exist",
            "missing label column" => "label column 'price' is not in",
            "text label for regression" => "regression needs numbers",
            "three classes for binary" => "needs exactly two label values, but 'species' has 3",
            "constant label" => "'flag' has the same value ('a') in every row",
            "only constant features" => "no usable feature column besides the label 'x' (flag: the same value ('a') in every row; y: left out as asked)",
            "empty file" => "is empty",
            "label missing in a row" => "missing in 2 row(s)",
            _ => "--folds must be at least 2",
        };
        Assert.Contains(expected, said.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", said);
        Assert.False(File.Exists(Path.Combine(folder, "report.md")), "no report for bad input");
    }

    [Fact]
    public void A_missing_required_option_is_a_usage_error()
    {
        var run = SampleProcess.Run("CompareTrainers", "--data", SampleProcess.Shipped("iris.csv"));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--label", run.Output + run.Errors);
        Assert.DoesNotContain("   at ", run.Output + run.Errors);
    }
}
