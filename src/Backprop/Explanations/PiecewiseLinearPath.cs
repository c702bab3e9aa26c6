using Backprop.Kernels;

namespace Backprop;

/// <summary>
/// Splits a straight path through a piecewise-linear network (hidden activations ReLU, leaky ReLU or identity, no
/// embedding, no layer normalisation; residual connections and batch normalisation, an affine map per unit at
/// prediction, allowed) at every point where a hidden unit crosses zero, so that the network is linear on each piece
/// and its gradient constant (Sotoudeh and Thakur's ExactLine, 2019).
/// </summary>
/// <remarks>
/// Layer by layer: the path's image is linear between the breakpoints found so far, so a unit's pre-activation is
/// linear there too, and it crosses zero between two breakpoints exactly when its values at them differ in sign, at
/// t = z₀ / (z₀ − z₁) of the way; the new breakpoints' pre-activations follow by the same interpolation, without a
/// pass of their own. A residual layer adds its input, which is linear between the old breakpoints too, so its value at
/// a new one is interpolated the same way. Buffers grow to the longest path seen and are kept.
/// </remarks>
internal sealed class PiecewiseLinearPath
{
    private readonly NetworkLayout _layout;
    private readonly int _widest;
    private float[] _values = [], _preActivations = [], _alphas = [], _nextAlphas = [];
    private float[] _crossings = [];
    private readonly float[] _inverseDeviations;      // a batch-normalised layer's 1/√(running variance + ε)
    private float[] _inputs = [], _skipInputs = [];   // a residual layer's input at the old and at the new breakpoints
    private int[] _sources = [];                      // the old breakpoint each new one lies after
    private float[] _fractions = [];                  // and how far towards the next

    public PiecewiseLinearPath(NetworkLayout layout)
    {
        if (!Applies(layout))
            throw new ArgumentException($"The network {layout} is not piecewise linear.", nameof(layout));
        _layout = layout;
        _widest = layout.InputCount;
        for (int l = 0; l < layout.LayerCount; l++)
            _widest = Math.Max(_widest, layout.OutputWidth(l));
        _crossings = new float[_widest];
        _inverseDeviations = new float[_widest];
    }

    /// <summary>Whether every hidden activation of <paramref name="layout"/> is piecewise linear and nothing else bends.</summary>
    public static bool Applies(NetworkLayout layout) =>
        layout.Embedding is null && layout.Normalization != HiddenNormalization.Layer &&
        layout.HiddenActivations.All(a => a.Kind is ActivationKind.ReLU or ActivationKind.LeakyReLU or ActivationKind.Identity);

    /// <summary>
    /// Finds the breakpoints of the path from <paramref name="start"/> (α = 0) to <paramref name="end"/> (α = 1) and
    /// returns them in increasing order, 0 and 1 included; the span lives until the next call.
    /// </summary>
    public ReadOnlySpan<float> Breakpoints(ReadOnlySpan<float> parameters, ReadOnlySpan<float> start, ReadOnlySpan<float> end)
    {
        int n = _layout.InputCount;
        EnsureCapacity(ref _values, 2 * _widest);
        EnsureCapacity(ref _alphas, 2);
        start.CopyTo(_values);
        end.CopyTo(_values.AsSpan(n));
        _alphas[0] = 0f;
        _alphas[1] = 1f;
        int count = 2;
        for (int l = 0; l < _layout.LayerCount - 1; l++)
        {
            int inWidth = _layout.InputWidth(l), outWidth = _layout.OutputWidth(l);
            EnsureCapacity(ref _preActivations, count * outWidth);
            Span<float> z = _preActivations.AsSpan(0, count * outWidth);
            MatrixMultiply.Multiply(_values.AsSpan(0, count * inWidth), false, _layout.Weights(parameters, l), false, z,
                count, outWidth, inWidth, accumulate: false, maxThreads: 1);
            RowVectorOps.AddToEachRow(z, count, _layout.Biases(parameters, l));
            if (_layout.IsBatchNormalized(l))
            {
                Span<float> inverse = _inverseDeviations.AsSpan(0, outWidth);
                NormalizationKernels.InverseDeviations(_layout.RunningVariance(parameters, l), NetworkLayout.NormalizationEpsilon, inverse);
                NormalizationKernels.BatchNormInference(z, count, _layout.NormalizationScale(parameters, l), _layout.NormalizationShift(parameters, l),
                    _layout.RunningMean(parameters, l), inverse);
            }
            if (_layout.HasSkip(l))
            {
                EnsureCapacity(ref _inputs, count * inWidth);
                _values.AsSpan(0, count * inWidth).CopyTo(_inputs);
            }
            // The last hidden layer's new breakpoints need no values: nothing after it bends.
            bool last = l == _layout.LayerCount - 2;
            Activation activation = _layout.HiddenActivations[l];
            if (activation.Kind == ActivationKind.Identity)
            {
                Swap(ref _values, ref _preActivations);
                EnsureCapacity(ref _sources, count);
                EnsureCapacity(ref _fractions, count);
                for (int k = 0; k < count; k++)
                    (_sources[k], _fractions[k]) = (k, 0f);
            }
            else
            {
                count = Split(z, count, outWidth, withValues: !last);
            }
            if (last)
                break;
            ActivationFunctions.Forward(activation, _values.AsSpan(0, count * outWidth), _values.AsSpan(0, count * outWidth));
            if (_layout.HasSkip(l))
                AddSkip(parameters, l, count);
        }
        return _alphas.AsSpan(0, count);
    }

    /// <summary>Adds residual layer <paramref name="layer"/>'s input, interpolated to the new breakpoints, to their values.</summary>
    private void AddSkip(ReadOnlySpan<float> parameters, int layer, int count)
    {
        int inWidth = _layout.InputWidth(layer), outWidth = _layout.OutputWidth(layer);
        EnsureCapacity(ref _skipInputs, count * inWidth);
        for (int r = 0; r < count; r++)
        {
            Span<float> row = _skipInputs.AsSpan(r * inWidth, inWidth);
            ReadOnlySpan<float> x0 = _inputs.AsSpan(_sources[r] * inWidth, inWidth);
            float t = _fractions[r];
            if (t == 0f)
            {
                x0.CopyTo(row);
                continue;
            }
            System.Numerics.Tensors.TensorPrimitives.Subtract(_inputs.AsSpan((_sources[r] + 1) * inWidth, inWidth), x0, row);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(row, t, x0, row);
        }
        Span<float> values = _values.AsSpan(0, count * outWidth);
        ReadOnlySpan<float> skip = _skipInputs.AsSpan(0, count * inWidth);
        if (_layout.HasProjection(layer))
            MatrixMultiply.Multiply(skip, false, _layout.Projection(parameters, layer), false, values, count, outWidth, inWidth,
                accumulate: true, maxThreads: 1);
        else
            System.Numerics.Tensors.TensorPrimitives.Add(values, skip, values);
    }

    /// <summary>
    /// Inserts the zero crossings of <paramref name="z"/> between consecutive breakpoints, writing the new list into
    /// <see cref="_alphas"/> and, when <paramref name="withValues"/>, its pre-activations into <see cref="_values"/>.
    /// </summary>
    private int Split(ReadOnlySpan<float> z, int count, int width, bool withValues)
    {
        // Each piece can split at most once per unit.
        int most = count + (count - 1) * width;
        EnsureCapacity(ref _nextAlphas, most);
        EnsureCapacity(ref _sources, most);
        EnsureCapacity(ref _fractions, most);
        int next = 0;
        for (int k = 0; k < count - 1; k++)
        {
            ReadOnlySpan<float> z0 = z.Slice(k * width, width), z1 = z.Slice((k + 1) * width, width);
            int crossings = 0;
            for (int j = 0; j < width; j++)
                if (z0[j] < 0f && z1[j] > 0f || z0[j] > 0f && z1[j] < 0f)
                    _crossings[crossings++] = z0[j] / (z0[j] - z1[j]);
            Span<float> ts = _crossings.AsSpan(0, crossings);
            ts.Sort();
            if (withValues)
                EnsureCapacity(ref _values, (next + crossings + 2) * width, keep: next * width);
            Add(ref next, k, _alphas[k], z0, withValues, width);
            float previous = 0f;
            foreach (float t in ts)
            {
                if (t <= previous || t >= 1f)
                    continue;
                previous = t;
                float alpha = _alphas[k] + t * (_alphas[k + 1] - _alphas[k]);
                _nextAlphas[next] = alpha;
                (_sources[next], _fractions[next]) = (k, t);
                if (withValues)
                {
                    Span<float> row = _values.AsSpan(next * width, width);
                    // z0 + t·(z1 − z0), exact where the layer below is linear.
                    System.Numerics.Tensors.TensorPrimitives.Subtract(z1, z0, row);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(row, t, z0, row);
                }
                next++;
            }
        }
        if (withValues)
            EnsureCapacity(ref _values, (next + 1) * width, keep: next * width);
        Add(ref next, count - 1, _alphas[count - 1], z.Slice((count - 1) * width, width), withValues, width);
        Swap(ref _alphas, ref _nextAlphas);
        return next;
    }

    /// <summary>Carries old breakpoint <paramref name="source"/> into the new list.</summary>
    private void Add(ref int next, int source, float alpha, ReadOnlySpan<float> z, bool withValues, int width)
    {
        _nextAlphas[next] = alpha;
        (_sources[next], _fractions[next]) = (source, 0f);
        if (withValues)
            z.CopyTo(_values.AsSpan(next * width, width));
        next++;
    }

    private static void EnsureCapacity<T>(ref T[] buffer, int length, int keep = 0)
    {
        if (buffer.Length >= length)
            return;
        var larger = new T[Math.Max(length, 2 * buffer.Length)];
        buffer.AsSpan(0, keep).CopyTo(larger);
        buffer = larger;
    }

    private static void Swap(ref float[] a, ref float[] b) => (a, b) = (b, a);
}
