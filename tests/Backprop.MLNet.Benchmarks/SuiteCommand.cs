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
            .. extra.Select(e => CandidateTrainer.ForBackprop("Backprop " + e.Text, data.Task, e.Apply(BackpropConfiguration.DefaultFor(data.Task)))),
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

/// <summary>
/// A Backprop configuration named on the command line, as changes to the task's defaults:
/// <c>hidden=256,128;lr=0.003;batch=32;l2=0.01;dropout=0.1;activation=gelu;models=5;scaling=robust</c>.
/// </summary>
internal sealed record BackpropOverrides(string Text, IReadOnlyDictionary<string, string> Values)
{
    private static readonly string[] Keys = ["hidden", "lr", "batch", "l2", "dropout", "activation", "models", "scaling"];

    public static BackpropOverrides Parse(string text)
    {
        var values = new Dictionary<string, string>();
        foreach (string part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !Keys.Contains(pair[0]))
                throw new ArgumentException($"--backprop '{text}': '{part}' is not key=value with a key among {string.Join(", ", Keys)}.");
            values[pair[0]] = pair[1];
        }
        var overrides = new BackpropOverrides(text, values);
        overrides.Apply(new BackpropConfiguration()); // fail now, not after an hour of other datasets
        return overrides;
    }

    public BackpropConfiguration Apply(BackpropConfiguration defaults)
    {
        var c = defaults;
        foreach (var (key, value) in Values)
        {
            c = key switch
            {
                "hidden" => c with { HiddenLayers = value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => Parse<int>(key, v)).ToArray() },
                "lr" => c with { LearningRate = Parse<float>(key, value) },
                "batch" => c with { BatchSize = Parse<int>(key, value) },
                "l2" => c with { L2Regularization = Parse<float>(key, value) },
                "dropout" => c with { Dropout = Parse<float>(key, value) },
                "models" => c with { NumberOfModels = Parse<int>(key, value) },
                "scaling" => c with
                {
                    FeatureScaling = Enum.TryParse<FeatureScaling>(value, ignoreCase: true, out var scaling) ? scaling
                        : throw new ArgumentException($"--backprop {key}={value}: not a feature scaling ({string.Join(", ", Enum.GetNames<FeatureScaling>())})."),
                },
                _ => c with
                {
                    Activation = Enum.TryParse<ActivationKind>(value, ignoreCase: true, out var kind) ? kind
                        : throw new ArgumentException($"--backprop {key}={value}: not an activation ({string.Join(", ", Enum.GetNames<ActivationKind>())})."),
                },
            };
        }
        return c;
    }

    private static T Parse<T>(string key, string value) where T : IParsable<T>
        => T.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : throw new ArgumentException($"--backprop {key}={value}: '{value}' is not a {typeof(T).Name}.");
}

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
