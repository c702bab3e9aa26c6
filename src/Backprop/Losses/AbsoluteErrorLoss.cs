namespace Backprop;

/// <summary>ℓ = |z − y|, with gradient sign(z − y) (0 at the target). See <see cref="LossFunction.AbsoluteError"/>.</summary>
public sealed class AbsoluteErrorLoss : ResidualLoss
{
    internal AbsoluteErrorLoss()
    {
    }

    /// <inheritdoc/>
    public override string Name => "AbsoluteError";

    private protected override double Loss(float residual, out float derivative)
    {
        derivative = MathF.Sign(residual);
        return MathF.Abs(residual);
    }
}
