using System.Text.Json;
using Backprop.MLNet.Benchmarks;
using Backprop.MLNet.Comparison;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Samples.Tests;

/// <summary>The benchmark suite command: its folds are the comparison's, its files say what a peer needs, bad settings are named.</summary>
public class SuiteCommandTests
{
    [Fact]
    public void The_exported_held_out_rows_are_the_rows_of_the_comparisons_folds()
    {
        var ml = new MLContext(seed: 0);
        var data = TabularData.LoadCsv(ml, SampleProcess.Shipped("sacramento_housing.csv"), "price");
        float[] prices = data.Data.GetColumn<float>("price").ToArray();

        int[][] heldOut = SuiteFolds.HeldOutRows(ml, data.RowCount, 5, seed: 3);
        var folds = ml.Data.CrossValidationSplit(data.Data, 5, seed: 3);

        Assert.Equal(data.RowCount, heldOut.Sum(f => f.Length));
        Assert.Equal(Enumerable.Range(0, data.RowCount), heldOut.SelectMany(f => f).Order());
        for (int k = 0; k < 5; k++)
            Assert.Equal(folds[k].TestSet.GetColumn<float>("price"), heldOut[k].Select(r => prices[r]));
    }

    [SkippableFact]
    public void The_suite_writes_tables_ranks_results_and_folds_and_takes_in_peers()
    {
        Skip.If(BenchmarkSuite.Folder is null, SampleProcess.SharedMissing);
        string output = SampleProcess.TempFolder();
        string peers = Path.Combine(output, "peers.json");
        File.WriteAllText(peers, """{"datasets": {"iris": [{"name": "scikit-learn Peer", "primary": [0.5, 0.7], "fitSeconds": [0.1, 0.3], "error": null}]}}""");
        var said = new StringWriter();

        int exit = SuiteCommand.Run(new SuiteCommand.Settings("selection", 2, 0, ["hidden=32;lr=0.01"], output, null, ["iris", "wine"], peers), said);

        Assert.Equal(0, exit);
        string report = File.ReadAllText(Path.Combine(output, "suite.md"));
        Assert.Contains("## Selection sets", report);
        Assert.DoesNotContain("## Evaluation sets", report);
        Assert.Contains("| dataset | rows | Backprop | Backprop hidden=32;lr=0.01 | SdcaMaximumEntropy | LbfgsMaximumEntropy | FastTree (one-versus-all) | LightGbm | scikit-learn Peer |", report);
        Assert.Contains("| iris | 150 |", report);
        Assert.Contains("0.600 ± 0.141 · 0.2 s", report);
        Assert.Contains("| **mean rank** |", report);
        SampleProcess.AssertPng(Path.Combine(output, "ranks.png"));

        var results = SampleProcess.ReadJson(Path.Combine(output, "results.json"));
        var datasets = results.GetProperty("datasets").EnumerateArray().ToArray();
        Assert.Equal(["iris", "wine"], datasets.Select(d => d.GetProperty("dataset").GetString()));
        Assert.All(datasets, d => Assert.Equal(6, d.GetProperty("trainers").GetArrayLength()));
        Assert.All(datasets.SelectMany(d => d.GetProperty("trainers").EnumerateArray()), t => Assert.Equal(2, t.GetProperty("foldMetrics").GetArrayLength()));

        var folds = SampleProcess.ReadJson(Path.Combine(output, "folds", "wine.json"));
        Assert.Equal("multiclass", folds.GetProperty("task").GetString());
        Assert.Equal(178, folds.GetProperty("heldOut").EnumerateArray().Sum(f => f.GetArrayLength()));
        Assert.All(folds.GetProperty("columns").EnumerateArray(), c => Assert.Equal("numeric", c.GetProperty("kind").GetString()));
    }

    [SkippableFact]
    public void Backprop_only_compares_configurations_that_set_options_beyond_the_comparisons()
    {
        Skip.If(BenchmarkSuite.Folder is null, SampleProcess.SharedMissing);
        string output = SampleProcess.TempFolder();

        int exit = SuiteCommand.Run(new SuiteCommand.Settings("selection", 2, 0,
            ["models=2;scaling=robust;schedule=coslog4;epochs=30;refit=true;smoothing=0.1;embedding=0.1;holdout=0.1",
             "hidden=16x8;activation=sigmoid;epochs=20;patience=20"],
            output, null, ["iris"], null, BackpropOnly: true), TextWriter.Null);

        Assert.Equal(0, exit);
        string report = File.ReadAllText(Path.Combine(output, "suite.md"));
        Assert.Contains("| dataset | rows | Backprop | Backprop models=2;scaling=robust;schedule=coslog4;epochs=30;refit=true;smoothing=0.1;embedding=0.1;holdout=0.1 | " +
            "Backprop hidden=16x8;activation=sigmoid;epochs=20;patience=20 |", report);
        var trainers = SampleProcess.ReadJson(Path.Combine(output, "results.json")).GetProperty("datasets")[0].GetProperty("trainers");
        Assert.Equal(3, trainers.GetArrayLength());
        // Eight sigmoid layers of 16 lose their gradient on the way back, and the report says so.
        Assert.Contains("- iris, Backprop hidden=16x8;activation=sigmoid;epochs=20;patience=20: VanishingGradients (2 of 2 folds)", report);
        Assert.All(trainers.EnumerateArray(), t => Assert.Equal(System.Text.Json.JsonValueKind.Null, t.GetProperty("error").ValueKind));
    }

    [SkippableFact]
    public void Folds_only_writes_the_folds_for_the_peers_and_trains_nothing()
    {
        Skip.If(BenchmarkSuite.Folder is null, SampleProcess.SharedMissing);
        string output = SampleProcess.TempFolder();

        int exit = SuiteCommand.Run(new SuiteCommand.Settings("evaluation", 5, 0, [], output, null, [], null, FoldsOnly: true), TextWriter.Null);

        Assert.Equal(0, exit);
        Assert.Equal(BenchmarkSuite.All.Where(d => !d.Selection).Select(d => d.Name + ".json").Order(),
            Directory.GetFiles(Path.Combine(output, "folds")).Select(Path.GetFileName).Order());
        Assert.False(File.Exists(Path.Combine(output, "suite.md")));
        Assert.False(File.Exists(Path.Combine(output, "results.json")));
    }

    [Theory]
    [InlineData("role", "--role must be selection, evaluation or all")]
    [InlineData("dataset", "Not in the suite: mnist.")]
    [InlineData("backprop key", "'depth=3' is not key=value with a key among hidden, lr, batch, l2, dropout, activation, models, scaling, epochs, patience, schedule, refit, smoothing, embedding, holdout, residual, norm, init")]
    [InlineData("backprop norm", "--backprop norm=group: not one of None, Layer, Batch")]
    [InlineData("backprop value", "--backprop lr=fast: 'fast' is not a Single")]
    [InlineData("backprop schedule", "--backprop schedule=warm: not a schedule (constant, cosine, coslog<cycles> such as coslog4)")]
    [InlineData("backprop scaling", "--backprop scaling=minmax: not one of None, Standard, Robust")]
    [InlineData("backprop refit", "--backprop refit=maybe: 'maybe' is not a Boolean")]
    [InlineData("peers", "--peers: '/no/peers.json' does not exist")]
    public void Bad_settings_are_refused_before_anything_trains(string problem, string expected)
    {
        var settings = new SuiteCommand.Settings("all", 2, 0, [], SampleProcess.TempFolder(), null, [], null);
        settings = problem switch
        {
            "role" => settings with { Role = "tuning" },
            "dataset" => settings with { Datasets = ["mnist"] },
            "backprop key" => settings with { Backprop = ["depth=3"] },
            "backprop value" => settings with { Backprop = ["lr=fast"] },
            "backprop schedule" => settings with { Backprop = ["schedule=warm"] },
            "backprop scaling" => settings with { Backprop = ["scaling=minmax"] },
            "backprop refit" => settings with { Backprop = ["refit=maybe"] },
            "backprop norm" => settings with { Backprop = ["norm=group"] },
            _ => settings with { Peers = "/no/peers.json" },
        };

        var error = Assert.ThrowsAny<Exception>(() => SuiteCommand.Run(settings, TextWriter.Null));

        Assert.Contains(expected, error.Message);
        Assert.False(File.Exists(Path.Combine(settings.Output, "suite.md")));
    }
}
