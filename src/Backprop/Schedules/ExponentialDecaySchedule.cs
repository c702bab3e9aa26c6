namespace Backprop;

/// <summary>Multiplies the rate by γ every epoch: factor γ^e.</summary>
public sealed class ExponentialDecaySchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="gamma">γ in (0, 1]; default 0.95.</param>
    public ExponentialDecaySchedule(double gamma = 0.95)
    {
        if (!(gamma > 0 && gamma <= 1))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in (0, 1], for example 0.95.");
        Gamma = gamma;
    }

    /// <summary>γ, the factor per epoch.</summary>
    public double Gamma { get; }

    internal override double Factor(int epoch, int plannedEpochs) => Math.Pow(Gamma, epoch);

    /// <inheritdoc/>
    public override string ToString() => $"ExponentialDecay(×{Gamma})";
}
