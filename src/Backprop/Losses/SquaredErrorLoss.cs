namespace Backprop;

/// <summary>ℓ = (z − y)². See <see cref="LossFunction.SquaredError"/>.</summary>
public sealed class SquaredErrorLoss : LossFunction
{
    internal SquaredErrorLoss()
    {
    }

    /// <inheritdoc/>
    public override string Name => "SquaredError";

    /// <inheritdoc/>
    public override OutputTransform OutputTransform => OutputTransform.Identity;

    internal override void ValidateTargets(ReadOnlySpan<float> targets, int classCount, string name) => RequireFinite(targets, name);

    internal override double Evaluate(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights,
        int rows, Span<float> gradient, float gradientScale)
    {
        double sum = 0;
        for (int i = 0; i < rows; i++)
        {
            float w = weights.IsEmpty ? 1f : weights[i];
            float r = outputs[i] - targets[i];
            sum += (double)w * r * r;
            if (!gradient.IsEmpty)
                gradient[i] = gradientScale * w * 2f * r;
        }
        return sum;
    }
}
