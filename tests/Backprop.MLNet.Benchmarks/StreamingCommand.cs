using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Streamed against in-memory training on a file larger than the streamed fit's memory: writes (once) a binary ML.NET
/// file of generated rows (<c>SaveAsBinary</c>; by default 20 million rows of 32 features, 2.5 GB of floats), then fits
/// the regression trainer for one epoch on it in each mode, each fit in a process of its own so its peak working set is
/// its own, the modes alternating round by round. Prints each fit and a table of medians: the epoch's samples per
/// second (training rows over the epoch's time, validation included), the whole fit's time, and the peak working set.
/// </summary>
internal static class StreamingCommand
{
    public sealed record Settings(string File, int Rows, int Features, int Rounds, int[] Hidden, int Batch, int Buffer, int? Threads, bool ShuffleSource, string? Mode);

    public static int Run(Settings settings, TextWriter output)
    {
        if (settings.Mode is { } mode)
            return Fit(settings, streaming: mode == "stream", output);

        if (!File.Exists(settings.File))
            Generate(settings, output);
        var fits = new Dictionary<string, List<Dictionary<string, double>>> { ["stream"] = [], ["memory"] = [] };
        for (int round = 0; round < settings.Rounds; round++)
        {
            foreach (string m in new[] { "stream", "memory" })
            {
                var result = RunChild(settings, m);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1} {m,-6}: {result["samples_per_s"]:N0} samples/s in the epoch, fit {result["fit_s"]:F1} s, peak {result["peak_mb"]:N0} MB"));
                fits[m].Add(result);
            }
        }

        double Median(string m, string key) => fits[m].Select(r => r[key]).Order().ElementAt(fits[m].Count / 2);
        output.WriteLine();
        output.WriteLine($"| mode | epoch samples/s | fit s | peak working set MB |");
        output.WriteLine($"|---|---:|---:|---:|");
        foreach (string m in new[] { "stream", "memory" })
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(m == "stream" ? "streamed" : "in memory")} | {Median(m, "samples_per_s"):N0} | {Median(m, "fit_s"):F1} | {Median(m, "peak_mb"):N0} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT streamed/in-memory samples/s = {Median("stream", "samples_per_s") / Median("memory", "samples_per_s"):F2}, streamed peak {Median("stream", "peak_mb"):N0} MB ({settings.Rows:N0} rows × {settings.Features} features{(settings.ShuffleSource ? ", source shuffled" : "")}, medians of {settings.Rounds})"));
        return 0;
    }

    private static void Generate(Settings settings, TextWriter output)
    {
        var ml = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(GeneratedRows.Row));
        schema[nameof(GeneratedRows.Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, settings.Features);
        IDataView data = ml.Data.LoadFromEnumerable(GeneratedRows.Generate(settings.Rows, settings.Features), schema);
        var watch = Stopwatch.StartNew();
        string partial = settings.File + ".partial";
        using (var stream = File.Create(partial))
            ml.Data.SaveAsBinary(data, stream);
        File.Move(partial, settings.File);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {settings.File}: {settings.Rows:N0} rows × {settings.Features} features, {new FileInfo(settings.File).Length / (double)(1 << 20):N0} MB in {watch.Elapsed.TotalSeconds:F0} s"));
    }

    private static Dictionary<string, double> RunChild(Settings settings, string mode)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (!Environment.ProcessPath!.EndsWith(typeof(StreamingCommand).Assembly.GetName().Name!, StringComparison.Ordinal))
            start.ArgumentList.Add(typeof(StreamingCommand).Assembly.Location);
        foreach (string a in new[] { "streaming", "--file", settings.File, "--rows", $"{settings.Rows}", "--features", $"{settings.Features}",
            "--hidden", string.Join(',', settings.Hidden), "--batch", $"{settings.Batch}", "--buffer", $"{settings.Buffer}", "--mode", mode })
            start.ArgumentList.Add(a);
        if (settings.ShuffleSource)
            start.ArgumentList.Add("--shuffle-source");
        if (settings.Threads is { } threads)
        {
            start.ArgumentList.Add("--threads");
            start.ArgumentList.Add($"{threads}");
        }
        using var child = Process.Start(start)!;
        string text = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string line = text.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The {mode} fit ended ({child.ExitCode}) without a result:\n{text}");
        return line["RESULT ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
    }

    // One fit in this process: the file loaded lazily, one epoch, the epoch's time from the history.
    private static int Fit(Settings settings, bool streaming, TextWriter output)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromBinary(settings.File);
        double epochSeconds = 0;
        var trainer = ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options
        {
            HiddenLayers = settings.Hidden, BatchSize = settings.Batch, NumberOfIterations = 1, Seed = 1, Streaming = streaming,
            ShuffleBufferRows = settings.Buffer, ShuffleSource = settings.ShuffleSource, NumberOfThreads = settings.Threads,
            EpochCompleted = e => epochSeconds = e.Seconds,
        });
        var watch = Stopwatch.StartNew();
        var model = trainer.Fit(data);
        double fitSeconds = watch.Elapsed.TotalSeconds;
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        double trainRows = settings.Rows * (1 - BackpropDefaults.ValidationFraction);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT samples_per_s={trainRows / epochSeconds:F0} fit_s={fitSeconds:F2} peak_mb={process.PeakWorkingSet64 / (double)(1 << 20):F0} epoch_s={epochSeconds:F2}"));
        GC.KeepAlive(model);
        return 0;
    }
}
