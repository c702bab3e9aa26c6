namespace Backprop;

/// <summary>The per-epoch record of a training run (and of the runs it warm-started from).</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(IReadOnlyList<EpochRecord> epochs, string metricName, int? bestEpoch, StopReason stopReason)
    {
        Epochs = epochs;
        MetricName = metricName;
        BestEpoch = bestEpoch;
        StopReason = stopReason;
    }

    /// <summary>One record per epoch, in order.</summary>
    public IReadOnlyList<EpochRecord> Epochs { get; }

    /// <summary>The name of <see cref="EpochRecord.ValidationMetric"/>: "RSquared", "Accuracy" or "Auc".</summary>
    public string MetricName { get; }

    /// <summary>The epoch whose weights the model holds when early stopping restored the best ones; otherwise <see langword="null"/>.</summary>
    public int? BestEpoch { get; }

    /// <summary>Why the last run ended.</summary>
    public StopReason StopReason { get; }

    /// <summary>Every warning the training diagnostics raised, in order (see <see cref="EpochRecord.Warnings"/>).</summary>
    public IReadOnlyList<TrainingWarning> Warnings => Epochs.SelectMany(e => e.Warnings).ToArray();

    /// <summary>The training loss of each epoch (scikit-learn's <c>loss_curve_</c>).</summary>
    public IReadOnlyList<double> TrainingLossCurve => Epochs.Select(e => e.TrainingLoss).ToArray();

    /// <summary>The validation loss of each epoch that had one.</summary>
    public IReadOnlyList<double> ValidationLossCurve => Epochs.Where(e => e.ValidationLoss.HasValue).Select(e => e.ValidationLoss!.Value).ToArray();
}
