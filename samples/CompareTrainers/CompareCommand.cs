using System.Text.Json;
using Backprop.MLNet.Comparison;
using Microsoft.ML;
using Spectre.Console;

namespace CompareTrainers;

/// <summary>The command: load and check the data, compare, print the leaderboard, write the report.</summary>
internal static class CompareCommand
{
    /// <summary>Exit code for input the comparison cannot use (a missing file or column, a label unfit for the task, …).</summary>
    public const int BadInput = 2;

    public sealed record Settings(string Data, string Label, string? Task, int Folds, double TimeBudgetSeconds, int? Trials, int Seed,
        string[] Ignore, string? Output);

    public static int Run(Settings settings)
    {
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 200;
        try
        {
            return Compare(settings);
        }
        catch (ComparisonInputException e)
        {
            // Standard error, unwrapped, so scripts and people see the whole message.
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
    }

    private static int Compare(Settings settings)
    {
        if (settings.Folds < 2)
            throw new ComparisonInputException($"--folds must be at least 2 (it is {settings.Folds}); 5 is usual.");
        if (settings.TimeBudgetSeconds < 0 || settings.Trials is < 1)
            throw new ComparisonInputException("--time-budget must be 0 or more seconds and --trials 1 or more.");

        var ml = new MLContext(seed: settings.Seed);
        PredictionTask? task = settings.Task switch
        {
            "regression" => PredictionTask.Regression,
            "binary" => PredictionTask.BinaryClassification,
            "multiclass" => PredictionTask.MulticlassClassification,
            _ => null,
        };
        TabularData data = TabularData.LoadCsv(ml, settings.Data, settings.Label, task, settings.Ignore);
        string output = settings.Output
            ?? Path.Combine(Path.GetDirectoryName(settings.Data)!, Path.GetFileNameWithoutExtension(settings.Data) + "-comparison");

        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(Path.GetFileName(settings.Data))}[/]");
        var featurization = data.DescribeFeaturization();
        foreach (string line in featurization)
            AnsiConsole.MarkupLine($"  {Markup.Escape(line)}");
        if (data.TaskInferred && data.Task == PredictionTask.Regression)
            AnsiConsole.MarkupLine("  [grey](a numeric label means regression; pass --task multiclass to treat its values as classes)[/]");
        AnsiConsole.WriteLine();

        bool search = settings.Trials is not null || settings.TimeBudgetSeconds > 0;
        var options = new ComparisonOptions
        {
            NumberOfFolds = settings.Folds,
            Seed = settings.Seed,
            Search = search
                ? new SearchOptions { TimeBudget = TimeSpan.FromSeconds(settings.TimeBudgetSeconds), MaxTrials = settings.Trials, Seed = settings.Seed }
                : null,
            Log = line => AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(line)}[/]"),
        };
        AnsiConsole.MarkupLine($"Comparing on {settings.Folds} folds" + (search
            ? settings.Trials is { } n ? $", then searching {n} Backprop configurations:" : $", then searching Backprop's hyperparameters for {settings.TimeBudgetSeconds:F0} s:"
            : ":"));
        ComparisonResult result = new TrainerComparison(ml, options).Run(data);

        AnsiConsole.WriteLine();
        AnsiConsole.Write(LeaderboardTable(result));
        if (result.Search is { } found)
        {
            AnsiConsole.MarkupLine($"\nBest Backprop configuration of {found.Trials.Count} tried; paste it into your pipeline:\n");
            AnsiConsole.WriteLine(found.Best.ToCode(result.Task, result.LabelColumnName, result.FeatureColumnName, result.Seed));
        }

        string command = "dotnet run --project samples/CompareTrainers -c Release -- " + string.Join(' ', CommandArguments(settings, output));
        string report = ComparisonReport.Write(output, result, Path.GetFileName(settings.Data), featurization, command);
        File.WriteAllText(Path.Combine(output, "results.json"), JsonSerializer.Serialize(Summary(result), JsonOptions));
        AnsiConsole.MarkupLine($"\nReport: [link]{Markup.Escape(report)}[/]");
        return 0;
    }

    private static Table LeaderboardTable(ComparisonResult result)
    {
        var rows = ComparisonReport.Leaderboard(result);
        var table = new Table().Border(TableBorder.Rounded);
        for (int i = 0; i < rows[0].Length; i++)
            table.AddColumn(new TableColumn(Markup.Escape(rows[0][i])) { Alignment = i < 2 ? Justify.Left : Justify.Right });
        foreach (var row in rows.Skip(1))
            table.AddRow(row.Select(cell => row[1].StartsWith("Backprop", StringComparison.Ordinal)
                ? $"[bold]{Markup.Escape(cell)}[/]" : Markup.Escape(cell)).ToArray());
        return table;
    }

    // Paths relative to the folder the command ran in, so the line works in any clone.
    private static IEnumerable<string> CommandArguments(Settings s, string output)
    {
        yield return $"--data {Path.GetRelativePath(Environment.CurrentDirectory, s.Data)}";
        yield return $"--label {s.Label}";
        if (s.Task is not null)
            yield return $"--task {s.Task}";
        yield return $"--folds {s.Folds}";
        yield return s.Trials is { } n ? $"--trials {n}" : $"--time-budget {s.TimeBudgetSeconds}";
        yield return $"--seed {s.Seed}";
        if (s.Ignore.Length > 0)
            yield return $"--ignore {string.Join(',', s.Ignore)}";
        yield return $"--out {Path.GetRelativePath(Environment.CurrentDirectory, output)}";
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    // What a script or a test reads back: every trainer's per-fold metrics and times, and the search's outcome.
    private static object Summary(ComparisonResult result) => new
    {
        task = result.Task.ToString(),
        folds = result.NumberOfFolds,
        seed = result.Seed,
        metrics = result.Metrics.Select(m => m.Name).ToArray(),
        trainers = result.Trainers.Select(t => new
        {
            name = t.Name,
            error = t.Error,
            mean = t.Metrics.Select(m => Finite(m.Mean)).ToArray(),
            standardDeviation = t.Metrics.Select(m => Finite(m.StandardDeviation)).ToArray(),
            foldMetrics = t.Folds.Select(f => f.Metrics.Select(Finite).ToArray()).ToArray(),
            trainSecondsPerFold = t.MeanTrainSeconds,
            scoreMicrosecondsPerRow = t.MeanScoreMicrosecondsPerRow,
            backprop = t.Candidate.Backprop?.Describe(),
        }).ToArray(),
        search = result.Search is { } s ? new { trials = s.Trials.Count, seconds = s.Seconds, stoppedBy = s.StoppedBy, best = s.Best.Describe() } : null,
    };

    // JSON has no NaN: a metric a trainer cannot give (log-loss without probabilities) is null.
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
