namespace Backprop;

/// <summary>A read-only view of one trained dense layer: output = f(input·W + b).</summary>
public sealed class DenseLayer
{
    internal DenseLayer(int inputSize, int outputSize, Activation? activation, ReadOnlyMemory<float> weights, ReadOnlyMemory<float> biases,
        bool residual = false, ReadOnlyMemory<float> projection = default,
        ReadOnlyMemory<float> normalizationScale = default, ReadOnlyMemory<float> normalizationShift = default,
        ReadOnlyMemory<float> runningMean = default, ReadOnlyMemory<float> runningVariance = default)
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
        RunningMean = runningMean;
        RunningVariance = runningVariance;
        Normalization = normalizationScale.IsEmpty ? HiddenNormalization.None
            : runningMean.IsEmpty ? HiddenNormalization.Layer : HiddenNormalization.Batch;
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

    /// <summary>How the layer normalises its pre-activations before its activation.</summary>
    public HiddenNormalization Normalization { get; }

    /// <summary>
    /// γ of a normalised layer, one per unit: its pre-activation is γ ⊙ (z − μ)/√(σ² + 10⁻⁵) + β, with z = input·W + b
    /// and μ, σ² the row's mean and variance over the units (layer normalisation) or <see cref="RunningMean"/> and
    /// <see cref="RunningVariance"/> (batch normalisation, at prediction); empty when the layer is not normalised.
    /// </summary>
    public ReadOnlyMemory<float> NormalizationScale { get; }

    /// <summary>β of a normalised layer, one per unit; empty when the layer is not normalised.</summary>
    public ReadOnlyMemory<float> NormalizationShift { get; }

    /// <summary>
    /// A batch-normalised layer's running mean of z, one per unit, which predictions subtract; empty under any other
    /// normalisation.
    /// </summary>
    public ReadOnlyMemory<float> RunningMean { get; }

    /// <summary>A batch-normalised layer's running (unbiased) variance of z, one per unit; empty under any other normalisation.</summary>
    public ReadOnlyMemory<float> RunningVariance { get; }

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
        $"Dense({InputSize}→{OutputSize}{Normalization switch { HiddenNormalization.Layer => ", layer norm", HiddenNormalization.Batch => ", batch norm", _ => "" }}{(Activation is { } a ? ", " + a : "")}" +
        $"{(Residual ? Projection.IsEmpty ? ", + input" : ", + input·P" : "")})";
}
