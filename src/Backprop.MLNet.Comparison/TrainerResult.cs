namespace Backprop.MLNet.Comparison;

/// <summary>One candidate over every fold: the per-fold results and their summaries, or why it failed.</summary>
public sealed class TrainerResult
{
    /// <summary>Summarises a candidate's folds.</summary>
    public TrainerResult(CandidateTrainer candidate, IReadOnlyList<Metric> metrics, IReadOnlyList<FoldResult> folds, string? error = null)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(folds);
        Candidate = candidate;
        Folds = folds;
        Error = error;
        Metrics = metrics.Select((m, i) => MetricSummary.Of(m, folds.Select(f => f.Metrics[i]).ToArray())).ToArray();
        MeanTrainSeconds = folds.Count > 0 ? folds.Average(f => f.TrainSeconds) : double.NaN;
        MeanScoreMicrosecondsPerRow = folds.Count > 0 ? folds.Average(f => f.ScoreMicrosecondsPerRow) : double.NaN;
    }

    /// <summary>The candidate.</summary>
    public CandidateTrainer Candidate { get; }

    /// <summary>The candidate's name.</summary>
    public string Name => Candidate.Name;

    /// <summary>Each fold's result, in fold order.</summary>
    public IReadOnlyList<FoldResult> Folds { get; }

    /// <summary>Each metric's mean and standard deviation over the folds, in <see cref="Metric.For"/>'s order.</summary>
    public IReadOnlyList<MetricSummary> Metrics { get; }

    /// <summary>The ranking metric's summary.</summary>
    public MetricSummary Primary => Metrics[0];

    /// <summary>Mean seconds to fit featurizer and trainer on a fold.</summary>
    public double MeanTrainSeconds { get; }

    /// <summary>Mean microseconds to featurize and score one held-out row.</summary>
    public double MeanScoreMicrosecondsPerRow { get; }

    /// <summary>Why the candidate failed, or <see langword="null"/> when every fold ran.</summary>
    public string? Error { get; }
}
