namespace Backprop;

/// <summary>Multiplies the rate by γ every <see cref="StepEpochs"/> epochs: factor γ^⌊e / step⌋.</summary>
public sealed class StepDecaySchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="stepEpochs">Epochs between decays, 1 or more.</param>
    /// <param name="gamma">γ in (0, 1]; default 0.1.</param>
    public StepDecaySchedule(int stepEpochs, double gamma = 0.1)
    {
        if (stepEpochs < 1)
            throw new ArgumentOutOfRangeException(nameof(stepEpochs), stepEpochs, "The step must be at least 1 epoch.");
        if (!(gamma > 0 && gamma <= 1))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in (0, 1], for example 0.1.");
        StepEpochs = stepEpochs;
        Gamma = gamma;
    }

    /// <summary>Epochs between decays.</summary>
    public int StepEpochs { get; }

    /// <summary>γ, the factor applied at each step.</summary>
    public double Gamma { get; }

    internal override double Factor(int epoch, int plannedEpochs) => Math.Pow(Gamma, epoch / StepEpochs);

    /// <inheritdoc/>
    public override string ToString() => $"StepDecay(every {StepEpochs}, ×{Gamma})";
}
