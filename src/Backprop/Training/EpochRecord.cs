namespace Backprop;

/// <summary>What one epoch of training measured.</summary>
/// <param name="Epoch">The epoch number, from 1, counting on across warm starts.</param>
/// <param name="TrainingLoss">The weighted mean training loss over the epoch's mini-batches (penalties excluded), on the network's scale (see <see cref="LabelScaling"/>).</param>
/// <param name="ValidationLoss">The weighted mean loss on the validation rows after the epoch, or <see langword="null"/> without validation data.</param>
/// <param name="ValidationMetric">The validation metric named by <see cref="TrainingHistory.MetricName"/>, or <see langword="null"/> without validation data.</param>
/// <param name="LearningRate">The learning rate used in the epoch.</param>
/// <param name="Seconds">Wall-clock seconds spent on the epoch, validation included; 0 in a history loaded from a file, which keeps no timings.</param>
public sealed record EpochRecord(int Epoch, double TrainingLoss, double? ValidationLoss, double? ValidationMetric, double LearningRate, double Seconds)
{
    /// <summary>
    /// Per-layer gradients, weights, updates and unit health of the epoch, or <see langword="null"/> when
    /// <see cref="MlpTrainerOptions.Diagnostics"/> is off.
    /// </summary>
    public EpochDiagnostics? Diagnostics { get; init; }

    /// <summary>The warnings the diagnostics raised in this epoch; empty when there were none.</summary>
    public IReadOnlyList<TrainingWarning> Warnings { get; init; } = [];

    /// <summary>Equal when every figure, the diagnostics and the warnings are.</summary>
    public bool Equals(EpochRecord? other) =>
        other is not null && Epoch == other.Epoch && TrainingLoss.Equals(other.TrainingLoss) &&
        Nullable.Equals(ValidationLoss, other.ValidationLoss) && Nullable.Equals(ValidationMetric, other.ValidationMetric) &&
        LearningRate.Equals(other.LearningRate) && Seconds.Equals(other.Seconds) && Equals(Diagnostics, other.Diagnostics) &&
        Warnings.SequenceEqual(other.Warnings);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Epoch, TrainingLoss, ValidationLoss, ValidationMetric, LearningRate, Seconds);
}
