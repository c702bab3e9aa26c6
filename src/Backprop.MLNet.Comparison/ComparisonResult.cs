namespace Backprop.MLNet.Comparison;

/// <summary>A finished comparison: the leaderboard, the search, and what produced them.</summary>
/// <param name="Task">The task.</param>
/// <param name="Metrics">The task's metrics; the first ranks the leaderboard.</param>
/// <param name="NumberOfFolds">The folds every trainer was measured on.</param>
/// <param name="Seed">The seed of the folds, the Backprop trainers and the search.</param>
/// <param name="LabelColumnName">The label column the trainers read.</param>
/// <param name="FeatureColumnName">The feature column the trainers read.</param>
/// <param name="Trainers">Every candidate, best first by the ranking metric's mean; failed candidates last.</param>
/// <param name="Search">The hyperparameter search, or <see langword="null"/> when it was skipped.</param>
public sealed record ComparisonResult(PredictionTask Task, IReadOnlyList<Metric> Metrics, int NumberOfFolds, int Seed,
    string LabelColumnName, string FeatureColumnName, IReadOnlyList<TrainerResult> Trainers, SearchResult? Search)
{
    /// <summary>The name the tuned Backprop configuration has in the leaderboard.</summary>
    public const string TunedName = "Backprop (tuned)";

    /// <summary>The result of the candidate called <paramref name="name"/>.</summary>
    public TrainerResult this[string name] => Trainers.FirstOrDefault(t => t.Name == name)
        ?? throw new KeyNotFoundException($"No trainer called '{name}'; the leaderboard has {string.Join(", ", Trainers.Select(t => t.Name))}.");
}
