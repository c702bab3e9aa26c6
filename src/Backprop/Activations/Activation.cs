namespace Backprop;

/// <summary>
/// A hidden-layer activation function with its parameter, for example <see cref="ReLU"/> or
/// <c>Activation.LeakyReLU(0.1f)</c>.
/// </summary>
public readonly record struct Activation
{
    private Activation(ActivationKind kind, float negativeSlope)
    {
        Kind = kind;
        NegativeSlope = negativeSlope;
    }

    /// <summary>SELU's scale λ (PyTorch's value and the ONNX operator's default gamma).</summary>
    public const float SeluScale = 1.05070098f;

    /// <summary>SELU's α (PyTorch's value and the ONNX operator's default alpha).</summary>
    public const float SeluAlpha = 1.67326324f;

    /// <summary>Which function this is.</summary>
    public ActivationKind Kind { get; }

    /// <summary>The slope α for negative inputs of <see cref="ActivationKind.LeakyReLU"/>; 0 for every other kind.</summary>
    public float NegativeSlope { get; }

    /// <summary>f(z) = z.</summary>
    public static Activation Identity => new(ActivationKind.Identity, 0f);

    /// <summary>f(z) = max(z, 0).</summary>
    public static Activation ReLU => new(ActivationKind.ReLU, 0f);

    /// <summary>f(z) = tanh(z).</summary>
    public static Activation Tanh => new(ActivationKind.Tanh, 0f);

    /// <summary>f(z) = 1 / (1 + e^−z).</summary>
    public static Activation Sigmoid => new(ActivationKind.Sigmoid, 0f);

    /// <summary>f(z) = z·Φ(z), the exact GELU.</summary>
    public static Activation Gelu => new(ActivationKind.Gelu, 0f);

    /// <summary>f(z) = log(1 + eᶻ).</summary>
    public static Activation SoftPlus => new(ActivationKind.SoftPlus, 0f);

    /// <summary>
    /// f(z) = λ·z for z &gt; 0, λ·α·(eᶻ − 1) otherwise (λ ≈ 1.0507, α ≈ 1.6733): the scaled exponential linear unit,
    /// which keeps activations near mean 0 and variance 1 through many layers.
    /// </summary>
    public static Activation Selu => new(ActivationKind.Selu, 0f);

    /// <summary>f(z) = z·tanh(softplus(z)): smooth and non-monotonic like GELU, with a softer negative tail.</summary>
    public static Activation Mish => new(ActivationKind.Mish, 0f);

    /// <summary>f(z) = z for z &gt; 0, α·z otherwise.</summary>
    /// <param name="negativeSlope">α, finite and in [0, 1); default 0.01 (PyTorch's and Keras's).</param>
    public static Activation LeakyReLU(float negativeSlope = 0.01f)
    {
        if (!float.IsFinite(negativeSlope) || negativeSlope < 0f || negativeSlope >= 1f)
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope,
                "The LeakyReLU slope must be in [0, 1), for example 0.01.");
        return new Activation(ActivationKind.LeakyReLU, negativeSlope);
    }

    /// <summary>Rebuilds an activation from its kind and slope, as read from a saved model.</summary>
    public static Activation FromKind(ActivationKind kind, float negativeSlope = 0.01f) => kind switch
    {
        ActivationKind.Identity => Identity,
        ActivationKind.ReLU => ReLU,
        ActivationKind.LeakyReLU => LeakyReLU(negativeSlope),
        ActivationKind.Tanh => Tanh,
        ActivationKind.Sigmoid => Sigmoid,
        ActivationKind.Gelu => Gelu,
        ActivationKind.SoftPlus => SoftPlus,
        ActivationKind.Selu => Selu,
        ActivationKind.Mish => Mish,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation kind."),
    };

    /// <summary>Whether He initialisation suits this function (the rectifier family).</summary>
    internal bool IsRectifier => Kind is ActivationKind.ReLU or ActivationKind.LeakyReLU or ActivationKind.Gelu or ActivationKind.Mish;

    /// <inheritdoc/>
    public override string ToString() =>
        Kind == ActivationKind.LeakyReLU ? $"LeakyReLU({NegativeSlope})" : Kind.ToString();
}
