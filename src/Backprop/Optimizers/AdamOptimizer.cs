namespace Backprop;

/// <summary>
/// Adam (Kingma &amp; Ba): m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η·m̂ / (√v̂ + ε) with the bias-corrected
/// m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ). With a weight decay set in the options it becomes AdamW.
/// </summary>
public sealed class AdamOptimizer : MiniBatchOptimizer
{
    /// <summary>Creates the optimiser.</summary>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    public AdamOptimizer(float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
    {
        Hyperparameters = new AdamHyperparameters(beta1, beta2, epsilon);
    }

    /// <summary>β₁, the decay of the first moment.</summary>
    public float Beta1 => Hyperparameters.Beta1;

    /// <summary>β₂, the decay of the second moment.</summary>
    public float Beta2 => Hyperparameters.Beta2;

    /// <summary>ε, added to the root of the second moment.</summary>
    public float Epsilon => Hyperparameters.Epsilon;

    /// <inheritdoc/>
    public override string Name => "Adam";

    internal AdamHyperparameters Hyperparameters { get; }

    internal override float[][] CreateBuffers(int parameterCount) => [new float[parameterCount], new float[parameterCount]];

    internal override void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, float[][] buffers, long step, int offset) =>
        Hyperparameters.Update(parameters, gradient, learningRate, buffers, step, offset);
}

/// <summary>Adam's hyperparameters and update, shared by <see cref="AdamOptimizer"/> and <see cref="AdamWOptimizer"/>.</summary>
internal readonly record struct AdamHyperparameters
{
    public AdamHyperparameters(float beta1, float beta2, float epsilon)
    {
        if (!float.IsFinite(beta1) || beta1 < 0f || beta1 >= 1f)
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1), for example 0.9.");
        if (!float.IsFinite(beta2) || beta2 < 0f || beta2 >= 1f)
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1), for example 0.999.");
        if (!float.IsFinite(epsilon) || epsilon <= 0f)
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive, for example 1e-8.");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    public void Update(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, float[][] buffers, long step, int offset)
    {
        Span<float> m = buffers[0].AsSpan(offset, parameters.Length), v = buffers[1].AsSpan(offset, parameters.Length);
        float correction1 = (float)(1.0 - Math.Pow(Beta1, step));
        float correction2 = (float)(1.0 - Math.Pow(Beta2, step));
        float stepSize = learningRate / correction1;
        float rootCorrection2 = MathF.Sqrt(correction2);
        Kernels.OptimizerKernels.AdamUpdate(parameters, gradient, m, v, Beta1, Beta2, stepSize, rootCorrection2, Epsilon);
    }
}
