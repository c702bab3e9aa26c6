namespace Backprop;

/// <summary>ℓ = ½r² for |r| ≤ δ, δ·(|r| − ½δ) beyond, where r = z − y. See <see cref="LossFunction.Huber"/>.</summary>
public sealed class HuberLoss : LossFunction
{
    internal HuberLoss(float delta)
    {
        if (!float.IsFinite(delta) || delta <= 0f)
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "The Huber delta must be a positive number, for example 1.");
        Delta = delta;
    }

    /// <summary>δ, where the loss turns from quadratic to linear.</summary>
    public float Delta { get; }

    /// <inheritdoc/>
    public override string Name => $"Huber({Delta})";

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
            float abs = MathF.Abs(r);
            bool quadratic = abs <= Delta;
            sum += w * (quadratic ? 0.5 * r * r : Delta * (abs - 0.5 * Delta));
            if (!gradient.IsEmpty)
                gradient[i] = gradientScale * w * (quadratic ? r : Delta * MathF.Sign(r));
        }
        return sum;
    }
}
