namespace Backprop;

/// <summary>
/// Linear warm-up then cosine annealing: factor (e + 1) / w during the first w epochs, then
/// m + (1 − m)·½(1 + cos(π·t)) with t running from 0 at the first epoch after warm-up to 1 at the period's last
/// epoch, and m after it.
/// </summary>
public sealed class CosineSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="warmupEpochs">Epochs of linear warm-up, 0 or more; default 0.</param>
    /// <param name="minimumFactor">m, the final fraction of the rate, in [0, 1]; default 0.</param>
    /// <param name="periodEpochs">The epochs the schedule spans, warm-up included; default (<see langword="null"/>) the run's epochs.</param>
    public CosineSchedule(int warmupEpochs = 0, double minimumFactor = 0.0, int? periodEpochs = null)
    {
        if (warmupEpochs < 0)
            throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, "Warm-up epochs cannot be negative.");
        if (!(minimumFactor >= 0 && minimumFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(minimumFactor), minimumFactor, "The minimum factor must be in [0, 1].");
        if (periodEpochs is < 1)
            throw new ArgumentOutOfRangeException(nameof(periodEpochs), periodEpochs, "The period must be at least 1 epoch.");
        WarmupEpochs = warmupEpochs;
        MinimumFactor = minimumFactor;
        PeriodEpochs = periodEpochs;
    }

    /// <summary>Epochs of linear warm-up.</summary>
    public int WarmupEpochs { get; }

    /// <summary>The fraction of the rate reached at the end of the period.</summary>
    public double MinimumFactor { get; }

    /// <summary>The epochs the schedule spans, or <see langword="null"/> for the run's epochs.</summary>
    public int? PeriodEpochs { get; }

    internal override double Factor(int epoch, int plannedEpochs)
    {
        if (epoch < WarmupEpochs)
            return (epoch + 1.0) / WarmupEpochs;
        int decayEpochs = Math.Max((PeriodEpochs ?? plannedEpochs) - WarmupEpochs - 1, 1);
        double t = Math.Min((epoch - WarmupEpochs) / (double)decayEpochs, 1.0);
        return MinimumFactor + (1.0 - MinimumFactor) * 0.5 * (1.0 + Math.Cos(Math.PI * t));
    }

    /// <inheritdoc/>
    public override string ToString() => $"Cosine(warm-up {WarmupEpochs}, min ×{MinimumFactor})";
}
