namespace Backprop.MLNet.Comparison;

/// <summary>A metric a comparison reports: its name and which way is better.</summary>
/// <param name="Name">The name in tables, e.g. "R²".</param>
/// <param name="HigherIsBetter">Whether a larger value is better.</param>
public sealed record Metric(string Name, bool HigherIsBetter)
{
    /// <summary>The metrics of <paramref name="task"/>; the first ranks the leaderboard (<see cref="TaskProfile.Metrics"/>).</summary>
    public static IReadOnlyList<Metric> For(PredictionTask task) => TaskProfile.For(task).Metrics;
}
