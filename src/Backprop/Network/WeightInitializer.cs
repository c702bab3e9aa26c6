namespace Backprop;

/// <summary>
/// Draws initial weights; biases start at zero. A periodic embedding's parameters are drawn after the layers', and
/// residual projections last. Batch normalisation's running statistics start as mean 0 and variance 1.
/// </summary>
internal static class WeightInitializer
{
    /// <param name="layout">The network.</param>
    /// <param name="parameters">Its <see cref="NetworkLayout.ValueCount"/> stored values, running statistics included.</param>
    /// <param name="scheme">How the weights are drawn.</param>
    /// <param name="random">The initialisation stream.</param>
    /// <param name="frequencyScale">The deviation of a periodic embedding's frequencies; unused without one.</param>
    public static void Initialize(NetworkLayout layout, Span<float> parameters, WeightInitialization scheme, SeededRandom random,
        float frequencyScale = 0f)
    {
        parameters.Clear();
        for (int l = 0; l < layout.LayerCount; l++)
        {
            int fanIn = layout.InputWidth(l), fanOut = layout.OutputWidth(l);
            // The layer's own activation decides; the output layer (identity/sigmoid/softmax) takes Glorot.
            bool rectifier = l < layout.LayerCount - 1 && layout.HiddenActivations[l].IsRectifier;
            WeightInitialization chosen = scheme != WeightInitialization.Automatic ? scheme
                : rectifier ? WeightInitialization.HeUniform : WeightInitialization.GlorotUniform;

            Span<float> weights = layout.Weights(parameters, l);
            switch (chosen)
            {
                case WeightInitialization.HeUniform: FillUniform(weights, Math.Sqrt(6.0 / fanIn), random); break;
                case WeightInitialization.HeNormal: FillNormal(weights, Math.Sqrt(2.0 / fanIn), random); break;
                case WeightInitialization.GlorotUniform: FillUniform(weights, Math.Sqrt(6.0 / (fanIn + fanOut)), random); break;
                case WeightInitialization.GlorotNormal: FillNormal(weights, Math.Sqrt(2.0 / (fanIn + fanOut)), random); break;
                default: throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown weight initialisation.");
            }
        }
        if (layout.Embedding is { } embedding)
            InitializeEmbedding(embedding, layout.EmbeddingParameters(parameters), frequencyScale, random);
        // A residual projection is a linear map, drawn as Glorot's; after the embedding, so that networks without
        // projections draw the same values as before.
        for (int l = 0; l < layout.LayerCount; l++)
            if (layout.HasProjection(l))
                FillUniform(layout.Projection(parameters, l), Math.Sqrt(6.0 / (layout.InputWidth(l) + layout.OutputWidth(l))), random);
        // A normalisation starts as the identity of the standardised values: γ = 1, β = 0.
        for (int l = 0; l < layout.LayerCount; l++)
        {
            if (layout.IsNormalized(l))
                layout.NormalizationScale(parameters, l).Fill(1f);
            if (layout.IsBatchNormalized(l))
                layout.RunningVariance(parameters, l).Fill(1f);
        }
    }

    /// <summary>
    /// Frequencies normal with deviation <paramref name="frequencyScale"/>, phases uniform in [−π, π], the output weights
    /// and biases uniform in ±1/√k: RealMLP's initialisation of its periodic embeddings.
    /// </summary>
    private static void InitializeEmbedding(EmbeddingLayout embedding, Span<float> parameters, float frequencyScale, SeededRandom random)
    {
        if (!(frequencyScale > 0f))
            throw new ArgumentOutOfRangeException(nameof(frequencyScale), frequencyScale, "A periodic embedding needs a positive frequency scale.");
        var (frequencies, phases, weights, _) = embedding.Offsets;
        FillNormal(parameters[frequencies..phases], frequencyScale, random);
        FillUniform(parameters[phases..weights], Math.PI, random);
        FillUniform(parameters[weights..], 1 / Math.Sqrt(embedding.Frequencies), random);
    }

    private static void FillUniform(Span<float> values, double limit, SeededRandom random)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)((2.0 * random.NextDouble() - 1.0) * limit);
    }

    private static void FillNormal(Span<float> values, double deviation, SeededRandom random)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextGaussian() * deviation);
    }
}
