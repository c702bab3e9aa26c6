namespace Backprop;

/// <summary>
/// Cosine cycles on a logarithmic time axis (RealMLP's "coslog", Holzmüller et al. 2024): with t the fraction of the
/// run at the middle of the epoch, the factor is ½ − ½·cos(2π·log₂(1 + (2ᶜ − 1)·t)) for c cycles, so each cycle is
/// about twice as long as the one before and every cycle ends with the rate near 0. Early stopping then tends to keep
/// the weights of a cycle's low-rate end, where the loss settles.
/// </summary>
public sealed class CosineLogSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="cycles">c, the number of cycles over the run, 1 to 10; default 4 (RealMLP's "coslog4").</param>
    /// <param name="periodEpochs">The epochs the cycles span; default (<see langword="null"/>) the run's epochs. After it the factor stays at the last cycle's end.</param>
    public CosineLogSchedule(int cycles = 4, int? periodEpochs = null)
    {
        if (cycles is < 1 or > 10)
            throw new ArgumentOutOfRangeException(nameof(cycles), cycles, "The number of cycles must be from 1 to 10, for example 4.");
        if (periodEpochs is < 1)
            throw new ArgumentOutOfRangeException(nameof(periodEpochs), periodEpochs, "The period must be at least 1 epoch.");
        Cycles = cycles;
        PeriodEpochs = periodEpochs;
    }

    /// <summary>The number of cycles over the period.</summary>
    public int Cycles { get; }

    /// <summary>The epochs the cycles span, or <see langword="null"/> for the run's epochs.</summary>
    public int? PeriodEpochs { get; }

    internal override double Factor(int epoch, int plannedEpochs)
    {
        int period = PeriodEpochs ?? plannedEpochs;
        double t = Math.Min((epoch + 0.5) / period, 1.0);
        double cycle = Math.Log2(1 + (Math.Pow(2, Cycles) - 1) * t);
        return 0.5 - 0.5 * Math.Cos(2 * Math.PI * cycle);
    }

    /// <inheritdoc/>
    public override string ToString() => $"CosineLog({Cycles} cycles)";
}
