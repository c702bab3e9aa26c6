using System.Buffers;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// Single-precision matrix multiplication on row-major matrices: <c>C = op(A)·op(B)</c>, optionally added to C.
/// </summary>
/// <remarks>
/// Work is split across threads by blocks of output rows only, and every output element is summed over
/// <c>k</c> in the same order whatever the split, so results are bit-identical for any thread count.
/// </remarks>
internal static class MatrixMultiply
{
    /// <summary>Below this many multiply-adds a call stays on the calling thread: forking costs more than it saves.</summary>
    private const long ParallelThreshold = 1L << 18;

    /// <summary>Computes <c>C (m×n) = op(A) (m×k) · op(B) (k×n)</c>, or adds it to C when <paramref name="accumulate"/> is set.</summary>
    /// <param name="a">A, stored m×k, or k×m when <paramref name="transposeA"/>.</param>
    /// <param name="transposeA">Whether to use the transpose of the stored A.</param>
    /// <param name="b">B, stored k×n, or n×k when <paramref name="transposeB"/>.</param>
    /// <param name="transposeB">Whether to use the transpose of the stored B.</param>
    /// <param name="c">C, m×n.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The shared dimension.</param>
    /// <param name="accumulate">Add to C instead of overwriting it.</param>
    /// <param name="maxThreads">The most threads to use (1 or more).</param>
    public static unsafe void Multiply(
        ReadOnlySpan<float> a, bool transposeA,
        ReadOnlySpan<float> b, bool transposeB,
        Span<float> c, int m, int n, int k,
        bool accumulate, int maxThreads)
    {
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException($"Matrix buffers are too small for a {m}×{k} by {k}×{n} product.");
        if (m == 0 || n == 0)
            return;

        float[]? packed = null;
        ReadOnlySpan<float> bRows = b;
        if (transposeB)
        {
            // B is stored n×k; a k×n copy lets every output row be built from contiguous rows of B.
            packed = ArrayPool<float>.Shared.Rent(k * n);
            Transpose(b, n, k, packed);
            bRows = packed.AsSpan(0, k * n);
        }

        try
        {
            fixed (float* pa = a, pb = bRows, pc = c)
            {
                var job = new RowJob((nint)pa, (nint)pb, (nint)pc, m, n, k, transposeA, accumulate);
                int threads = (long)m * n * k < ParallelThreshold ? 1 : Math.Clamp(maxThreads, 1, m);
                if (threads == 1)
                {
                    job.Run(0, m);
                }
                else
                {
                    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
                        t => job.Run((int)((long)t * m / threads), (int)((long)(t + 1) * m / threads)));
                }
            }
        }
        finally
        {
            if (packed is not null)
                ArrayPool<float>.Shared.Return(packed);
        }
    }

    /// <summary>Writes the transpose of a rows×columns matrix into <paramref name="destination"/> (columns×rows).</summary>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = source.Slice(r * columns, columns);
            for (int col = 0; col < columns; col++)
                destination[col * rows + r] = row[col];
        }
    }

    private readonly unsafe struct RowJob(nint a, nint b, nint c, int m, int n, int k, bool transposeA, bool accumulate)
    {
        public void Run(int firstRow, int endRow)
        {
            float* pa = (float*)a, pb = (float*)b, pc = (float*)c;
            for (int i = firstRow; i < endRow; i++)
            {
                var cRow = new Span<float>(pc + (long)i * n, n);
                if (!accumulate)
                    cRow.Clear();
                for (int p = 0; p < k; p++)
                {
                    float aip = transposeA ? pa[(long)p * m + i] : pa[(long)i * k + p];
                    // ReLU layers make many zeros; skipping them changes no finite result.
                    if (aip == 0f)
                        continue;
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(pb + (long)p * n, n), aip, cRow, cRow);
                }
            }
        }
    }
}
