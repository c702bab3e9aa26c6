namespace Backprop;

/// <summary>scikit-learn's "invscaling", per epoch: factor 1 / (e + 1)^p.</summary>
public sealed class InverseScalingSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="power">p &gt; 0; default 0.5 (scikit-learn's <c>power_t</c>).</param>
    public InverseScalingSchedule(double power = 0.5)
    {
        if (!(power > 0) || !double.IsFinite(power))
            throw new ArgumentOutOfRangeException(nameof(power), power, "The power must be positive, for example 0.5.");
        Power = power;
    }

    /// <summary>p, the exponent.</summary>
    public double Power { get; }

    internal override double Factor(int epoch, int plannedEpochs) => 1.0 / Math.Pow(epoch + 1.0, Power);

    /// <inheritdoc/>
    public override string ToString() => $"InverseScaling(power {Power})";
}
