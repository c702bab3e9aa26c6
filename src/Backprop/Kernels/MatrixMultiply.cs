// Over 250 lines on purpose: the GEMM entry point, its packing of both operands and its split of the
// work between threads are one algorithm whose parts share the tile sizes; the micro-kernels themselves live apart,
// in GemmPaths.cs.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// Single-precision matrix multiplication on row-major matrices: <c>C = op(A)·op(B)</c>, optionally added to C.
/// </summary>
/// <remarks>
/// The operands are packed into the layout the micro-kernel reads — A in slivers of <see cref="GemmPath"/>'s row count,
/// B in panels of its column count, zero-padded — unless whole tiles cover one and reading it in place costs nothing.
/// The micro-kernel keeps a rows × columns tile of C in vector registers and adds one rank-1 update per k, each a fused
/// multiply-add, a k-block at a time. Every element of C is therefore one chain of fused multiply-adds over k in order,
/// whichever path (AVX-512, AVX2 or scalar) or thread count computes it, so results are bit-identical across paths and
/// thread counts. Threads take bands of whole panels of C, or of whole tile rows.
/// </remarks>
internal static class MatrixMultiply
{
    /// <summary>
    /// Below this many multiply-adds (4M, about 40 µs on one core) a call stays on the calling thread: forking costs
    /// more than it saves. Measured on W1's 256×64×128 products (2M): two threads trained 10 % slower than one.
    /// </summary>
    private const long ParallelThreshold = 1L << 20;

    /// <summary>
    /// An operand the kernel would read in place with this many floats (2 KB) or more between consecutive k is packed
    /// even when whole tiles cover it: each k step would touch a new page, and on a 1024³ product such strides (4 KB)
    /// alias in the cache, which halved the speed of NN and TN products against a packed NT one.
    /// </summary>
    private const int LongStride = 512;

    /// <summary>
    /// Up to this many k a panel of a row-major B read in place stays in the L1 cache (64 lines of 64 bytes, even when
    /// its rows fall into 8 of the cache's sets): packing it would cost more than it saves.
    /// </summary>
    private const int ShortDepth = 64;

    [ThreadStatic]
    private static ProductWork? t_work;

    /// <summary>A count of floats rounded up to whole cache lines, so what is packed after it starts on one.</summary>
    private static long Aligned(long floats) => (floats + 15) & ~15L;

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
        // An operand is packed when reading it in place would cost cache misses: a transposed A whose k steps are long;
        // a row-major B that more than one tile row reads, when its k steps are long or a k-block of a panel, read in
        // place, would not stay in the L1 cache (its rows, one cache line each, are a multiple of 256 bytes apart, so
        // they fall into a few of its sets); and B when tiles do not cover it. A read in place has its last, partial
        // sliver packed alone (zero-padded): packing all of it would cost, for a narrow C, a fifth of the product.
        bool packA = transposeA && m >= LongStride;
        bool packB = transposeB || n % columns != 0 || rowBlocks > 1 && (k > ShortDepth || n >= LongStride);
        // Threads split C by its columns when A is read in place (each then packs only its own panels of B), otherwise
        // by its rows (each packs its own rows of A); either way no thread packs what another one does.
        bool byColumns = !packA && panels > 1;
        int threads = (long)m * n * k < ParallelThreshold ? 1 : Math.Clamp(maxThreads, 1, byColumns ? panels : rowBlocks);
        fixed (float* pa = a, pb = b, pc = c)
        {
            var job = new TileJob(path, (nint)pa, transposeA, packA, (nint)pb, transposeB, packB, (nint)pc, m, n, k, accumulate, threads, byColumns);
            if (threads == 1)
            {
                job.Run(0);
                return;
            }
            var work = t_work ??= new ProductWork();
            work.Job = job;
            ParallelWork.ForCurrentThread.Run(work, threads, threads);
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

        /// <summary>Where the tile starting at row (or column) <paramref name="start"/> has its element of depth <paramref name="p"/>.</summary>
        public float* At(int start, int p) => (float*)Base + start * Block + p * Depth;
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
                if (lineStep == 1)
                {
                    // Side by side already (B's columns): one block copy.
                    Buffer.MemoryCopy(from, target, count * sizeof(float), count * sizeof(float));
                }
                else
                {
                    for (int l = 0; l < count; l++)
                        target[l] = from[l * lineStep];
                }
                for (int l = count; l < width; l++)
                    target[l] = 0f;
            }
        }
    }

    /// <summary>A calling thread's product in progress, as parts for <see cref="ParallelWork"/>.</summary>
    private sealed class ProductWork : IPartedWork
    {
        public TileJob Job;

        public void Run(int part) => Job.Run(part);
    }

    /// <summary>
    /// Packing buffers shared by every thread: a part of a product rents one and gives it back, so the buffers number as
    /// many as parts ever ran at once, whichever threads ran them, and after the first products nothing is allocated. Each
    /// is pinned, so its cache-line-aligned start stays put.
    /// </summary>
    private static class PackingBuffers
    {
        private static readonly float[]?[] s_free = new float[]?[16];

        /// <summary>A buffer of at least <paramref name="floats"/> past its 64-byte-aligned start.</summary>
        public static float[] Rent(long floats)
        {
            float[]? any = null;
            for (int i = 0; i < s_free.Length; i++)
            {
                if (Volatile.Read(ref s_free[i]) is not { } candidate || candidate.Length < floats + 16 && any is not null)
                    continue;
                if (Interlocked.CompareExchange(ref s_free[i], null, candidate) != candidate)
                    continue;
                if (candidate.Length >= floats + 16)
                {
                    if (any is not null)
                        Return(any);
                    return candidate;
                }
                any = candidate; // too small: kept aside in case nothing fits, then dropped for a larger one
            }
            return GC.AllocateUninitializedArray<float>((int)Math.Max(floats + 16, 4096), pinned: true);
        }

        /// <summary>Gives a buffer back (dropped when every slot is taken).</summary>
        public static void Return(float[] buffer)
        {
            for (int i = 0; i < s_free.Length; i++)
                if (Interlocked.CompareExchange(ref s_free[i], buffer, null) is null)
                    return;
        }

        /// <summary>The first cache-line boundary in <paramref name="buffer"/>.</summary>
        public static unsafe float* Start(float[] buffer) =>
            (float*)(((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer)) + 63) & ~(nint)63);
    }

    /// <summary>
    /// One thread's share of a product: a band of whole panels (columns) of C, or of whole tile rows. The thread packs
    /// the panels of B, or the rows of A, of its band; with a band of rows it packs a copy of B of its own (k·n copies
    /// against its rows·n·k multiply-adds), and with a band of panels A's partial sliver, so no thread waits on another.
    /// It then walks its band in blocks of <see cref="GemmPaths.DepthBlock"/> k at a time, so that a panel of B's k-block
    /// stays in the L1 cache while the slivers of A's, <see cref="GemmPaths.RowBlock"/> rows at most, stay in L2; between
    /// k-blocks a tile's sums wait in C as floats, which rounds nothing.
    /// </summary>
    private readonly unsafe struct TileJob(GemmPath path, nint a, bool transposeA, bool packA, nint b, bool transposeB, bool packB,
        nint c, int m, int n, int k, bool accumulate, int threads, bool byColumns)
    {
        public void Run(int part)
        {
            (int rows, int columns) = GemmPaths.Tile(path);
            int rowBlocks = (m + rows - 1) / rows, panels = (n + columns - 1) / columns;
            int bands = byColumns ? panels : rowBlocks;
            int first = (int)((long)part * bands / threads), end = (int)((long)(part + 1) * bands / threads);
            (int firstBlock, int endBlock, int firstPanel, int endPanel) = byColumns ? (0, rowBlocks, first, end) : (first, end, 0, panels);
            int firstRow = firstBlock * rows, bandRows = Math.Min(m, endBlock * rows) - firstRow;
            int firstColumn = firstPanel * columns, bandColumns = Math.Min(n, endPanel * columns) - firstColumn;
            // A read in place may end in a partial sliver, packed alone: its rows from edgeRow of the band on.
            int edgeRow = !packA && bandRows % rows != 0 ? bandRows - bandRows % rows : bandRows;
            long sizeA = Aligned(packA ? (long)(endBlock - firstBlock) * rows * k : edgeRow < bandRows ? (long)rows * k : 0);
            long sizeB = packB ? (long)(endPanel - firstPanel) * columns * k : 0;
            float[]? buffer = sizeA + sizeB > 0 ? PackingBuffers.Rent(sizeA + sizeB) : null;
            try
            {
                float* pa = buffer is null ? null : PackingBuffers.Start(buffer), pb = pa + sizeA;
                // Element (i, p) of op(A) is at i·Row + p·Depth from the band's sliver's start, and so for B's columns.
                Operand operandA, operandB, edgeA = default;
                // Line i of op(A) is row i of A, or column i of a transposed A.
                float* sourceA = (float*)a + (transposeA ? firstRow : (long)firstRow * k);
                nint lineStep = transposeA ? 1 : k, depthStep = transposeA ? m : 1;
                if (packA)
                {
                    Pack(sourceA, lineStep, depthStep, bandRows, k, rows, pa);
                    operandA = new Operand(pa, Row: 1, Depth: rows, Block: k);
                }
                else
                {
                    operandA = new Operand(sourceA, Row: lineStep, Depth: depthStep, Block: lineStep);
                    if (edgeRow < bandRows)
                    {
                        Pack(sourceA + edgeRow * lineStep, lineStep, depthStep, bandRows - edgeRow, k, rows, pa);
                        edgeA = new Operand(pa - (long)edgeRow * k, Row: 1, Depth: rows, Block: k);
                    }
                }
                if (packB)
                {
                    // Line j (a column) of op(B) is column j of B, or row j of a transposed B.
                    nint columnStep = transposeB ? k : 1;
                    Pack((float*)b + firstColumn * columnStep, columnStep, transposeB ? 1 : n, bandColumns, k, columns, pb);
                    operandB = new Operand(pb - (long)firstColumn * k, Row: 1, Depth: columns, Block: k);
                }
                else
                {
                    operandB = new Operand((float*)b, Row: 1, Depth: n, Block: 1);
                }
                RunBand(operandA, edgeA, edgeRow, operandB, (float*)c + (long)firstRow * n, bandRows, rows, columns, firstPanel, endPanel);
            }
            finally
            {
                if (buffer is not null)
                    PackingBuffers.Return(buffer);
            }
        }

        /// <summary>
        /// The tiles of a band of C (<paramref name="bandRows"/> rows from <paramref name="band"/>, panels
        /// <paramref name="firstPanel"/> to <paramref name="endPanel"/>), block by block; the slivers of A from
        /// <paramref name="edgeRow"/> on are read from <paramref name="edgeA"/>.
        /// </summary>
        private void RunBand(Operand a, Operand edgeA, int edgeRow, Operand b, float* band, int bandRows, int rows, int columns,
            int firstPanel, int endPanel)
        {
            int depthBlock = GemmPaths.DepthBlock(path), rowBlock = GemmPaths.RowBlock(path);
            float* edge = stackalloc float[GemmPaths.MaxTileSize];
            for (int i0 = 0; i0 < bandRows; i0 += rowBlock)
            {
                int i1 = Math.Min(bandRows, i0 + rowBlock);
                for (int p0 = 0; p0 < k; p0 += depthBlock)
                {
                    int depth = Math.Min(depthBlock, k - p0);
                    bool load = accumulate || p0 > 0;
                    for (int panel = firstPanel; panel < endPanel; panel++)
                    {
                        // Tiles run down a panel of B, so its k-block stays in cache while the slivers of A stream past.
                        int j0 = panel * columns, width = Math.Min(columns, n - j0);
                        float* panelB = b.At(j0, p0);
                        for (int i = i0; i < i1; i += rows)
                        {
                            Operand source = i < edgeRow ? a : edgeA;
                            float* sliver = source.At(i, p0), tile = band + (long)i * n + j0;
                            int height = Math.Min(rows, bandRows - i);
                            if (height == rows && width == columns)
                            {
                                GemmPaths.Kernel(path, sliver, source.Row, source.Depth, panelB, b.Depth, depth, tile, n, load);
                                continue;
                            }
                            // An edge tile (its operands are packed, so padded) goes through a full-size scratch tile,
                            // so the kernel never writes outside C.
                            for (int ii = 0; ii < rows; ii++)
                                for (int jj = 0; jj < columns; jj++)
                                    edge[ii * columns + jj] = load && ii < height && jj < width ? tile[(long)ii * n + jj] : 0f;
                            GemmPaths.Kernel(path, sliver, source.Row, source.Depth, panelB, b.Depth, depth, edge, columns, load: true);
                            for (int ii = 0; ii < height; ii++)
                                new ReadOnlySpan<float>(edge + ii * columns, width).CopyTo(new Span<float>(tile + (long)ii * n, width));
                        }
                    }
                }
            }
        }
    }
}
