namespace Backprop.MLNet.Comparison;

/// <summary>What a hyperparameter search found.</summary>
/// <param name="Best">The best configuration evaluated on every fold.</param>
/// <param name="BestFolds">Its result on each fold.</param>
/// <param name="Trials">Every configuration tried, in the order drawn.</param>
/// <param name="Seconds">The search's wall-clock time.</param>
/// <param name="StoppedBy">What ended it: "trials" (the trial limit) or "time budget".</param>
public sealed record SearchResult(BackpropConfiguration Best, IReadOnlyList<FoldResult> BestFolds, IReadOnlyList<SearchTrial> Trials,
    double Seconds, string StoppedBy);
