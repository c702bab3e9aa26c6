using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>The optimisers' element-wise parameter updates, vectorised.</summary>
internal static class OptimizerKernels
{
    /// <summary>
    /// One Adam step on every parameter: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − s·m / (√v / c + ε), with
    /// s the bias-corrected step size and c = √(1 − β₂ᵗ). Every lane rounds each operation as the scalar tail does,
    /// so the result is the same bit for bit whatever the vector width.
    /// </summary>
    public static void AdamUpdate(Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> m, Span<float> v,
        float beta1, float beta2, float stepSize, float rootCorrection2, float epsilon)
    {
        float oneMinusBeta1 = 1f - beta1, oneMinusBeta2 = 1f - beta2;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= parameters.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var g = Vector512.Create(gradient.Slice(i, Vector512<float>.Count));
                var mi = beta1 * Vector512.Create((ReadOnlySpan<float>)m.Slice(i, Vector512<float>.Count)) + oneMinusBeta1 * g;
                var vi = beta2 * Vector512.Create((ReadOnlySpan<float>)v.Slice(i, Vector512<float>.Count)) + oneMinusBeta2 * g * g;
                mi.CopyTo(m.Slice(i));
                vi.CopyTo(v.Slice(i));
                var p = Vector512.Create((ReadOnlySpan<float>)parameters.Slice(i, Vector512<float>.Count));
                (p - stepSize * mi / (Vector512.Sqrt(vi) / rootCorrection2 + Vector512.Create(epsilon))).CopyTo(parameters.Slice(i));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= parameters.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var g = Vector256.Create(gradient.Slice(i, Vector256<float>.Count));
                var mi = beta1 * Vector256.Create((ReadOnlySpan<float>)m.Slice(i, Vector256<float>.Count)) + oneMinusBeta1 * g;
                var vi = beta2 * Vector256.Create((ReadOnlySpan<float>)v.Slice(i, Vector256<float>.Count)) + oneMinusBeta2 * g * g;
                mi.CopyTo(m.Slice(i));
                vi.CopyTo(v.Slice(i));
                var p = Vector256.Create((ReadOnlySpan<float>)parameters.Slice(i, Vector256<float>.Count));
                (p - stepSize * mi / (Vector256.Sqrt(vi) / rootCorrection2 + Vector256.Create(epsilon))).CopyTo(parameters.Slice(i));
            }
        }
        for (; i < parameters.Length; i++)
        {
            float g = gradient[i];
            float mi = beta1 * m[i] + oneMinusBeta1 * g;
            float vi = beta2 * v[i] + oneMinusBeta2 * g * g;
            m[i] = mi;
            v[i] = vi;
            parameters[i] -= stepSize * mi / (MathF.Sqrt(vi) / rootCorrection2 + epsilon);
        }
    }

    /// <summary>
    /// Σ xᵢ² accumulated in double, so a gradient whose squares overflow float still sums to a finite norm: eight
    /// double accumulators (four lanes of two vectors) added in a fixed order, then the tail.
    /// </summary>
    public static double SumOfSquares(ReadOnlySpan<float> values)
    {
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            Vector256<double> low = Vector256<double>.Zero, high = Vector256<double>.Zero;
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (l, h) = Vector256.Widen(Vector256.Create(values.Slice(i, Vector256<float>.Count)));
                low += l * l;
                high += h * h;
            }
            sum = Vector256.Sum(low + high);
        }
        for (; i < values.Length; i++)
            sum += (double)values[i] * values[i];
        return sum;
    }
}
