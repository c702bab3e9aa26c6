namespace Backprop;

/// <summary>ℓ = |z − y|, with gradient sign(z − y) (0 at the target). See <see cref="LossFunction.AbsoluteError"/>.</summary>
public sealed class AbsoluteErrorLoss : LossFunction
{
    internal AbsoluteErrorLoss()
    {
    }

    /// <inheritdoc/>
    public override string Name => "AbsoluteError";

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
            sum += (double)w * MathF.Abs(r);
            if (!gradient.IsEmpty)
                gradient[i] = gradientScale * w * MathF.Sign(r);
        }
        return sum;
    }
}
