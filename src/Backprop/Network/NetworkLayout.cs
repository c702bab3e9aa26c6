namespace Backprop;

/// <summary>
/// The shape of a network and where each layer's parameters sit in its one flat parameter vector: for each layer,
/// its weights (inputs × outputs, row-major) followed by its biases, then the parameters of any
/// <see cref="EmbeddingLayout"/>, which stands between the inputs and the first layer.
/// </summary>
internal sealed class NetworkLayout
{
    private readonly int[] _widths;
    private readonly int[] _weightOffsets;

    public NetworkLayout(int inputCount, IReadOnlyList<int> layerWidths, IReadOnlyList<Activation> hiddenActivations,
        EmbeddingLayout? embedding = null)
    {
        if (inputCount < 1)
            throw new ArgumentOutOfRangeException(nameof(inputCount), inputCount, "A network needs at least one input.");
        if (layerWidths.Count < 1)
            throw new ArgumentException("A network needs an output layer.", nameof(layerWidths));
        if (hiddenActivations.Count != layerWidths.Count - 1)
            throw new ArgumentException("Give one activation per hidden layer.", nameof(hiddenActivations));
        if (embedding is not null && embedding.InputCount != inputCount)
            throw new ArgumentException($"The embedding takes {embedding.InputCount} inputs, not {inputCount}.", nameof(embedding));

        InputCount = inputCount;
        Embedding = embedding;
        _widths = [embedding?.OutputWidth ?? inputCount, .. layerWidths];
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
        EmbeddingOffset = checked((int)offset);
        ParameterCount = checked((int)(offset + (embedding?.ParameterCount ?? 0)));
    }

    /// <summary>The features a row has (the embedding's inputs when there is one, else the first layer's).</summary>
    public int InputCount { get; }

    /// <summary>The periodic embedding before the first layer, or <see langword="null"/>.</summary>
    public EmbeddingLayout? Embedding { get; }

    /// <summary>Where the embedding's parameters start: after every dense layer's.</summary>
    public int EmbeddingOffset { get; }

    /// <summary>Dense layers, the output layer included.</summary>
    public int LayerCount => _widths.Length - 1;

    public int OutputCount => _widths[^1];

    public int ParameterCount { get; }

    public Activation[] HiddenActivations { get; }

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

    /// <summary>The embedding's parameters within <paramref name="parameters"/>; empty without an embedding.</summary>
    public ReadOnlySpan<float> EmbeddingParameters(ReadOnlySpan<float> parameters) => parameters[EmbeddingOffset..ParameterCount];

    /// <inheritdoc cref="EmbeddingParameters(ReadOnlySpan{float})"/>
    public Span<float> EmbeddingParameters(Span<float> parameters) => parameters[EmbeddingOffset..ParameterCount];

    public bool SameShapeAs(NetworkLayout other) =>
        InputCount == other.InputCount && _widths.AsSpan().SequenceEqual(other._widths) &&
        HiddenActivations.AsSpan().SequenceEqual(other.HiddenActivations) &&
        (Embedding is null ? other.Embedding is null : Embedding.SameShapeAs(other.Embedding));

    public override string ToString() =>
        (Embedding is null ? "" : $"{InputCount}-{Embedding}-") + string.Join("-", _widths) +
        (HiddenActivations.Length > 0 ? $" ({string.Join(", ", HiddenActivations)})" : "");
}
