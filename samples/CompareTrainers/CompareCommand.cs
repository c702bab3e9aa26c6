using System.Runtime.InteropServices;
using Backprop.MLNet.Comparison;
using Microsoft.ML;
using Spectre.Console;

namespace CompareTrainers;

/// <summary>The command: load and check the data, compare, print the leaderboard, write the report.</summary>
/// <remarks>
/// Exit codes: 0 done; 1 a usage error (System.CommandLine's); 2 input the comparison cannot use; 3 an unexpected
/// failure; 130 interrupted (Ctrl+C or SIGTERM). Whatever happens after the data is loaded, the results computed so far
/// are in the output folder: <c>results.json</c> is rewritten as each trainer finishes, and a failure or an
/// interruption writes <c>report.md</c> from them. A failure's stack trace goes to <c>error.log</c> there, never to
/// the console.
/// </remarks>
internal static class CompareCommand
{
    /// <summary>Exit code for input the comparison cannot use (a missing file or column, a label unfit for the task, …).</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for a failure nobody foresaw: one line on standard error, the details in error.log.</summary>
    public const int Failed = 3;

    /// <summary>Exit code when Ctrl+C or SIGTERM stops the comparison (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    public sealed record Settings(string Data, string Label, string? Task, int Folds, double TimeBudgetSeconds, int? Trials, double? FitTimeLimitSeconds, int Seed,
        string[] Ignore, string? Output);

    // What a failure report needs: where the run writes, how far it got, and the results so far.
    private sealed class RunState(string output)
    {
        public string Output { get; } = output;

        public string Phase { get; set; } = "checking the options";

        public ComparisonResult? Latest { get; set; }

        public string Title { get; set; } = "";

        public IReadOnlyList<string> Featurization { get; set; } = [];

        public string? Command { get; set; }
    }

    public static int Run(Settings settings)
    {
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 200;
        var state = new RunState(settings.Output
            ?? Path.Combine(Path.GetDirectoryName(settings.Data)!, Path.GetFileNameWithoutExtension(settings.Data) + "-comparison"));

        // Ctrl+C and SIGTERM (a time limit, a container stopping) end the run after the fit in progress, with the
        // results so far written, instead of killing it mid-write.
        using var interrupt = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupt.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        try
        {
            return Compare(settings, state, interrupt.Token);
        }
        catch (ComparisonInputException e)
        {
            // Standard error, unwrapped, so scripts and people see the whole message.
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            string saved = SaveWhatIsDone(state, $"interrupted while {state.Phase}", failure: null);
            Console.Error.WriteLine($"interrupted while {state.Phase}. {saved}");
            return Interrupted;
        }
        catch (Exception e)
        {
            string failure = $"{e.GetType().Name}: {e.Message}";
            string saved = SaveWhatIsDone(state, $"failed while {state.Phase}: {failure}", e);
            Console.Error.WriteLine($"error: the comparison failed while {state.Phase} ({OneLine(failure)}). {saved}");
            return Failed;
        }
    }

    private static int Compare(Settings settings, RunState state, CancellationToken cancellation)
    {
        if (settings.Folds < 2)
            throw new ComparisonInputException($"--folds must be at least 2 (it is {settings.Folds}); 5 is usual.");
        if (settings.TimeBudgetSeconds < 0 || settings.Trials is < 1)
            throw new ComparisonInputException("--time-budget must be 0 or more seconds and --trials 1 or more.");
        if (settings.FitTimeLimitSeconds is { } limit && !(limit > 0))
            throw new ComparisonInputException($"--fit-time-limit must be a positive number of seconds (it is {limit}), for example 60.");

        state.Phase = "loading the data";
        var ml = new MLContext(seed: settings.Seed);
        PredictionTask? task = TaskProfile.All.FirstOrDefault(p => p.Name == settings.Task)?.Task;
        TabularData data = TabularData.LoadCsv(ml, settings.Data, settings.Label, task, settings.Ignore);
        string output = state.Output;
        state.Title = Path.GetFileName(settings.Data);
        state.Command = "backprop-compare " + string.Join(' ', CommandArguments(settings, output));

        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(Path.GetFileName(settings.Data))}[/]");
        var featurization = data.DescribeFeaturization();
        state.Featurization = featurization;
        foreach (string line in featurization)
            AnsiConsole.MarkupLine($"  {Markup.Escape(line)}");
        if (data.TaskInferred && data.Task == PredictionTask.Regression)
            AnsiConsole.MarkupLine("  [grey](a numeric label means regression; pass --task multiclass to treat its values as classes)[/]");
        AnsiConsole.WriteLine();

        string resultsPath = Path.Combine(output, "results.json");
        bool search = settings.Trials is not null || settings.TimeBudgetSeconds > 0;
        var options = new ComparisonOptions
        {
            NumberOfFolds = settings.Folds,
            Seed = settings.Seed,
            FitTimeLimit = settings.FitTimeLimitSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            Search = search
                ? new SearchOptions { TimeBudget = TimeSpan.FromSeconds(settings.TimeBudgetSeconds), MaxTrials = settings.Trials, Seed = settings.Seed }
                : null,
            Log = line => AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(line)}[/]"),
            // Saved as it arrives, so a crash, Ctrl+C or a time limit late in a long run loses nothing already computed.
            Progress = soFar =>
            {
                state.Latest = soFar;
                ComparisonJson.Write(resultsPath, soFar);
            },
        };
        AnsiConsole.MarkupLine($"Comparing on {settings.Folds} folds" + (search
            ? settings.Trials is { } n ? $", then searching {n} Backprop configurations:" : $", then searching Backprop's hyperparameters for {settings.TimeBudgetSeconds:F0} s:"
            : ":"));
        state.Phase = "comparing the trainers";
        ComparisonResult result = new TrainerComparison(ml, options).Run(data, cancellation);
        state.Latest = result;

        state.Phase = "writing the results";
        ComparisonJson.Write(resultsPath, result);
        AnsiConsole.WriteLine();
        AnsiConsole.Write(LeaderboardTable(result));
        if (result.Search?.Best is { } best)
        {
            AnsiConsole.MarkupLine($"\nBest Backprop configuration of {result.Search.Trials.Count} tried; paste it into your pipeline:\n");
            AnsiConsole.WriteLine(best.ToCode(result.Task, result.LabelColumnName, result.FeatureColumnName, result.Seed));
        }

        state.Phase = "writing the report";
        string report = ComparisonReport.Write(output, result, state.Title, featurization, state.Command);
        AnsiConsole.MarkupLine($"\nReport: [link]{Markup.Escape(report)}[/]");
        return 0;
    }

    // After a failure or an interruption: results.json and report.md from whatever finished, and the failure's
    // details in error.log. Returns the sentence that tells the user where they are.
    private static string SaveWhatIsDone(RunState state, string interruption, Exception? failure)
    {
        var written = new List<string>();
        var problems = new List<Exception>();
        if (failure is not null)
            problems.Add(failure);
        if (state.Latest is { } latest)
        {
            var partial = latest with { IsComplete = false, Interruption = interruption };
            Try(() => ComparisonJson.Write(Path.Combine(state.Output, "results.json"), partial), "results.json");
            Try(() => ComparisonReport.Write(state.Output, partial, state.Title, state.Featurization, state.Command), "report.md");
        }
        string? log = null;
        if (problems.Count > 0)
        {
            try
            {
                Directory.CreateDirectory(state.Output);
                log = Path.Combine(state.Output, "error.log");
                File.WriteAllText(log, $"{DateTime.UtcNow:u} {interruption}\n{state.Command}\n\n" + string.Join("\n\n", problems.Select(p => p.ToString())) + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log = null;
            }
        }

        string results = state.Latest is null
            ? "No trainer had finished, so there are no results to keep."
            : written.Count > 0
                ? $"Results so far: {string.Join(", ", written.Select(f => Path.Combine(state.Output, f)))}."
                : $"The results so far could not be written to {state.Output}.";
        if (problems.Count > 0)
            results += log is not null ? $" Details: {log}" : " The details could not be written either; check that the output folder is writable.";
        return results;

        void Try(Action write, string file)
        {
            try
            {
                write();
                written.Add(file);
            }
            catch (Exception e)
            {
                problems.Add(e);
            }
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").TrimEnd('.', ' ');

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
        if (s.FitTimeLimitSeconds is { } limit)
            yield return $"--fit-time-limit {limit}";
        yield return $"--seed {s.Seed}";
        if (s.Ignore.Length > 0)
            yield return $"--ignore {string.Join(',', s.Ignore)}";
        yield return $"--out {Path.GetRelativePath(Environment.CurrentDirectory, output)}";
    }
}
