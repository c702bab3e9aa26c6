namespace Backprop.MLNet.Comparison;

/// <summary>What a hyperparameter search found, or has found so far.</summary>
/// <param name="Best">The best configuration evaluated on every fold; <see langword="null"/> when none has been yet (a
/// search still running or interrupted early) or every one failed.</param>
/// <param name="BestFolds">Its result on each fold; empty when <paramref name="Best"/> is <see langword="null"/>.</param>
/// <param name="Trials">Every configuration tried, in the order drawn.</param>
/// <param name="Seconds">The search's wall-clock time.</param>
/// <param name="StoppedBy">What ended it: "trials" (the trial limit) or "time budget"; "running" while it runs.</param>
public sealed record SearchResult(BackpropConfiguration? Best, IReadOnlyList<FoldResult> BestFolds, IReadOnlyList<SearchTrial> Trials,
    double Seconds, string StoppedBy);
