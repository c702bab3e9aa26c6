namespace Backprop;

/// <summary>
/// Stochastic gradient descent with momentum, as PyTorch defines it: v ← μ·v + g, then θ ← θ − η·v, or with
/// Nesterov θ ← θ − η·(g + μ·v).
/// </summary>
public sealed class SgdOptimizer : MiniBatchOptimizer
{
    /// <summary>Creates the optimiser.</summary>
    /// <param name="momentum">μ in [0, 1); default 0.9 (scikit-learn's).</param>
    /// <param name="nesterov">Use Nesterov momentum; default <see langword="false"/>.</param>
    public SgdOptimizer(float momentum = 0.9f, bool nesterov = false)
    {
        if (!float.IsFinite(momentum) || momentum < 0f || momentum >= 1f)
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1), for example 0.9.");
        if (nesterov && momentum == 0f)
            throw new ArgumentException("Nesterov momentum needs a momentum above 0, for example 0.9.", nameof(nesterov));
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>Whether the update looks ahead along the velocity.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override string Name => "SGD";

    internal override float[][] CreateBuffers(int parameterCount) => Momentum > 0f ? [new float[parameterCount]] : [];

    internal override void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, float[][] buffers, long step, int offset)
    {
        if (Momentum == 0f)
        {
            for (int i = 0; i < parameters.Length; i++)
                parameters[i] -= learningRate * gradient[i];
            return;
        }

        Span<float> velocity = buffers[0].AsSpan(offset, parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
        {
            float v = Momentum * velocity[i] + gradient[i];
            velocity[i] = v;
            parameters[i] -= learningRate * (Nesterov ? gradient[i] + Momentum * v : v);
        }
    }
}
