namespace Backprop.MLNet.Comparison;

/// <summary>A metric over the folds: its mean and sample standard deviation.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Mean">The mean over the folds.</param>
/// <param name="StandardDeviation">The sample standard deviation over the folds (0 for one fold).</param>
public sealed record MetricSummary(Metric Metric, double Mean, double StandardDeviation)
{
    /// <summary>Summarises <paramref name="values"/>.</summary>
    public static MetricSummary Of(Metric metric, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
            return new MetricSummary(metric, double.NaN, double.NaN);
        double mean = values.Average();
        double sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return new MetricSummary(metric, mean, sd);
    }

    /// <summary>
    /// "0.812 ± 0.021"; "—" when a fold gave no value (NaN), "∞" or "−∞" when one was infinite (the mean is then not a
    /// number to put a spread beside).
    /// </summary>
    public string Format(string format = "F3") => double.IsFinite(Mean)
        ? $"{Numbers.Format(Mean, format)} ± {Numbers.Format(StandardDeviation, format)}"
        : Numbers.Format(Mean, format);
}
