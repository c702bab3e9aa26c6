namespace Backprop;

/// <summary>ℓ = e^z − y·z (the Poisson negative log-likelihood without the constant log y!). See <see cref="LossFunction.Poisson"/>.</summary>
public sealed class PoissonLoss : LossFunction
{
    internal PoissonLoss()
    {
    }

    /// <inheritdoc/>
    public override string Name => "Poisson";

    /// <inheritdoc/>
    public override OutputTransform OutputTransform => OutputTransform.Exp;

    internal override void ValidateTargets(ReadOnlySpan<float> targets, int classCount, string name, long firstIndex = 0)
    {
        RequireFinite(targets, name, firstIndex);
        for (int i = 0; i < targets.Length; i++)
            if (targets[i] < 0f)
                throw new ArgumentException(
                    $"{name}[{firstIndex + i}] is {targets[i]}; the Poisson loss needs non-negative targets (counts or rates).", name);
    }

    internal override double Evaluate(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights,
        int rows, Span<float> gradient, float gradientScale)
    {
        double sum = 0;
        for (int i = 0; i < rows; i++)
        {
            float w = weights.IsEmpty ? 1f : weights[i];
            double mean = Math.Exp(outputs[i]);
            sum += w * (mean - (double)targets[i] * outputs[i]);
            if (!gradient.IsEmpty)
                gradient[i] = (float)(gradientScale * w * (mean - targets[i]));
        }
        return sum;
    }
}
