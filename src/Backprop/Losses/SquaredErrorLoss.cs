namespace Backprop;

/// <summary>ℓ = (z − y)². See <see cref="LossFunction.SquaredError"/>.</summary>
public sealed class SquaredErrorLoss : ResidualLoss
{
    internal SquaredErrorLoss()
    {
    }

    /// <inheritdoc/>
    public override string Name => "SquaredError";

    private protected override double Loss(float residual, out float derivative)
    {
        derivative = 2f * residual;
        return (double)residual * residual;
    }
}
