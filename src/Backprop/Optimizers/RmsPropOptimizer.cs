namespace Backprop;

/// <summary>
/// RMSProp: s ← ρ·s + (1 − ρ)·g², then θ ← θ − η·g / (√s + ε); with momentum μ, b ← μ·b + g / (√s + ε) and θ ← θ − η·b
/// (PyTorch's form).
/// </summary>
public sealed class RmsPropOptimizer : MiniBatchOptimizer
{
    /// <summary>Creates the optimiser.</summary>
    /// <param name="rho">ρ in [0, 1); default 0.9 (Keras's).</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    /// <param name="momentum">μ in [0, 1); default 0.</param>
    public RmsPropOptimizer(float rho = 0.9f, float epsilon = 1e-8f, float momentum = 0f)
    {
        if (!float.IsFinite(rho) || rho < 0f || rho >= 1f)
            throw new ArgumentOutOfRangeException(nameof(rho), rho, "rho must be in [0, 1), for example 0.9.");
        if (!float.IsFinite(epsilon) || epsilon <= 0f)
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive, for example 1e-8.");
        if (!float.IsFinite(momentum) || momentum < 0f || momentum >= 1f)
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        Rho = rho;
        Epsilon = epsilon;
        Momentum = momentum;
    }

    /// <summary>ρ, the decay of the mean square.</summary>
    public float Rho { get; }

    /// <summary>ε, added to the root mean square.</summary>
    public float Epsilon { get; }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <inheritdoc/>
    public override string Name => "RMSProp";

    internal override float[][] CreateBuffers(int parameterCount) =>
        Momentum > 0f ? [new float[parameterCount], new float[parameterCount]] : [new float[parameterCount]];

    internal override void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, float[][] buffers, long step, int offset)
    {
        Span<float> meanSquare = buffers[0].AsSpan(offset, parameters.Length);
        Span<float> velocity = Momentum > 0f ? buffers[1].AsSpan(offset, parameters.Length) : default;
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradient[i];
            float s = Rho * meanSquare[i] + (1f - Rho) * g * g;
            meanSquare[i] = s;
            float scaled = g / (MathF.Sqrt(s) + Epsilon);
            if (Momentum > 0f)
            {
                scaled = Momentum * velocity[i] + scaled;
                velocity[i] = scaled;
            }
            parameters[i] -= learningRate * scaled;
        }
    }
}
