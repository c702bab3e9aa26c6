namespace Backprop.MLNet.Comparison;

/// <summary>How a comparison runs.</summary>
public sealed class ComparisonOptions
{
    /// <summary>The number of cross-validation folds, 2 or more; default 5.</summary>
    public int NumberOfFolds { get; set; } = 5;

    /// <summary>The seed of the fold split, of every Backprop trainer and of the search; default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>
    /// The candidates, or <see langword="null"/> (the default) for <see cref="CandidateTrainer.Standard"/>'s field for the task.
    /// </summary>
    public IReadOnlyList<CandidateTrainer>? Candidates { get; set; }

    /// <summary>
    /// The hyperparameter search for Backprop, whose best configuration joins the leaderboard as "Backprop (tuned)";
    /// default a 60-second search. <see langword="null"/> skips it.
    /// </summary>
    public SearchOptions? Search { get; set; } = new();

    /// <summary>Receives a line as each trainer and search step finishes; default none.</summary>
    public Action<string>? Log { get; set; }
}
