using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>The instruction sets the matrix-multiply micro-kernel can use.</summary>
internal enum GemmPath
{
    /// <summary>The widest the processor accelerates.</summary>
    Best,

    /// <summary>512-bit vectors (AVX-512): tiles of 8 rows × 32 columns in 16 registers.</summary>
    Vector512,

    /// <summary>256-bit vectors (AVX2): tiles of 6 rows × 16 columns in 12 of its 16 registers.</summary>
    Vector256,

    /// <summary>No vectors: tiles of 4 × 4, for any processor (including Arm, which has no 256-bit vectors).</summary>
    Scalar,
}

/// <summary>
/// The micro-kernels: C (rows × columns, row stride <c>ldc</c>) += Σ_p A[·, p] ⊗ B[p, ·], one fused multiply-add per
/// element and p, in p order. A's element (r, p) is at <c>a + r·aRow + p·aDepth</c>, so a kernel reads packed slivers
/// and row-major or transposed matrices alike; B's row p is <c>columns</c> contiguous values at <c>b + p·bDepth</c>.
/// </summary>
internal static unsafe class GemmPaths
{
    /// <summary>The largest tile of any path, for edge scratch space.</summary>
    public const int MaxTileSize = 8 * 32;

    /// <summary>The widest path this processor accelerates.</summary>
    public static GemmPath Best { get; } =
        Vector512.IsHardwareAccelerated ? GemmPath.Vector512
        : Vector256.IsHardwareAccelerated ? GemmPath.Vector256
        : GemmPath.Scalar;

    /// <summary>The tile a path computes at once.</summary>
    public static (int Rows, int Columns) Tile(GemmPath path) => path switch
    {
        GemmPath.Vector512 => (8, 32),
        GemmPath.Vector256 => (6, 16),
        GemmPath.Scalar => (4, 4),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Resolve Best first."),
    };

    /// <summary>
    /// How many k a kernel call covers at most: a panel of B's k-block, 16 KB, then stays in a 32 KB L1 cache beside the
    /// sliver of A it meets.
    /// </summary>
    public static int DepthBlock(GemmPath path) => 4096 / Tile(path).Columns;

    /// <summary>How many rows of A a k-block spans at most: 192 KB, held in the L2 cache while the panels of B pass.</summary>
    public static int RowBlock(GemmPath path) => 49152 / DepthBlock(path) / Tile(path).Rows * Tile(path).Rows;

    /// <summary>Runs the path's kernel on one full tile; <paramref name="load"/> starts from C's values instead of zero.</summary>
    public static void Kernel(GemmPath path, float* a, nint aRow, nint aDepth, float* b, nint bDepth, int k, float* c, int ldc, bool load)
    {
        switch (path)
        {
            case GemmPath.Vector512:
                Kernel8x32(a, aRow, aDepth, b, bDepth, k, c, ldc, load);
                break;
            case GemmPath.Vector256:
                Kernel6x16(a, aRow, aDepth, b, bDepth, k, c, ldc, load);
                break;
            default:
                Kernel4x4(a, aRow, aDepth, b, bDepth, k, c, ldc, load);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32(float* a, nint aRow, nint aDepth, float* b, nint bDepth, int k, float* c, int ldc, bool load)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (load)
        {
            c00 = Vector512.Load(c); c01 = Vector512.Load(c + 16);
            c10 = Vector512.Load(c + ldc); c11 = Vector512.Load(c + ldc + 16);
            c20 = Vector512.Load(c + 2 * ldc); c21 = Vector512.Load(c + 2 * ldc + 16);
            c30 = Vector512.Load(c + 3 * ldc); c31 = Vector512.Load(c + 3 * ldc + 16);
            c40 = Vector512.Load(c + 4 * ldc); c41 = Vector512.Load(c + 4 * ldc + 16);
            c50 = Vector512.Load(c + 5 * ldc); c51 = Vector512.Load(c + 5 * ldc + 16);
            c60 = Vector512.Load(c + 6 * ldc); c61 = Vector512.Load(c + 6 * ldc + 16);
            c70 = Vector512.Load(c + 7 * ldc); c71 = Vector512.Load(c + 7 * ldc + 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
            c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        }
        float* a1 = a + aRow, a2 = a1 + aRow, a3 = a2 + aRow, a4 = a3 + aRow, a5 = a4 + aRow, a6 = a5 + aRow, a7 = a6 + aRow;
        for (nint p = 0, at = 0; p < k; p++, at += aDepth, b += bDepth)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a[at]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[at]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[at]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[at]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[at]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[at]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a6[at]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[at]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        c00.Store(c); c01.Store(c + 16);
        c10.Store(c + ldc); c11.Store(c + ldc + 16);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 16);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 16);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + 16);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + 16);
        c60.Store(c + 6 * ldc); c61.Store(c + 6 * ldc + 16);
        c70.Store(c + 7 * ldc); c71.Store(c + 7 * ldc + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(float* a, nint aRow, nint aDepth, float* b, nint bDepth, int k, float* c, int ldc, bool load)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (load)
        {
            c00 = Vector256.Load(c); c01 = Vector256.Load(c + 8);
            c10 = Vector256.Load(c + ldc); c11 = Vector256.Load(c + ldc + 8);
            c20 = Vector256.Load(c + 2 * ldc); c21 = Vector256.Load(c + 2 * ldc + 8);
            c30 = Vector256.Load(c + 3 * ldc); c31 = Vector256.Load(c + 3 * ldc + 8);
            c40 = Vector256.Load(c + 4 * ldc); c41 = Vector256.Load(c + 4 * ldc + 8);
            c50 = Vector256.Load(c + 5 * ldc); c51 = Vector256.Load(c + 5 * ldc + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }
        float* a1 = a + aRow, a2 = a1 + aRow, a3 = a2 + aRow, a4 = a3 + aRow, a5 = a4 + aRow;
        for (nint p = 0, at = 0; p < k; p++, at += aDepth, b += bDepth)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> x = Vector256.Create(a[at]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[at]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[at]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[at]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[at]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[at]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
        }
        c00.Store(c); c01.Store(c + 8);
        c10.Store(c + ldc); c11.Store(c + ldc + 8);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 8);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 8);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + 8);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + 8);
    }

    private static void Kernel4x4(float* a, nint aRow, nint aDepth, float* b, nint bDepth, int k, float* c, int ldc, bool load)
    {
        float* acc = stackalloc float[16];
        for (int ii = 0; ii < 4; ii++)
            for (int jj = 0; jj < 4; jj++)
                acc[ii * 4 + jj] = load ? c[ii * ldc + jj] : 0f;
        for (nint p = 0; p < k; p++, a += aDepth, b += bDepth)
            for (int ii = 0; ii < 4; ii++)
                for (int jj = 0; jj < 4; jj++)
                    acc[ii * 4 + jj] = MathF.FusedMultiplyAdd(a[ii * aRow], b[jj], acc[ii * 4 + jj]);
        for (int ii = 0; ii < 4; ii++)
            for (int jj = 0; jj < 4; jj++)
                c[ii * ldc + jj] = acc[ii * 4 + jj];
    }
}
