// Over 250 lines on purpose: the GEMM entry point, its packing of both operands and its split of the
// work between threads are one algorithm whose parts share the tile sizes; the micro-kernels themselves live apart,
// in GemmPaths.cs.
using System.Buffers;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// Single-precision matrix multiplication on row-major matrices: <c>C = op(A)·op(B)</c>, optionally added to C.
/// </summary>
/// <remarks>
/// Both operands are packed once per call into the layout the micro-kernel reads: A in slivers of
/// <see cref="GemmPath"/>'s row count, B in panels of its column count, padded with zeros. The micro-kernel keeps a
/// rows × columns tile of C in vector registers and adds one rank-1 update per k, each a fused multiply-add. Every
/// element of C is therefore one chain of fused multiply-adds over k in order, whichever path (AVX-512, AVX2 or
/// scalar) or thread count computes it, so results are bit-identical across paths and thread counts. Threads take
/// whole tiles.
/// </remarks>
internal static class MatrixMultiply
{
    /// <summary>
    /// Below this many multiply-adds (4M, about 40 µs on one core) a call stays on the calling thread: forking costs
    /// more than it saves. Measured on W1's 256×64×128 products (2M): two threads trained 10 % slower than one.
    /// </summary>
    private const long ParallelThreshold = 1L << 22;

    /// <summary>
    /// An operand the kernel would read in place with this many floats (2 KB) or more between consecutive k is packed
    /// even when whole tiles cover it: each k step would touch a new page, and on a 1024³ product such strides (4 KB)
    /// alias in the cache, which halved the speed of NN and TN products against a packed NT one.
    /// </summary>
    private const int LongStride = 512;

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
    public static void Multiply(
        ReadOnlySpan<float> a, bool transposeA,
        ReadOnlySpan<float> b, bool transposeB,
        Span<float> c, int m, int n, int k,
        bool accumulate, int maxThreads)
        => Multiply(a, transposeA, b, transposeB, c, m, n, k, accumulate, maxThreads, GemmPaths.Best);

    /// <summary>As <see cref="Multiply(ReadOnlySpan{float}, bool, ReadOnlySpan{float}, bool, Span{float}, int, int, int, bool, int)"/>
    /// on a chosen path: tests force the narrower ones to check them on any processor.</summary>
    internal static unsafe void Multiply(
        ReadOnlySpan<float> a, bool transposeA,
        ReadOnlySpan<float> b, bool transposeB,
        Span<float> c, int m, int n, int k,
        bool accumulate, int maxThreads, GemmPath path)
    {
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException($"Matrix buffers are too small for a {m}×{k} by {k}×{n} product.");
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            if (!accumulate)
                c[..(m * n)].Clear();
            return;
        }

        if (path == GemmPath.Best)
            path = GemmPaths.Best;
        if (n == 1)
        {
            MultiplyOneColumn(a, transposeA, b, c, m, k, accumulate);
            return;
        }
        (int rows, int columns) = GemmPaths.Tile(path);
        if (m < rows && !transposeB)
        {
            // Fewer rows than a tile (scoring one row, say): padding to a tile would multiply zeros, so each row of C
            // is built from whole rows of B instead — the same fused multiply-adds in the same order.
            MultiplyFewRows(a, transposeA, b, c, m, n, k, accumulate);
            return;
        }
        int rowBlocks = (m + rows - 1) / rows, panels = (n + columns - 1) / columns;
        // The kernel reads an operand in place when whole tiles cover it and its k steps are short: A as stored (or
        // transposed, when narrower than LongStride), B when it is row-major and narrower than LongStride. Otherwise the
        // operand is packed, zero-padded to whole tiles.
        bool packA = m % rows != 0 || transposeA && m >= LongStride, packB = transposeB || n % columns != 0 || n >= LongStride;
        float[]? packedA = packA ? ArrayPool<float>.Shared.Rent(rowBlocks * rows * k) : null;
        float[]? packedB = packB ? ArrayPool<float>.Shared.Rent(panels * columns * k) : null;
        try
        {
            fixed (float* sourceA = a, sourceB = b, pc = c, pa = packedA, pb = packedB)
            {
                // Element (i, p) of op(A) is at aBase + i·aRow + p·aDepth; row p of a B panel at bBase + j0 + p·bDepth.
                Operand operandA, operandB;
                if (packA)
                {
                    // Line i of op(A) is row i of A, or column i of a transposed A.
                    Pack(sourceA, transposeA ? 1 : k, transposeA ? m : 1, m, k, rows, pa);
                    operandA = new Operand(pa, Row: 1, Depth: rows, Block: k);
                }
                else
                {
                    operandA = transposeA ? new Operand(sourceA, Row: 1, Depth: m, Block: 1) : new Operand(sourceA, Row: k, Depth: 1, Block: k);
                }
                if (packB)
                {
                    // Line j (a column) of op(B) is column j of B, or row j of a transposed B.
                    Pack(sourceB, transposeB ? k : 1, transposeB ? 1 : n, n, k, columns, pb);
                    operandB = new Operand(pb, Row: 1, Depth: columns, Block: k);
                }
                else
                {
                    operandB = new Operand(sourceB, Row: 1, Depth: n, Block: 1);
                }

                var job = new TileJob(path, operandA, operandB, (nint)pc, m, n, k, rows, columns, rowBlocks, accumulate);
                int tiles = rowBlocks * panels;
                int threads = (long)m * n * k < ParallelThreshold ? 1 : Math.Clamp(maxThreads, 1, tiles);
                if (threads == 1)
                    job.Run(0, tiles);
                else
                    RunInParallel(job, tiles, threads);
            }
        }
        finally
        {
            if (packedA is not null)
                ArrayPool<float>.Shared.Return(packedA);
            if (packedB is not null)
                ArrayPool<float>.Shared.Return(packedB);
        }
    }

    private static void MultiplyFewRows(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, Span<float> c,
        int m, int n, int k, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * n, n);
            if (!accumulate)
                row.Clear();
            for (int p = 0; p < k; p++)
            {
                float aip = transposeA ? a[p * m + i] : a[i * k + p];
                TensorPrimitives.FusedMultiplyAdd(b.Slice(p * n, n), aip, row, row);
            }
        }
    }

    /// <summary>
    /// A one-column C, a matrix–vector product (a regression or binary network's output layer and its weight gradient):
    /// the tiles would pad B to a whole panel and multiply zeros. Each element of C is still one chain of fused
    /// multiply-adds over k in order, so the result is the tiles' bit for bit. A stored transposed is read as it is, a
    /// row of C per vector lane; stored row-major, eight rows' chains run interleaved, each reading its own row.
    /// (B, k×1 or 1×k, is the same contiguous vector either way.)
    /// </summary>
    private static unsafe void MultiplyOneColumn(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, Span<float> c,
        int m, int k, bool accumulate)
    {
        Span<float> column = c[..m];
        if (!accumulate)
            column.Clear();
        if (transposeA)
        {
            // Column p of op(A) is row p of the stored A.
            for (int p = 0; p < k; p++)
                TensorPrimitives.FusedMultiplyAdd(a.Slice(p * m, m), b[p], column, column);
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            int i = 0;
            // Eight independent chains keep both FMA units busy despite each chain's latency.
            for (; i + 8 <= m; i += 8)
            {
                float* r0 = pa + (long)i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k, r4 = r3 + k, r5 = r4 + k, r6 = r5 + k, r7 = r6 + k;
                float c0 = pc[i], c1 = pc[i + 1], c2 = pc[i + 2], c3 = pc[i + 3], c4 = pc[i + 4], c5 = pc[i + 5], c6 = pc[i + 6], c7 = pc[i + 7];
                for (int p = 0; p < k; p++)
                {
                    float bp = pb[p];
                    c0 = MathF.FusedMultiplyAdd(r0[p], bp, c0);
                    c1 = MathF.FusedMultiplyAdd(r1[p], bp, c1);
                    c2 = MathF.FusedMultiplyAdd(r2[p], bp, c2);
                    c3 = MathF.FusedMultiplyAdd(r3[p], bp, c3);
                    c4 = MathF.FusedMultiplyAdd(r4[p], bp, c4);
                    c5 = MathF.FusedMultiplyAdd(r5[p], bp, c5);
                    c6 = MathF.FusedMultiplyAdd(r6[p], bp, c6);
                    c7 = MathF.FusedMultiplyAdd(r7[p], bp, c7);
                }
                pc[i] = c0; pc[i + 1] = c1; pc[i + 2] = c2; pc[i + 3] = c3; pc[i + 4] = c4; pc[i + 5] = c5; pc[i + 6] = c6; pc[i + 7] = c7;
            }
            for (; i < m; i++)
            {
                float* row = pa + (long)i * k;
                float sum = pc[i];
                for (int p = 0; p < k; p++)
                    sum = MathF.FusedMultiplyAdd(row[p], pb[p], sum);
                pc[i] = sum;
            }
        }
    }

    // Apart from Multiply, so that a single-threaded call does not allocate the lambda's closure.
    private static void RunInParallel(TileJob job, int tiles, int threads)
        => Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
            t => job.Run((int)((long)t * tiles / threads), (int)((long)(t + 1) * tiles / threads)));

    /// <summary>
    /// Where the kernel reads an operand: the tile starting at row (or column) r0 begins at <c>Base + r0·Block</c>,
    /// and within it element (r, p) is at <c>r·Row + p·Depth</c> from there.
    /// </summary>
    private readonly unsafe record struct Operand(nint Base, nint Row, nint Depth, nint Block)
    {
        public Operand(float* pointer, nint Row, nint Depth, nint Block)
            : this((nint)pointer, Row, Depth, Block)
        {
        }

        public float* Tile(int start) => (float*)Base + start * Block;
    }

    /// <summary>
    /// Packs <paramref name="lines"/> lines of depth <paramref name="k"/> — element (line, p) at
    /// <c>source + line·lineStep + p·depthStep</c> — into blocks of <paramref name="width"/> lines, each stored p by p
    /// with its lines side by side and zero-padded to the full width: the rows of op(A) into slivers, the columns of
    /// op(B) into panels.
    /// </summary>
    private static unsafe void Pack(float* source, nint lineStep, nint depthStep, int lines, int k, int width, float* packed)
    {
        for (int l0 = 0; l0 < lines; l0 += width)
        {
            float* block = packed + (long)l0 * k;
            int count = Math.Min(width, lines - l0);
            for (int p = 0; p < k; p++)
            {
                float* target = block + (long)p * width, from = source + l0 * lineStep + p * depthStep;
                for (int l = 0; l < count; l++)
                    target[l] = from[l * lineStep];
                for (int l = count; l < width; l++)
                    target[l] = 0f;
            }
        }
    }

    private readonly unsafe struct TileJob(GemmPath path, Operand a, Operand b, nint c, int m, int n, int k,
        int rows, int columns, int rowBlocks, bool accumulate)
    {
        public void Run(int firstTile, int endTile)
        {
            float* pc = (float*)c;
            float* edge = stackalloc float[GemmPaths.MaxTileSize];
            for (int t = firstTile; t < endTile; t++)
            {
                // Tiles run down a panel of B, so the panel stays in cache while the slivers of A stream past.
                int panel = t / rowBlocks, block = t % rowBlocks;
                int i0 = block * rows, j0 = panel * columns;
                float* sliver = a.Tile(i0), panelB = b.Tile(j0);
                int height = Math.Min(rows, m - i0), width = Math.Min(columns, n - j0);
                if (height == rows && width == columns)
                {
                    GemmPaths.Kernel(path, sliver, a.Row, a.Depth, panelB, b.Depth, k, pc + (long)i0 * n + j0, n, accumulate);
                    continue;
                }
                // An edge tile (its operands are packed, so padded) goes through a full-size scratch tile, so the
                // kernel never writes outside C.
                for (int ii = 0; ii < rows; ii++)
                    for (int jj = 0; jj < columns; jj++)
                        edge[ii * columns + jj] = accumulate && ii < height && jj < width ? pc[(long)(i0 + ii) * n + j0 + jj] : 0f;
                GemmPaths.Kernel(path, sliver, a.Row, a.Depth, panelB, b.Depth, k, edge, columns, load: true);
                for (int ii = 0; ii < height; ii++)
                    new ReadOnlySpan<float>(edge + ii * columns, width).CopyTo(new Span<float>(pc + (long)(i0 + ii) * n + j0, width));
            }
        }
    }
}
