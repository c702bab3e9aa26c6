using System.Text.Encodings.Web;
using System.Text.Json;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// The suite's <c>results.json</c>, rewritten after every dataset: the settings, then each dataset's role, task, rows
/// and every candidate's per-fold metrics and fit seconds. A number that is not finite is <c>null</c> (as in the
/// comparison's own results.json), a failed candidate has its <c>error</c>.
/// </summary>
internal static class SuiteJson
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string path, SuiteCommand.Settings settings, IReadOnlyList<SuiteResult> results)
    {
        var document = new
        {
            role = settings.Role,
            folds = settings.Folds,
            seed = settings.Seed,
            datasets = results.Select(r => new
            {
                dataset = r.Dataset.Name,
                role = r.Dataset.Role,
                task = r.Comparison.Task.ToString(),
                rows = r.Rows,
                metrics = r.Comparison.Metrics.Select(m => m.Name).ToArray(),
                trainers = r.Comparison.Trainers.Select(t => new
                {
                    name = t.Name,
                    error = t.Error,
                    mean = t.Metrics.Select(m => Finite(m.Mean)).ToArray(),
                    standardDeviation = t.Metrics.Select(m => Finite(m.StandardDeviation)).ToArray(),
                    foldMetrics = t.Folds.Select(f => f.Metrics.Select(Finite).ToArray()).ToArray(),
                    fitSeconds = t.Folds.Select(f => f.TrainSeconds).ToArray(),
                    backprop = t.Candidate.Backprop?.Describe(),
                }).ToArray(),
            }).ToArray(),
        };
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(document, Options));
        File.Move(temporary, path, overwrite: true);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
