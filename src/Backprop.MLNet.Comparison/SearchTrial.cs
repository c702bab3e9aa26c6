namespace Backprop.MLNet.Comparison;

/// <summary>One configuration the search tried: on how many folds it got, and its ranking metric there.</summary>
/// <param name="Number">The order it was drawn in, from 1; configuration 1 is the defaults.</param>
/// <param name="Configuration">The hyperparameters.</param>
/// <param name="Folds">The folds it was evaluated on (successive halving stops weak ones early; a failure stops it too).</param>
/// <param name="Error">Why training failed on the next fold (a diverged network, say), or <see langword="null"/>.</param>
public sealed record SearchTrial(int Number, BackpropConfiguration Configuration, IReadOnlyList<FoldResult> Folds, string? Error = null)
{
    /// <summary>The mean of the ranking metric over <see cref="Folds"/>; NaN for a configuration that failed.</summary>
    public double MeanPrimary => Error is null && Folds.Count > 0 ? Folds.Average(f => f.Metrics[0]) : double.NaN;
}
