namespace Backprop;

/// <summary>A read-only view of one trained dense layer: output = f(input·W + b).</summary>
public sealed class DenseLayer
{
    internal DenseLayer(int inputSize, int outputSize, Activation? activation, ReadOnlyMemory<float> weights, ReadOnlyMemory<float> biases)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        Activation = activation;
        Weights = weights;
        Biases = biases;
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

    /// <inheritdoc/>
    public override string ToString() => $"Dense({InputSize}→{OutputSize}{(Activation is { } a ? ", " + a : "")})";
}
