namespace Backprop;

/// <summary>
/// The shape of a network and where each layer's parameters sit in its one flat parameter vector: for each layer,
/// its weights (inputs × outputs, row-major) followed by its biases, then the parameters of any
/// <see cref="EmbeddingLayout"/>, which stands between the inputs and the first layer, then the projections of the
/// residual connections between hidden layers of different widths, then each normalised hidden layer's scale γ and
/// shift β. Under batch normalisation the stored vector goes on after the parameters with each hidden layer's running
/// mean and variance: values that training sets but no gradient reaches.
/// </summary>
/// <remarks>
/// With residual connections every hidden layer after the first adds its input to its output: out = f(z) + x, or
/// f(z) + x·P (P inputs × outputs, no bias) where the widths differ. The first hidden layer's input is the features,
/// and the output layer's is the last hidden output; neither has a connection.
/// </remarks>
internal sealed class NetworkLayout
{
    private readonly int[] _widths;
    private readonly int[] _weightOffsets;
    private readonly int[] _projectionOffsets;   // per layer; −1 where there is no projection
    private readonly int[] _normalizationOffsets; // per layer, γ then β; −1 where the layer is not normalised
    private readonly int[] _statisticsOffsets;    // per layer, running mean then variance; −1 without batch normalisation

    /// <summary>The ε under the square root of a normalisation (<see cref="DenseLayer.NormalizationEpsilon"/>).</summary>
    public const float NormalizationEpsilon = DenseLayer.NormalizationEpsilon;

    /// <summary>The share of the way a training step moves batch normalisation's running statistics: 0.1, as PyTorch's.</summary>
    public const float RunningStatisticsMomentum = 0.1f;

    public NetworkLayout(int inputCount, IReadOnlyList<int> layerWidths, IReadOnlyList<Activation> hiddenActivations,
        EmbeddingLayout? embedding = null, bool residual = false, HiddenNormalization normalization = HiddenNormalization.None)
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
        offset += embedding?.ParameterCount ?? 0;
        Residual = residual;
        _projectionOffsets = PlaceBlocks(ref offset, HasProjection, l => (long)_widths[l] * _widths[l + 1]);
        if (!Enum.IsDefined(normalization))
            throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "Unknown hidden normalisation.");
        Normalization = normalization;
        _normalizationOffsets = PlaceBlocks(ref offset, IsNormalized, l => 2L * _widths[l + 1]);
        ParameterCount = checked((int)offset);
        _statisticsOffsets = PlaceBlocks(ref offset, IsBatchNormalized, l => 2L * _widths[l + 1]);
        ValueCount = checked((int)offset);
        PenalisedWeights = [
            .. Enumerable.Range(0, LayerCount).Select(l => (_weightOffsets[l], WeightCount(l))),
            .. Enumerable.Range(0, LayerCount).Where(HasProjection).Select(l => (_projectionOffsets[l], WeightCount(l))),
        ];
    }

    /// <summary>
    /// Places a block of <paramref name="size"/> parameters for each layer that <paramref name="has"/> one, from
    /// <paramref name="offset"/> on; returns each layer's offset, −1 where it has none.
    /// </summary>
    private int[] PlaceBlocks(ref long offset, Func<int, bool> has, Func<int, long> size)
    {
        var offsets = new int[LayerCount];
        for (int l = 0; l < LayerCount; l++)
        {
            if (!has(l))
            {
                offsets[l] = -1;
                continue;
            }
            offsets[l] = checked((int)offset);
            offset += size(l);
        }
        return offsets;
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

    /// <summary>The trained parameters: what gradients reach and optimisers update.</summary>
    public int ParameterCount { get; }

    /// <summary>
    /// The length of a network's stored vector: the <see cref="ParameterCount"/> parameters followed by the running
    /// statistics of batch normalisation, if any.
    /// </summary>
    public int ValueCount { get; }

    public Activation[] HiddenActivations { get; }

    /// <summary>
    /// Where the weights that penalties and weight decay shrink lie: every layer's W and every projection P (not the
    /// biases or the embedding).
    /// </summary>
    public (int Offset, int Count)[] PenalisedWeights { get; }

    /// <summary>How the hidden layers' pre-activations are normalised.</summary>
    public HiddenNormalization Normalization { get; }

    /// <summary>Whether layer <paramref name="layer"/> normalises its pre-activations (every hidden layer, or none).</summary>
    public bool IsNormalized(int layer) => Normalization != HiddenNormalization.None && layer < LayerCount - 1;

    /// <summary>Whether layer <paramref name="layer"/> is normalised across the batch, with running statistics.</summary>
    public bool IsBatchNormalized(int layer) => Normalization == HiddenNormalization.Batch && layer < LayerCount - 1;

    /// <summary>Where layer <paramref name="layer"/>'s running mean starts (its variance follows); −1 without batch normalisation.</summary>
    public int StatisticsOffset(int layer) => _statisticsOffsets[layer];

    /// <summary>Layer <paramref name="layer"/>'s running mean of its pre-activations, one per unit, within the stored values.</summary>
    public Span<float> RunningMean(Span<float> values, int layer) => values.Slice(_statisticsOffsets[layer], OutputWidth(layer));

    /// <inheritdoc cref="RunningMean(Span{float}, int)"/>
    public ReadOnlySpan<float> RunningMean(ReadOnlySpan<float> values, int layer) => values.Slice(_statisticsOffsets[layer], OutputWidth(layer));

    /// <summary>Layer <paramref name="layer"/>'s running (unbiased) variance of its pre-activations, one per unit.</summary>
    public Span<float> RunningVariance(Span<float> values, int layer) => values.Slice(_statisticsOffsets[layer] + OutputWidth(layer), OutputWidth(layer));

    /// <inheritdoc cref="RunningVariance(Span{float}, int)"/>
    public ReadOnlySpan<float> RunningVariance(ReadOnlySpan<float> values, int layer) => values.Slice(_statisticsOffsets[layer] + OutputWidth(layer), OutputWidth(layer));

    /// <summary>Where layer <paramref name="layer"/>'s γ starts (β follows); −1 where it is not normalised.</summary>
    public int NormalizationOffset(int layer) => _normalizationOffsets[layer];

    /// <summary>Layer <paramref name="layer"/>'s normalisation scale γ, one per unit.</summary>
    public Span<float> NormalizationScale(Span<float> parameters, int layer) => parameters.Slice(_normalizationOffsets[layer], OutputWidth(layer));

    /// <inheritdoc cref="NormalizationScale(Span{float}, int)"/>
    public ReadOnlySpan<float> NormalizationScale(ReadOnlySpan<float> parameters, int layer) => parameters.Slice(_normalizationOffsets[layer], OutputWidth(layer));

    /// <summary>Layer <paramref name="layer"/>'s normalisation shift β, one per unit.</summary>
    public Span<float> NormalizationShift(Span<float> parameters, int layer) => parameters.Slice(_normalizationOffsets[layer] + OutputWidth(layer), OutputWidth(layer));

    /// <inheritdoc cref="NormalizationShift(Span{float}, int)"/>
    public ReadOnlySpan<float> NormalizationShift(ReadOnlySpan<float> parameters, int layer) => parameters.Slice(_normalizationOffsets[layer] + OutputWidth(layer), OutputWidth(layer));

    /// <summary>Whether the hidden layers after the first have residual connections.</summary>
    public bool Residual { get; }

    /// <summary>Whether layer <paramref name="layer"/> adds its input to its output.</summary>
    public bool HasSkip(int layer) => Residual && layer > 0 && layer < LayerCount - 1;

    /// <summary>Whether layer <paramref name="layer"/>'s connection goes through a projection, its widths differing.</summary>
    public bool HasProjection(int layer) => HasSkip(layer) && _widths[layer] != _widths[layer + 1];

    /// <summary>Where layer <paramref name="layer"/>'s projection starts in the parameters; −1 where it has none.</summary>
    public int ProjectionOffset(int layer) => _projectionOffsets[layer];

    /// <summary>Layer <paramref name="layer"/>'s projection P, inputs × outputs, row-major.</summary>
    public Span<float> Projection(Span<float> parameters, int layer) => parameters.Slice(_projectionOffsets[layer], WeightCount(layer));

    /// <inheritdoc cref="Projection(Span{float}, int)"/>
    public ReadOnlySpan<float> Projection(ReadOnlySpan<float> parameters, int layer) => parameters.Slice(_projectionOffsets[layer], WeightCount(layer));

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
    public ReadOnlySpan<float> EmbeddingParameters(ReadOnlySpan<float> parameters) => parameters.Slice(EmbeddingOffset, Embedding?.ParameterCount ?? 0);

    /// <inheritdoc cref="EmbeddingParameters(ReadOnlySpan{float})"/>
    public Span<float> EmbeddingParameters(Span<float> parameters) => parameters.Slice(EmbeddingOffset, Embedding?.ParameterCount ?? 0);

    public bool SameShapeAs(NetworkLayout other) =>
        InputCount == other.InputCount && _widths.AsSpan().SequenceEqual(other._widths) &&
        HiddenActivations.AsSpan().SequenceEqual(other.HiddenActivations) && Residual == other.Residual &&
        Normalization == other.Normalization &&
        (Embedding is null ? other.Embedding is null : Embedding.SameShapeAs(other.Embedding));

    public override string ToString() =>
        (Embedding is null ? "" : $"{InputCount}-{Embedding}-") + string.Join("-", _widths) +
        (HiddenActivations.Length > 0 ? $" ({string.Join(", ", HiddenActivations)})" : "") + (Residual ? " residual" : "") +
        (Normalization != HiddenNormalization.None ? $" {Normalization.ToString().ToLowerInvariant()}-normalised" : "");
}
