using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>The training diagnostics' counts over a batch's values, vectorised.</summary>
internal static class DiagnosticKernels
{
    /// <summary>
    /// How many of <paramref name="values"/> lie beyond ±<paramref name="threshold"/> (|v| &gt; threshold). One 256-bit
    /// path, which AVX2 and AVX-512 machines both run, and a scalar tail.
    /// </summary>
    public static long CountBeyond(ReadOnlySpan<float> values, float threshold)
    {
        int i = 0;
        long count = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            var limit = Vector256.Create(threshold);
            var counts = Vector256<int>.Zero;
            // Each lane counts at most length / 8 < 2³¹ values, so an int lane cannot overflow.
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var beyond = Vector256.GreaterThan(Vector256.Abs(Vector256.Create(values.Slice(i, Vector256<float>.Count))), limit);
                counts -= beyond.AsInt32();   // a true lane is all ones, -1
            }
            count = Vector256.Sum(Vector256.WidenLower(counts) + Vector256.WidenUpper(counts));
        }
        for (; i < values.Length; i++)
            if (Math.Abs(values[i]) > threshold)
                count++;
        return count;
    }
}
