namespace Backprop;

/// <summary>A read-only view of one trained dense layer: output = f(input·W + b).</summary>
public sealed class DenseLayer
{
    internal DenseLayer(int inputSize, int outputSize, Activation? activation, ReadOnlyMemory<float> weights, ReadOnlyMemory<float> biases,
        bool residual = false, ReadOnlyMemory<float> projection = default,
        ReadOnlyMemory<float> normalizationScale = default, ReadOnlyMemory<float> normalizationShift = default)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        Activation = activation;
        Weights = weights;
        Biases = biases;
        Residual = residual;
        Projection = projection;
        NormalizationScale = normalizationScale;
        NormalizationShift = normalizationShift;
    }

    /// <summary>The number of inputs.</summary>
    public int InputSize { get; }

    /// <summary>The number of units.</summary>
    public int OutputSize { get; }

    /// <summary>The hidden activation, or <see langword="null"/> for the output layer (see <see cref="MultilayerPerceptron.OutputTransform"/>).</summary>
    public Activation? Activation { get; }

    /// <summary>W, <see cref="InputSize"/> × <see cref="OutputSize"/>, row-major: the weight from input i to unit j is at i·OutputSize + j.</summary>
    public ReadOnlyMemory<float> Weights { get; }

    /// <summary>b, one per unit.</summary>
    public ReadOnlyMemory<float> Biases { get; }

    /// <summary>The ε under the square root of a layer normalisation: 10⁻⁵, as PyTorch's and Keras's.</summary>
    public const float NormalizationEpsilon = 1e-5f;

    /// <summary>
    /// γ of a layer-normalised layer, one per unit (its pre-activation is γ ⊙ (z − μ)/√(σ² + 10⁻⁵) + β, with z =
    /// input·W + b and μ, σ² the row's mean and variance over the units); empty when the layer is not normalised.
    /// </summary>
    public ReadOnlyMemory<float> NormalizationScale { get; }

    /// <summary>β of a layer-normalised layer, one per unit; empty when the layer is not normalised.</summary>
    public ReadOnlyMemory<float> NormalizationShift { get; }

    /// <summary>
    /// Whether the layer adds its input to its output (a residual connection): output = f(input·W + b) + input, or
    /// + input·P through <see cref="Projection"/> when the widths differ.
    /// </summary>
    public bool Residual { get; }

    /// <summary>
    /// P, <see cref="InputSize"/> × <see cref="OutputSize"/>, row-major, for a <see cref="Residual"/> layer whose widths
    /// differ; empty otherwise.
    /// </summary>
    public ReadOnlyMemory<float> Projection { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Dense({InputSize}→{OutputSize}{(NormalizationScale.IsEmpty ? "" : ", layer norm")}{(Activation is { } a ? ", " + a : "")}" +
        $"{(Residual ? Projection.IsEmpty ? ", + input" : ", + input·P" : "")})";
}
