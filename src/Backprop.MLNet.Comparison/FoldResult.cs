namespace Backprop.MLNet.Comparison;

/// <summary>One trainer on one fold: its metrics on the held-out rows and its times.</summary>
/// <param name="Fold">The fold, from 0.</param>
/// <param name="Metrics">The task's metrics in <see cref="Metric.For"/>'s order; NaN where the trainer cannot give one
/// (log-loss of an uncalibrated classifier).</param>
/// <param name="TrainSeconds">Fitting the featurizer and the trainer on the fold's training rows.</param>
/// <param name="ScoreMicrosecondsPerRow">Featurizing and scoring the held-out rows through <c>Transform</c>, per row: the
/// median of repeated passes, each paying a cursor's set-up, which weighs more the fewer rows a fold has.</param>
/// <param name="History">Backprop candidates: the training history (losses per epoch); else <see langword="null"/>.</param>
public sealed record FoldResult(int Fold, IReadOnlyList<double> Metrics, double TrainSeconds, double ScoreMicrosecondsPerRow,
    TrainingHistory? History)
{
    /// <summary>
    /// Backprop candidates, on the first fold: every feature slot's mean absolute contribution over (up to
    /// 2,000 of) the held-out rows, most important first; else <see langword="null"/>.
    /// </summary>
    public IReadOnlyList<BackpropFeatureImportance>? Importance { get; init; }
}
