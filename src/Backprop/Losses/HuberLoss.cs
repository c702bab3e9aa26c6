namespace Backprop;

/// <summary>ℓ = ½r² for |r| ≤ δ, δ·(|r| − ½δ) beyond, where r = z − y. See <see cref="LossFunction.Huber"/>.</summary>
public sealed class HuberLoss : ResidualLoss
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

    private protected override double Loss(float residual, out float derivative)
    {
        float abs = MathF.Abs(residual);
        if (abs <= Delta)
        {
            derivative = residual;
            return 0.5 * residual * residual;
        }
        derivative = Delta * MathF.Sign(residual);
        return Delta * (abs - 0.5 * Delta);
    }
}
