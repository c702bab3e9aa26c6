namespace Backprop;

/// <summary>
/// Where a <see cref="PeriodicEmbedding"/> sits in the network: which inputs it embeds, what the first dense layer sees,
/// and where its parameters lie (after the dense layers' in the flat vector): the frequencies (features × k), the phases
/// (features × k), the output weights (features × k × m) and the output biases (features × m).
/// </summary>
/// <remarks>
/// The first dense layer's input row is, for each embedded feature in order, its m learned values then the feature
/// itself, followed by the features passed through unchanged, in order.
/// </remarks>
internal sealed class EmbeddingLayout
{
    public EmbeddingLayout(int inputCount, IReadOnlyList<int> embeddedFeatures, int frequencies, int size)
    {
        if (frequencies < 1 || size < 1)
            throw new ArgumentOutOfRangeException(nameof(frequencies), "An embedding needs at least one frequency and one output.");
        if (embeddedFeatures.Count == 0)
            throw new ArgumentException("An embedding needs at least one feature to embed.", nameof(embeddedFeatures));
        var embedded = new bool[inputCount];
        int previous = -1;
        foreach (int f in embeddedFeatures)
        {
            if (f <= previous || f >= inputCount)
                throw new ArgumentException(
                    $"The embedded features must be distinct inputs in increasing order, below {inputCount}; got {f} after {previous}.",
                    nameof(embeddedFeatures));
            embedded[f] = true;
            previous = f;
        }
        InputCount = inputCount;
        Frequencies = frequencies;
        Size = size;
        EmbeddedFeatures = [.. embeddedFeatures];
        PassedFeatures = Enumerable.Range(0, inputCount).Where(f => !embedded[f]).ToArray();
        OutputWidth = checked(EmbeddedFeatures.Length * (size + 1) + PassedFeatures.Length);
        ParameterCount = checked(EmbeddedFeatures.Length * (2 * frequencies + frequencies * size + size));
    }

    public int InputCount { get; }

    /// <summary>k, the frequencies per embedded feature.</summary>
    public int Frequencies { get; }

    /// <summary>m, the learned values per embedded feature.</summary>
    public int Size { get; }

    /// <summary>The inputs embedded, in increasing order.</summary>
    public int[] EmbeddedFeatures { get; }

    /// <summary>The inputs passed to the first dense layer unchanged, in increasing order.</summary>
    public int[] PassedFeatures { get; }

    /// <summary>The first dense layer's inputs.</summary>
    public int OutputWidth { get; }

    public int ParameterCount { get; }

    /// <summary>Where the passed-through features start in the first dense layer's input row.</summary>
    public int PassedOffset => EmbeddedFeatures.Length * (Size + 1);

    public int FrequencyCount => EmbeddedFeatures.Length * Frequencies;

    /// <summary>The embedding's parameters, from the start of its block: frequencies, phases, weights, biases.</summary>
    public (int Frequencies, int Phases, int Weights, int Biases) Offsets
        => (0, FrequencyCount, 2 * FrequencyCount, 2 * FrequencyCount + FrequencyCount * Size);

    /// <summary>
    /// The inputs worth embedding, of the rows given (row-major, rows × <paramref name="inputCount"/>): those with more
    /// than two distinct values, none of which fills more than half of the rows. A flag or a one-hot indicator gains
    /// nothing from a periodic map of its two values, and a feature that is mostly one value (an n-gram count of a short
    /// text, a pixel of an image's background) costs as much to embed as any other and gained less in the measurements.
    /// </summary>
    public static int[] ManyValuedFeatures(ReadOnlySpan<float> features, int inputCount)
    {
        var result = new List<int>();
        int rows = features.Length / inputCount;
        var column = new float[rows];
        for (int f = 0; f < inputCount; f++)
        {
            for (int r = 0; r < rows; r++)
                column[r] = features[r * inputCount + f];
            Array.Sort(column);
            int distinct = 1, longestRun = 1, run = 1;
            for (int r = 1; r < rows; r++)
            {
                run = column[r] == column[r - 1] ? run + 1 : 1;
                distinct += run == 1 ? 1 : 0;
                longestRun = Math.Max(longestRun, run);
            }
            if (distinct > 2 && 2 * longestRun <= rows)
                result.Add(f);
        }
        return [.. result];
    }

    public bool SameShapeAs(EmbeddingLayout? other) => other is not null && InputCount == other.InputCount &&
        Frequencies == other.Frequencies && Size == other.Size && EmbeddedFeatures.AsSpan().SequenceEqual(other.EmbeddedFeatures);

    public override string ToString() => $"periodic({EmbeddedFeatures.Length} of {InputCount} features, {Frequencies}→{Size}+1)";
}
