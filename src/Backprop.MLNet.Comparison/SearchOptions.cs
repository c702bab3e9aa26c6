namespace Backprop.MLNet.Comparison;

/// <summary>How long a hyperparameter search may run and how it draws configurations.</summary>
public sealed class SearchOptions
{
    /// <summary>
    /// Stop drawing new configurations after this long; default 60 seconds. A configuration being evaluated is finished,
    /// so the search can overrun by one fit.
    /// </summary>
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The most configurations to draw, or <see langword="null"/> (the default) for no limit but the time. When set, the
    /// time budget is ignored, so the search is exactly reproducible: the same seed and data give the same trials and
    /// the same best configuration. (Under a time budget the configurations are drawn in the same order, but how many
    /// get evaluated depends on the machine's speed.)
    /// </summary>
    public int? MaxTrials { get; set; }

    /// <summary>The seed of the configurations drawn; default 1.</summary>
    public int Seed { get; set; } = 1;
}
