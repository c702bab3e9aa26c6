namespace Backprop;

/// <summary>
/// The shape of a network and where each layer's parameters sit in its one flat parameter vector: for each layer,
/// its weights (inputs × outputs, row-major) followed by its biases.
/// </summary>
internal sealed class NetworkLayout
{
    private readonly int[] _widths;
    private readonly int[] _weightOffsets;

    public NetworkLayout(int inputCount, IReadOnlyList<int> layerWidths, IReadOnlyList<Activation> hiddenActivations)
    {
        if (inputCount < 1)
            throw new ArgumentOutOfRangeException(nameof(inputCount), inputCount, "A network needs at least one input.");
        if (layerWidths.Count < 1)
            throw new ArgumentException("A network needs an output layer.", nameof(layerWidths));
        if (hiddenActivations.Count != layerWidths.Count - 1)
            throw new ArgumentException("Give one activation per hidden layer.", nameof(hiddenActivations));

        InputCount = inputCount;
        _widths = [inputCount, .. layerWidths];
        HiddenActivations = [.. hiddenActivations];
        _weightOffsets = new int[LayerCount];
        long offset = 0;
        for (int l = 0; l < LayerCount; l++)
        {
            if (_widths[l + 1] < 1)
                throw new ArgumentOutOfRangeException(nameof(layerWidths), _widths[l + 1], $"Layer {l} has no units; every layer needs at least one.");
            _weightOffsets[l] = checked((int)offset);
            offset += (long)_widths[l] * _widths[l + 1] + _widths[l + 1];
        }
        ParameterCount = checked((int)offset);
    }

    public int InputCount { get; }

    /// <summary>Dense layers, the output layer included.</summary>
    public int LayerCount => _widths.Length - 1;

    public int OutputCount => _widths[^1];

    public int ParameterCount { get; }

    public Activation[] HiddenActivations { get; }

    /// <summary>The widest layer (inputs included): the size of per-row scratch buffers.</summary>
    public int MaxWidth => _widths.Max();

    public int InputWidth(int layer) => _widths[layer];

    public int OutputWidth(int layer) => _widths[layer + 1];

    public int WeightOffset(int layer) => _weightOffsets[layer];

    public int WeightCount(int layer) => _widths[layer] * _widths[layer + 1];

    public int BiasOffset(int layer) => _weightOffsets[layer] + WeightCount(layer);

    public Span<float> Weights(Span<float> parameters, int layer) => parameters.Slice(WeightOffset(layer), WeightCount(layer));

    public ReadOnlySpan<float> Weights(ReadOnlySpan<float> parameters, int layer) => parameters.Slice(WeightOffset(layer), WeightCount(layer));

    public Span<float> Biases(Span<float> parameters, int layer) => parameters.Slice(BiasOffset(layer), OutputWidth(layer));

    public ReadOnlySpan<float> Biases(ReadOnlySpan<float> parameters, int layer) => parameters.Slice(BiasOffset(layer), OutputWidth(layer));

    /// <summary>The widths of all layers after the input, as a copy.</summary>
    public int[] LayerWidths() => _widths[1..];

    public bool SameShapeAs(NetworkLayout other) =>
        _widths.AsSpan().SequenceEqual(other._widths) && HiddenActivations.AsSpan().SequenceEqual(other.HiddenActivations);

    public override string ToString() =>
        string.Join("-", _widths) + (HiddenActivations.Length > 0 ? $" ({string.Join(", ", HiddenActivations)})" : "");
}
