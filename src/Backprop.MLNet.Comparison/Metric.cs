namespace Backprop.MLNet.Comparison;

/// <summary>A metric a comparison reports: its name and which way is better.</summary>
/// <param name="Name">The name in tables, e.g. "R²".</param>
/// <param name="HigherIsBetter">Whether a larger value is better.</param>
public sealed record Metric(string Name, bool HigherIsBetter)
{
    /// <summary>The metrics of <paramref name="task"/>; the first ranks the leaderboard.</summary>
    public static IReadOnlyList<Metric> For(PredictionTask task) => task switch
    {
        PredictionTask.Regression => [new("R²", true), new("RMSE", false), new("MAE", false)],
        PredictionTask.BinaryClassification => [new("AUC", true), new("Accuracy", true), new("F1", true), new("Log-loss", false)],
        _ => [new("Macro accuracy", true), new("Micro accuracy", true), new("Log-loss", false)],
    };
}
