using System.Globalization;
using System.Text.Json;
using Backprop.MLNet.Comparison;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// The benchmark suite: every dataset of a role through the comparison library's featurization and folds, with the
/// same candidates everywhere — Backprop's defaults, any Backprop configuration named on the command line, and ML.NET's
/// SDCA, L-BFGS (logistic, maximum entropy or Poisson, as fits), FastTree and LightGbm. Writes <c>suite.md</c> (a table
/// per role and task, mean ranks, fit seconds), <c>ranks.png</c>, <c>results.json</c>, and each dataset's folds
/// and column kinds under <c>folds/</c> so that an outside peer (the scikit-learn script beside this file) can use the
/// same rows and the same featurization; its <c>peers.json</c>, when given, joins the tables.
/// </summary>
internal static class SuiteCommand
{
    public sealed record Settings(string Role, int Folds, int Seed, string[] Backprop, string Output, double? FitTimeLimitSeconds,
        string[] Datasets, string? Peers, bool FoldsOnly = false, bool BackpropOnly = false);

    // The ML.NET trainers of the suite, by their names in the comparison's standard field.
    public static readonly string[] Baselines =
    [
        "SDCA", "SdcaLogisticRegression", "SdcaMaximumEntropy",
        "LbfgsPoissonRegression", "LbfgsLogisticRegression", "LbfgsMaximumEntropy",
        "FastTree", "FastTree (one-versus-all)", "LightGbm",
    ];

    public static int Run(Settings settings, TextWriter output)
    {
        if (settings.Role is not ("selection" or "evaluation" or "all"))
            throw new ArgumentException($"--role must be selection, evaluation or all, not '{settings.Role}'.");
        if (settings.Folds < 2)
            throw new ArgumentException($"--folds must be at least 2, not {settings.Folds}.");
        var unknown = settings.Datasets.Where(d => BenchmarkSuite.All.All(s => s.Name != d && s.File != d)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"Not in the suite: {string.Join(", ", unknown)}. Its datasets are {string.Join(", ", BenchmarkSuite.All.Select(d => d.Name))}.");
        var extra = settings.Backprop.Select(BackpropOverrides.Parse).ToArray();
        var peers = settings.Peers is null ? null : SuitePeers.Read(settings.Peers);

        string folder = BenchmarkSuite.Folder ?? throw new DirectoryNotFoundException(
            "The shared datasets folder (shared/datasets above this program) is absent; the suite's data lives there.");
        var datasets = BenchmarkSuite.All
            .Where(d => settings.Role == "all" || d.Role == settings.Role)
            .Where(d => settings.Datasets.Length == 0 || settings.Datasets.Contains(d.Name) || settings.Datasets.Contains(d.File))
            .ToArray();
        Directory.CreateDirectory(Path.Combine(settings.Output, "folds"));
        var results = new List<SuiteResult>();
        foreach (var dataset in datasets)
        {
            output.WriteLine($"{dataset.Name} ({dataset.Role}, {TaskProfile.For(dataset.Task).Name})");
            var ml = new MLContext(seed: settings.Seed);
            var data = TabularData.LoadCsv(ml, Path.Combine(folder, dataset.File), dataset.Label, dataset.Task, dataset.Ignore);
            if (settings.FoldsOnly)
            {
                SuiteFolds.Write(Path.Combine(settings.Output, "folds", dataset.Name + ".json"), ml, dataset, data, settings.Folds, settings.Seed);
                continue;
            }
            var options = new ComparisonOptions
            {
                NumberOfFolds = settings.Folds,
                Seed = settings.Seed,
                Candidates = Candidates(data, extra, settings.BackpropOnly),
                Search = null,
                FitTimeLimit = settings.FitTimeLimitSeconds is { } limit ? TimeSpan.FromSeconds(limit) : null,
                Log = line => output.WriteLine("  " + line),
            };
            var comparison = new TrainerComparison(ml, options).Run(data);
            SuiteFolds.Write(Path.Combine(settings.Output, "folds", dataset.Name + ".json"), ml, dataset, data, settings.Folds, settings.Seed);
            results.Add(new SuiteResult(dataset, data.RowCount, comparison));
            SuiteJson.Write(Path.Combine(settings.Output, "results.json"), settings, results);
        }

        if (settings.FoldsOnly)
        {
            output.WriteLine($"Folds of {datasets.Length} datasets: {Path.Combine(settings.Output, "folds")}");
            return 0;
        }
        string command = "dotnet run -c Release --project tests/Backprop.MLNet.Benchmarks -- suite " + string.Join(' ', Arguments(settings));
        string report = SuiteReport.Write(settings.Output, results, peers, settings.Folds, settings.Seed, command);
        output.WriteLine($"Report: {report}");
        return 0;
    }

    // Backprop's defaults, the named configurations, then (unless only Backprop is compared) ML.NET's baselines in the
    // standard field's order.
    private static IReadOnlyList<CandidateTrainer> Candidates(TabularData data, BackpropOverrides[] extra, bool backpropOnly)
    {
        var profile = TaskProfile.For(data.Task);
        bool nonNegative = data.Task != PredictionTask.Regression || data.Data.GetColumn<float>(data.LabelColumn).All(v => v >= 0);
        var standard = profile.StandardCandidates(nonNegative);
        return
        [
            standard[0],
            .. extra.Select(e => e.Candidate(data.Task)),
            .. standard.Where(c => !backpropOnly && c.Backprop is null && Baselines.Contains(c.Name)),
        ];
    }

    private static IEnumerable<string> Arguments(Settings s)
    {
        yield return $"--role {s.Role}";
        yield return $"--folds {s.Folds}";
        yield return $"--seed {s.Seed}";
        foreach (string b in s.Backprop)
            yield return $"--backprop \"{b}\"";
        if (s.FitTimeLimitSeconds is { } limit)
            yield return string.Create(CultureInfo.InvariantCulture, $"--fit-time-limit {limit}");
        foreach (string d in s.Datasets)
            yield return $"--dataset {d}";
        if (s.Peers is not null)
            yield return $"--peers {s.Peers}";
        if (s.BackpropOnly)
            yield return "--backprop-only";
        yield return $"--out {s.Output}";
    }
}

/// <summary>One dataset's comparison in the suite.</summary>
internal sealed record SuiteResult(BenchmarkSuite.Dataset Dataset, int Rows, ComparisonResult Comparison);

/// <summary>Each dataset's folds (the held-out rows of each, counted from 0 in file order) and column kinds, for outside peers.</summary>
internal static class SuiteFolds
{
    /// <summary>
    /// ML.NET's <c>CrossValidationSplit</c> draws one seeded number per row, whatever the columns, so the split of a
    /// view of row numbers is the split the comparison made of the data.
    /// </summary>
    public static int[][] HeldOutRows(MLContext ml, int rows, int folds, int seed)
    {
        var numbers = ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i => new RowNumber { Row = i }));
        return ml.Data.CrossValidationSplit(numbers, folds, seed: seed)
            .Select(f => f.TestSet.GetColumn<int>(nameof(RowNumber.Row)).ToArray()).ToArray();
    }

    public static void Write(string path, MLContext ml, BenchmarkSuite.Dataset dataset, TabularData data, int folds, int seed)
    {
        var document = new
        {
            dataset = dataset.Name,
            file = dataset.File,
            task = TaskProfile.For(dataset.Task).Name,
            label = dataset.Label,
            role = dataset.Role,
            rows = data.RowCount,
            seed,
            columns = data.Features.Select(f => new { name = f.Name, kind = f.Kind.ToString().ToLowerInvariant() }).ToArray(),
            ignored = data.Ignored.Select(c => c.Name).ToArray(),
            classes = data.Classes,
            heldOut = HeldOutRows(ml, data.RowCount, folds, seed),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document));
    }

    private sealed class RowNumber
    {
        public int Row { get; set; }
    }
}
