namespace Backprop;

/// <summary>
/// A read-only view of a trained network's periodic embedding (<see cref="PeriodicEmbedding"/>). Embedded feature i (the
/// input <c>EmbeddedFeatures[i]</c>, value x) gives, for l &lt; m, y_l = b[i, l] + Σ_j cos(x·f[i, j]·2π + φ[i, j])·W[i, j, l];
/// the first layer's input row holds y_0 … y_{m−1} and x for each embedded feature in order, then the
/// <see cref="PassedFeatures"/> in order.
/// </summary>
public sealed class PeriodicEmbeddingLayer
{
    internal PeriodicEmbeddingLayer(EmbeddingLayout layout, ReadOnlyMemory<float> parameters)
    {
        EmbeddedFeatures = layout.EmbeddedFeatures;
        PassedFeatures = layout.PassedFeatures;
        FrequencyCount = layout.Frequencies;
        Size = layout.Size;
        OutputSize = layout.OutputWidth;
        var (frequencies, phases, weights, biases) = layout.Offsets;
        Frequencies = parameters[frequencies..phases];
        Phases = parameters[phases..weights];
        Weights = parameters[weights..biases];
        Biases = parameters[biases..];
    }

    /// <summary>The inputs embedded, in increasing order: those with more than two values on the training rows, none in more than half of them.</summary>
    public IReadOnlyList<int> EmbeddedFeatures { get; }

    /// <summary>The inputs the first layer takes unchanged, in increasing order.</summary>
    public IReadOnlyList<int> PassedFeatures { get; }

    /// <summary>k, the frequencies per embedded feature.</summary>
    public int FrequencyCount { get; }

    /// <summary>m, the learned values per embedded feature.</summary>
    public int Size { get; }

    /// <summary>The first dense layer's inputs: (m + 1) per embedded feature plus the passed features.</summary>
    public int OutputSize { get; }

    /// <summary>f, embedded features × k, row-major, in cycles per unit of the input.</summary>
    public ReadOnlyMemory<float> Frequencies { get; }

    /// <summary>φ, embedded features × k, row-major, in radians.</summary>
    public ReadOnlyMemory<float> Phases { get; }

    /// <summary>W, embedded features × k × m, row-major.</summary>
    public ReadOnlyMemory<float> Weights { get; }

    /// <summary>b, embedded features × m, row-major.</summary>
    public ReadOnlyMemory<float> Biases { get; }

    /// <inheritdoc/>
    public override string ToString() => $"PeriodicEmbedding({EmbeddedFeatures.Count} features, {FrequencyCount}→{Size}+1)";
}
