namespace Backprop.MLNet.Comparison;

/// <summary>A comparison, finished or so far: the leaderboard, the search, and what produced them.</summary>
/// <param name="Task">The task.</param>
/// <param name="Metrics">The task's metrics; the first ranks the leaderboard.</param>
/// <param name="NumberOfFolds">The folds every trainer was measured on.</param>
/// <param name="Seed">The seed of the folds, the Backprop trainers and the search.</param>
/// <param name="LabelColumnName">The label column the trainers read.</param>
/// <param name="FeatureColumnName">The feature column the trainers read.</param>
/// <param name="Trainers">Every candidate that finished, best first by the ranking metric's mean; candidates whose mean is
/// not finite (a diverged fold) after them, failed candidates last.</param>
/// <param name="Search">The hyperparameter search (so far), or <see langword="null"/> when it was skipped or has not started.</param>
public sealed record ComparisonResult(PredictionTask Task, IReadOnlyList<Metric> Metrics, int NumberOfFolds, int Seed,
    string LabelColumnName, string FeatureColumnName, IReadOnlyList<TrainerResult> Trainers, SearchResult? Search)
{
    /// <summary>The name the tuned Backprop configuration has in the leaderboard.</summary>
    public const string TunedName = "Backprop (tuned)";

    /// <summary>
    /// Whether every candidate and the search ran to the end; <see langword="false"/> for the results so far that
    /// <see cref="ComparisonOptions.Progress"/> receives, and for a comparison that was interrupted. Default
    /// <see langword="true"/>.
    /// </summary>
    public bool IsComplete { get; init; } = true;

    /// <summary>Why an unfinished comparison stopped (a failure, a cancellation), or <see langword="null"/>; default <see langword="null"/>.</summary>
    public string? Interruption { get; init; }

    /// <summary>The result of the candidate called <paramref name="name"/>.</summary>
    public TrainerResult this[string name] => Trainers.FirstOrDefault(t => t.Name == name)
        ?? throw new KeyNotFoundException($"No trainer called '{name}'; the leaderboard has {string.Join(", ", Trainers.Select(t => t.Name))}.");
}
