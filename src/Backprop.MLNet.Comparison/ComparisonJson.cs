using System.Text.Json;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// Writes a comparison, finished or so far, as <c>results.json</c>: every trainer's per-fold metrics and times, and
/// the search's trials, for scripts to read back.
/// </summary>
/// <remarks>
/// <para>The document is plain JSON that any parser reads. A number that is not finite (a fold whose metric is NaN or
/// infinite, the times of a trainer that failed) is written as <c>null</c>, and its reason stands beside it: a
/// trainer's <c>error</c> says why it failed, and its <c>notFinite</c> list names every metric and fold whose value
/// was not finite (the fold counted from 0, as it indexes <c>foldMetrics</c>), with the value as the string <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c>. A mean or
/// standard deviation is <c>null</c> exactly when one of its folds is listed there.</para>
/// <para><c>status</c> is <c>"complete"</c> or <c>"partial"</c>; a partial document (written while the comparison runs,
/// or after it was interrupted) has the trainers that finished every fold and the search's trials so far, and
/// <c>interruption</c> says why it stopped, when it did.</para>
/// <para>The file is replaced atomically (written beside it, then moved over it), so a reader, or a crash, never sees
/// half a document.</para>
/// </remarks>
public static class ComparisonJson
{
    // Names such as "R²" stay readable: the file is read by programs and people, never embedded in HTML.
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="result"/> to <paramref name="path"/>, replacing the file, and creates its folder.</summary>
    public static void Write(string path, ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(result);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(Document(result), Options));
        File.Move(temporary, full, overwrite: true);
    }

    private static object Document(ComparisonResult result) => new
    {
        status = result.IsComplete ? "complete" : "partial",
        interruption = result.Interruption,
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
            trainSecondsPerFold = Finite(t.MeanTrainSeconds),
            scoreMicrosecondsPerRow = Finite(t.MeanScoreMicrosecondsPerRow),
            notFinite = NotFinite(result.Metrics, t.Folds),
            backprop = t.Candidate.Backprop?.Describe(),
        }).ToArray(),
        search = result.Search is { } s
            ? new
            {
                trials = s.Trials.Count,
                seconds = s.Seconds,
                stoppedBy = s.StoppedBy,
                best = s.Best?.Describe(),
                tried = s.Trials.Select(t => new
                {
                    number = t.Number,
                    configuration = t.Configuration.Describe(),
                    error = t.Error,
                    foldMetrics = t.Folds.Select(f => f.Metrics.Select(Finite).ToArray()).ToArray(),
                    notFinite = NotFinite(result.Metrics, t.Folds),
                }).ToArray(),
            }
            : null,
    };

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static object[] NotFinite(IReadOnlyList<Metric> metrics, IReadOnlyList<FoldResult> folds)
        => folds.SelectMany(f => f.Metrics.Select((value, m) => (value, m))
                .Where(x => !double.IsFinite(x.value))
                .Select(x => (object)new { metric = metrics[x.m].Name, fold = f.Fold, value = x.value.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .ToArray();
}
