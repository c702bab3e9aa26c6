namespace Backprop.MLNet.Tests.Support;

/// <summary>
/// Checks that contributions add up to the change in score they explain. The default ReLU networks are integrated
/// exactly, so the gaps are float rounding: below 0.01 % of the changes in total, and below 1 % of every row's change
/// but those too small to measure (under 1 % of the mean change).
/// </summary>
internal static class Completeness
{
    public static void Holds(IReadOnlyList<(double Sum, double Change)> rows, string what)
    {
        double meanChange = rows.Average(r => Math.Abs(r.Change));
        double totalGap = rows.Sum(r => Math.Abs(r.Sum - r.Change));
        Assert.True(totalGap / (meanChange * rows.Count) < 1e-4,
            $"the contributions miss {what} by {totalGap / (meanChange * rows.Count):E2} of the changes in total");
        var worst = rows.Where(r => Math.Abs(r.Change) > 0.01 * meanChange).MaxBy(r => Math.Abs(r.Sum - r.Change) / Math.Abs(r.Change));
        double ratio = Math.Abs(worst.Sum - worst.Change) / Math.Abs(worst.Change);
        Assert.True(ratio < 0.01, $"the contributions miss {what} by {ratio:P3} on the worst row ({worst.Sum} against {worst.Change})");
    }
}
