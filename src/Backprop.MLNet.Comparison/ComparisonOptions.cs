using Microsoft.ML;

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

    /// <summary>
    /// The longest one fit (a candidate on one fold's training rows) may take, or <see langword="null"/> (the default)
    /// for no limit. A fit that runs longer is stopped and its candidate listed as failed with the reason ("fitting took
    /// longer than …"), as is a search configuration. With a limit, each fit's trainer is made in an
    /// <see cref="MLContext"/> of its own seeded with <see cref="Seed"/>, so ML.NET's randomised trainers (FastForest,
    /// say) draw other numbers than without one; a cancellation then stops the fit in progress at once.
    /// </summary>
    /// <remarks>ML.NET's SDCA can take minutes on a few thousand rows of wide data; this keeps a comparison's time bounded.</remarks>
    public TimeSpan? FitTimeLimit { get; set; }

    /// <summary>Receives a line as each trainer and search step finishes; default none.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>
    /// Receives the comparison so far (<see cref="ComparisonResult.IsComplete"/> false) each time a trainer finishes its
    /// folds and each time the search evaluates a configuration on a fold, so a caller can save what is done before a
    /// crash or a cancellation loses it; default none. It runs on the comparison's thread, between fits.
    /// </summary>
    public Action<ComparisonResult>? Progress { get; set; }
}
