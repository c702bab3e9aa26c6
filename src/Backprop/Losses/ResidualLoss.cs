namespace Backprop;

/// <summary>
/// A regression loss that depends only on the residual r = z − y: the per-row loop is written once here and each
/// loss gives its formula.
/// </summary>
public abstract class ResidualLoss : LossFunction
{
    private protected ResidualLoss()
    {
    }

    /// <inheritdoc/>
    public override OutputTransform OutputTransform => OutputTransform.Identity;

    /// <summary>ℓ(r), with dℓ/dr written to <paramref name="derivative"/>.</summary>
    private protected abstract double Loss(float residual, out float derivative);

    internal override void ValidateTargets(ReadOnlySpan<float> targets, int classCount, string name, long firstIndex = 0) => RequireFinite(targets, name, firstIndex);

    internal override double Evaluate(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights,
        int rows, Span<float> gradient, float gradientScale)
    {
        double sum = 0;
        for (int i = 0; i < rows; i++)
        {
            float w = weights.IsEmpty ? 1f : weights[i];
            sum += w * Loss(outputs[i] - targets[i], out float derivative);
            if (!gradient.IsEmpty)
                gradient[i] = gradientScale * w * derivative;
        }
        return sum;
    }
}
