namespace Backprop;

/// <summary>The element-wise functions a hidden layer can apply.</summary>
public enum ActivationKind
{
    /// <summary>f(z) = z.</summary>
    Identity = 0,

    /// <summary>f(z) = max(z, 0).</summary>
    ReLU = 1,

    /// <summary>f(z) = z for z &gt; 0, α·z otherwise.</summary>
    LeakyReLU = 2,

    /// <summary>f(z) = tanh(z).</summary>
    Tanh = 3,

    /// <summary>f(z) = 1 / (1 + e^−z).</summary>
    Sigmoid = 4,

    /// <summary>f(z) = z·Φ(z), the exact Gaussian error linear unit.</summary>
    Gelu = 5,

    /// <summary>f(z) = log(1 + eᶻ).</summary>
    SoftPlus = 6,

    /// <summary>f(z) = λ·z for z &gt; 0, λ·α·(eᶻ − 1) otherwise, with λ ≈ 1.0507 and α ≈ 1.6733 (self-normalising; Klambauer et al. 2017).</summary>
    Selu = 7,

    /// <summary>f(z) = z·tanh(softplus(z)) (Misra 2019).</summary>
    Mish = 8,
}
