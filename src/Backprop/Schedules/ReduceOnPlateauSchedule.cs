namespace Backprop;

/// <summary>
/// Multiplies the rate by a factor when the monitored value (the validation loss or metric, or the training loss
/// without validation data) has not improved by a relative threshold for <see cref="Patience"/> epochs.
/// </summary>
public sealed class ReduceOnPlateauSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="factor">The reduction in (0, 1); default 0.1.</param>
    /// <param name="patience">Epochs without improvement before a reduction, 1 or more; default 5.</param>
    /// <param name="threshold">The relative improvement that counts, 0 or more; default 1e-4 (PyTorch's).</param>
    /// <param name="minimumLearningRate">The rate never goes below this, 0 or more; default 0.</param>
    public ReduceOnPlateauSchedule(double factor = 0.1, int patience = 5, double threshold = 1e-4, double minimumLearningRate = 0)
    {
        if (!(factor > 0 && factor < 1))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be in (0, 1), for example 0.1.");
        if (patience < 1)
            throw new ArgumentOutOfRangeException(nameof(patience), patience, "Patience must be at least 1 epoch.");
        if (!(threshold >= 0) || !double.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a non-negative number.");
        if (!(minimumLearningRate >= 0) || !double.IsFinite(minimumLearningRate))
            throw new ArgumentOutOfRangeException(nameof(minimumLearningRate), minimumLearningRate, "The minimum rate must be a non-negative number.");
        ReductionFactor = factor;
        Patience = patience;
        Threshold = threshold;
        MinimumLearningRate = minimumLearningRate;
    }

    /// <summary>The factor applied at each reduction.</summary>
    public double ReductionFactor { get; }

    /// <summary>Epochs without improvement before a reduction.</summary>
    public int Patience { get; }

    /// <summary>The relative improvement that resets the wait.</summary>
    public double Threshold { get; }

    /// <summary>The floor of the rate.</summary>
    public double MinimumLearningRate { get; }

    internal override double Factor(int epoch, int plannedEpochs) => 1.0;

    internal override void EpochEnded(double monitored, double baseLearningRate, ScheduleState state)
    {
        if (monitored < state.Best - Threshold * Math.Abs(state.Best) || double.IsPositiveInfinity(state.Best))
        {
            state.Best = monitored;
            state.EpochsWithoutImprovement = 0;
            return;
        }
        if (++state.EpochsWithoutImprovement >= Patience)
        {
            state.Scale = Math.Max(state.Scale * ReductionFactor, MinimumLearningRate / baseLearningRate);
            state.EpochsWithoutImprovement = 0;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"ReduceOnPlateau(×{ReductionFactor} after {Patience})";
}
