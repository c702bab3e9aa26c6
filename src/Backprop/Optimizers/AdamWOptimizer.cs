namespace Backprop;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter): Adam with decoupled weight decay, θ ← θ − η·λ·θ before each Adam step. λ comes from
/// the options' weight decay, and is 0.01 (PyTorch's default) when that is unset.
/// </summary>
public sealed class AdamWOptimizer : MiniBatchOptimizer
{
    /// <summary>Creates the optimiser.</summary>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    public AdamWOptimizer(float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
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
    public override string Name => "AdamW";

    internal AdamHyperparameters Hyperparameters { get; }

    internal override float DefaultWeightDecay => 0.01f;

    internal override float[][] CreateBuffers(int parameterCount) => [new float[parameterCount], new float[parameterCount]];

    internal override void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, float[][] buffers, long step, int offset) =>
        Hyperparameters.Update(parameters, gradient, learningRate, buffers, step, offset);
}
