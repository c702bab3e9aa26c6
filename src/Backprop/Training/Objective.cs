namespace Backprop;

/// <summary>
/// The function training minimises: the weighted mean loss over a batch plus ½·λ₂·‖W‖² + λ₁·‖W‖₁ on the weights and
/// residual projections (never the biases or the embedding), with its gradient by back-propagation.
/// </summary>
internal sealed class Objective(NetworkLayout layout, LossFunction loss, float l1, float l2)
{
    public NetworkLayout Layout { get; } = layout;

    public LossFunction Loss { get; } = loss;

    /// <summary>
    /// Runs the batch already in <see cref="Propagator.Input"/> forward and back: returns Σ wᵢ·ℓᵢ and writes (or adds)
    /// <paramref name="gradientScale"/> times its gradient into <paramref name="gradient"/>.
    /// </summary>
    public double Batch(Propagator propagator, ReadOnlySpan<float> parameters, int rows, ReadOnlySpan<float> targets,
        ReadOnlySpan<float> weights, float gradientScale, Span<float> gradient, bool accumulate,
        float dropoutRate = 0f, SeededRandom? dropoutRandom = null)
    {
        propagator.Forward(parameters, rows, dropoutRate, dropoutRandom, training: true);
        double sum = Loss.Evaluate(propagator.Outputs(rows), targets, weights, rows, propagator.OutputGradient(rows), gradientScale);
        propagator.Backward(parameters, rows, gradient, accumulate);
        return sum;
    }

    /// <summary>
    /// Adds the penalty's (sub)gradient λ₂·w + λ₁·sign(w) to the weights' gradient, as <see cref="Penalty"/> does, without
    /// the penalty's value, which a mini-batch step does not need — on the parameters from <paramref name="start"/> up to
    /// <paramref name="end"/> alone: element by element, so slices can go to different threads. With L2 alone it is one
    /// vectorised multiply-add per layer, rounding as the element-wise formula does.
    /// </summary>
    public void AddPenaltyGradient(ReadOnlySpan<float> parameters, Span<float> gradient, int start, int end)
    {
        if (l1 == 0f && l2 == 0f)
            return;
        foreach (var (offset, count) in Layout.PenalisedWeights)
        {
            int from = Math.Max(offset, start), to = Math.Min(offset + count, end);
            if (from >= to)
                continue;
            ReadOnlySpan<float> w = parameters[from..to];
            Span<float> g = gradient[from..to];
            if (l1 == 0f)
            {
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(w, l2, g, g);
                continue;
            }
            for (int i = 0; i < w.Length; i++)
                g[i] += l2 * w[i] + l1 * MathF.Sign(w[i]);
        }
    }

    /// <summary>
    /// Returns the penalty on the weights and, when <paramref name="gradient"/> is not empty, adds its (sub)gradient there.
    /// </summary>
    public double Penalty(ReadOnlySpan<float> parameters, Span<float> gradient = default)
    {
        if (l1 == 0f && l2 == 0f)
            return 0;
        double penalty = 0;
        foreach (var (offset, count) in Layout.PenalisedWeights)
        {
            ReadOnlySpan<float> w = parameters.Slice(offset, count);
            Span<float> g = gradient.IsEmpty ? default : gradient.Slice(offset, count);
            for (int i = 0; i < w.Length; i++)
            {
                penalty += 0.5 * l2 * w[i] * w[i] + l1 * Math.Abs(w[i]);
                if (!g.IsEmpty)
                    g[i] += l2 * w[i] + l1 * MathF.Sign(w[i]);
            }
        }
        return penalty;
    }
}
