using Backprop.Kernels;

namespace Backprop.Tests;

public class KernelTests
{
    // Paths by name: GemmPath is internal to the engine. A path the processor lacks still runs (slowly) and must agree.
    // 13×37 leaves partial tiles on every path (8×32, 6×16, 4×4), so both operands are packed; 48×96 is whole tiles on
    // every path, so the kernel reads A, and a row-major B, in place.
    public static TheoryData<string, bool, bool, bool, int, int> PathsAndVariants()
    {
        var data = new TheoryData<string, bool, bool, bool, int, int>();
        foreach (string path in new[] { nameof(GemmPath.Vector512), nameof(GemmPath.Vector256), nameof(GemmPath.Scalar) })
            foreach (bool transposeA in new[] { false, true })
                foreach (bool transposeB in new[] { false, true })
                    foreach ((int m, int n) in new[] { (13, 37), (48, 96) })
                        data.Add(path, transposeA, transposeB, path == nameof(GemmPath.Scalar) || transposeA, m, n);
        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndVariants))]
    public void Matrix_multiply_matches_a_float64_product_on_every_path_and_transpose_variant(
        string pathName, bool transposeA, bool transposeB, bool accumulate, int m, int n)
    {
        var path = Enum.Parse<GemmPath>(pathName);
        const int k = 29;
        var random = new Random(3);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] c = Enumerable.Range(0, m * n).Select(i => 1f + i % 3).ToArray();
        float[] before = c.ToArray();

        MatrixMultiply.Multiply(a, transposeA, b, transposeB, c, m, n, k, accumulate, maxThreads: 1, path);

        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double expected = accumulate ? before[i * n + j] : 0;
                for (int p = 0; p < k; p++)
                    expected += (double)(transposeA ? a[p * m + i] : a[i * k + p]) * (transposeB ? b[j * k + p] : b[p * n + j]);
                Assert.Equal(expected, c[i * n + j], 1e-5);
            }
    }

    [Theory]
    [InlineData(70, 90)]
    [InlineData(96, 96)]
    public void Every_path_gives_bit_identical_products(int m, int n)
    {
        // One fused multiply-add per element and k, in k order, whatever the vector width and whether the operands
        // are packed (70×90) or read in place (96×96 is whole tiles on every path).
        const int k = 123;
        var random = new Random(4);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] Product(GemmPath path)
        {
            float[] c = new float[m * n];
            MatrixMultiply.Multiply(a, false, b, false, c, m, n, k, accumulate: false, maxThreads: 2, path);
            return c;
        }

        float[] scalar = Product(GemmPath.Scalar);
        Assert.Equal(scalar, Product(GemmPath.Vector256));
        Assert.Equal(scalar, Product(GemmPath.Vector512));
        Assert.Equal(scalar, Product(GemmPath.Best));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(5, false)]
    [InlineData(5, true)]
    public void Products_of_fewer_rows_than_a_tile_match_the_tiled_paths_bit_for_bit(int m, bool transposeA)
    {
        // 5 rows: fewer than a tile on the vector paths (8 and 6 rows), whole tiles plus one row on the scalar one.
        const int n = 40, k = 77;
        var random = new Random(6);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] Product(GemmPath path)
        {
            float[] c = Enumerable.Range(0, m * n).Select(i => 0.25f * (i % 4)).ToArray();
            MatrixMultiply.Multiply(a, transposeA, b, false, c, m, n, k, accumulate: true, maxThreads: 1, path);
            return c;
        }

        float[] rowWise = Product(GemmPath.Vector512);
        Assert.Equal(Product(GemmPath.Scalar), rowWise);
        Assert.Equal(Product(GemmPath.Vector256), rowWise);
        double expected = 0.25 * (1 % 4);
        for (int p = 0; p < k; p++)
            expected += (double)(transposeA ? a[p * m] : a[p]) * b[p * n + 1];
        Assert.Equal(expected, rowWise[1], 1e-5);
    }

    [Fact]
    public void An_empty_shared_dimension_gives_zeros_or_leaves_C()
    {
        float[] c = [1, 2, 3, 4];
        MatrixMultiply.Multiply([], false, [], false, c, 2, 2, 0, accumulate: true, maxThreads: 1);
        Assert.Equal([1f, 2, 3, 4], c);
        MatrixMultiply.Multiply([], false, [], false, c, 2, 2, 0, accumulate: false, maxThreads: 1);
        Assert.Equal([0f, 0, 0, 0], c);
    }

    [Theory]
    [InlineData(nameof(GemmPath.Vector256), false)]
    [InlineData(nameof(GemmPath.Vector256), true)]
    [InlineData(nameof(GemmPath.Vector512), false)]
    [InlineData(nameof(GemmPath.Vector512), true)]
    public void Operands_with_long_strides_are_packed_and_give_each_elements_fused_chain_bit_for_bit(string pathName, bool transposeA)
    {
        // 576 × 528 is whole tiles on both vector paths, but B's rows (and a transposed A's) are 528 and 576 floats
        // apart: past the stride from which the operands are packed rather than read in place.
        const int m = 576, n = 528, k = 40;
        var random = new Random(6);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] c = new float[m * n];

        MatrixMultiply.Multiply(a, transposeA, b, false, c, m, n, k, accumulate: false, maxThreads: 2, Enum.Parse<GemmPath>(pathName));

        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                    sum = MathF.FusedMultiplyAdd(transposeA ? a[p * m + i] : a[i * k + p], b[p * n + j], sum);
                expected[i * n + j] = sum;
            }
        Assert.Equal(expected, c);
    }

    public static TheoryData<string, bool, bool, bool> DeepProducts()
    {
        var data = new TheoryData<string, bool, bool, bool>();
        foreach (string path in new[] { nameof(GemmPath.Vector512), nameof(GemmPath.Vector256), nameof(GemmPath.Scalar) })
            foreach (bool transposeA in new[] { false, true })
                foreach (bool transposeB in new[] { false, true })
                    data.Add(path, transposeA, transposeB, transposeA != transposeB);
        return data;
    }

    [Theory]
    [MemberData(nameof(DeepProducts))]
    public void Products_deeper_than_a_k_block_carry_each_elements_fused_chain_across_blocks_bit_for_bit(
        string pathName, bool transposeA, bool transposeB, bool accumulate)
    {
        // k = 600 spans three k-blocks of the AVX2 path (256), five of the AVX-512 one (128); 203 rows span two row
        // blocks of every path, with an edge tile; two threads each take a band of rows.
        const int m = 203, n = 45, k = 600;
        var random = new Random(8);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] c = Enumerable.Range(0, m * n).Select(i => 0.5f * (i % 5)).ToArray();
        float[] expected = c.ToArray();

        MatrixMultiply.Multiply(a, transposeA, b, transposeB, c, m, n, k, accumulate, maxThreads: 2, Enum.Parse<GemmPath>(pathName));

        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = accumulate ? expected[i * n + j] : 0f;
                for (int p = 0; p < k; p++)
                    sum = MathF.FusedMultiplyAdd(transposeA ? a[p * m + i] : a[i * k + p], transposeB ? b[j * k + p] : b[p * n + j], sum);
                expected[i * n + j] = sum;
            }
        Assert.Equal(expected, c);
    }

    private sealed class CountingWork(int[] runs, int failingPart) : IPartedWork
    {
        public void Run(int part)
        {
            Interlocked.Increment(ref runs[part]);
            if (part == failingPart)
                throw new InvalidOperationException($"part {part}");
        }
    }

    private sealed class NestingWork(int[] innerRuns) : IPartedWork
    {
        public void Run(int part) => ParallelWork.ForCurrentThread.Run(new CountingWork(innerRuns, failingPart: -1), innerRuns.Length, threads: 2);
    }

    [Fact]
    public void Parallel_work_runs_each_part_exactly_once_and_passes_on_a_failure_from_any_thread()
    {
        // Many short calls in a row: queued items of earlier calls that start late must claim nothing twice.
        var work = ParallelWork.ForCurrentThread;
        for (int round = 0; round < 2000; round++)
        {
            int parts = 1 + round % 5;
            int[] runs = new int[parts];
            work.Run(new CountingWork(runs, failingPart: -1), parts, threads: 1 + round % 3);
            Assert.All(runs, count => Assert.Equal(1, count));
        }

        // A part that starts parallel work of its own on the same thread gets it run there, whole.
        int[] inner = new int[3];
        work.Run(new NestingWork(inner), parts: 2, threads: 2);
        Assert.Equal([2, 2, 2], inner);

        for (int failing = 0; failing < 4; failing++)
        {
            int[] runs = new int[4];
            var failure = Assert.Throws<InvalidOperationException>(() => work.Run(new CountingWork(runs, failing), parts: 4, threads: 2));
            Assert.Equal($"part {failing}", failure.Message);
            Assert.All(runs, count => Assert.Equal(1, count));
        }
    }

    [Fact]
    public void Matrix_multiply_gives_bit_identical_results_for_any_thread_count()
    {
        const int m = 150, n = 170, k = 200; // 5.1M multiply-adds: above the parallel threshold, with edge tiles
        var random = new Random(5);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, n * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] one = new float[m * n], three = new float[m * n];

        MatrixMultiply.Multiply(a, false, b, true, one, m, n, k, accumulate: false, maxThreads: 1);
        MatrixMultiply.Multiply(a, false, b, true, three, m, n, k, accumulate: false, maxThreads: 3);

        Assert.Equal(one, three);
    }

    [Fact]
    public void Row_vector_ops_add_a_bias_and_sum_rows()
    {
        float[] matrix = [1, 2, 3, 4, 5, 6];
        RowVectorOps.AddToEachRow(matrix, 2, [10, 20, 30]);
        Assert.Equal([11, 22, 33, 14, 25, 36], matrix);

        float[] sums = [100, 100, 100];
        RowVectorOps.SumRows(matrix, 2, sums, accumulate: true);
        Assert.Equal([125, 147, 169], sums);
        RowVectorOps.SumRows(matrix, 2, sums, accumulate: false);
        Assert.Equal([25, 47, 69], sums);
    }

    [Fact]
    public void Softmax_is_stable_for_huge_logits()
    {
        float[] z = [1000f, 1000f, -1000f, 0f, 1f, 2f];
        float[] p = new float[6];
        ActivationKernels.SoftmaxRows(z, p, 2, 3);
        Assert.Equal([0.5f, 0.5f, 0f], p[..3]);
        Assert.Equal(1.0, p[3..].Sum(), 1e-6);
        Assert.True(p[5] > p[4] && p[4] > p[3]);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(1.0, 0.1572992070502851)]
    [InlineData(2.0, 0.004677734981047266)]
    [InlineData(-1.0, 1.842700792949715)]
    public void Erfc_matches_reference_values_to_float_precision(double x, double expected) =>
        Assert.Equal(expected, ActivationKernels.Erfc(x), 2e-7 * Math.Max(1, expected));

    [Fact]
    public void SoftPlus_and_sigmoid_do_not_overflow()
    {
        Assert.Equal(100f, ActivationKernels.SoftPlus(100f));
        Assert.Equal(0f, ActivationKernels.SoftPlus(-200f));
        Assert.Equal(MathF.Log(2f), ActivationKernels.SoftPlus(0f), 6);
        Assert.Equal(1f, ActivationKernels.Sigmoid(200f));
        Assert.Equal(0f, ActivationKernels.Sigmoid(-200f));
    }

    [Fact]
    public void Selu_and_mish_match_reference_values_and_stay_finite_at_the_extremes()
    {
        // PyTorch: torch.nn.functional.selu / mish at these points.
        float[] z = [-100f, -1f, 0f, 0.5f, 100f];
        var selu = new float[z.Length];
        var mish = new float[z.Length];
        ActivationKernels.Selu(z, selu);
        ActivationKernels.Mish(z, mish);

        Assert.Equal([-1.7580993f, -1.1113307f, 0f, 0.52535051f, 105.070099f], selu, (a, b) => Math.Abs(a - b) <= 1e-6f * Math.Max(1, Math.Abs(a)));
        Assert.Equal([-0f, -0.30340147f, 0f, 0.37524524f, 100f], mish, (a, b) => Math.Abs(a - b) <= 1e-6f * Math.Max(1, Math.Abs(a)));
    }

    public static TheoryData<string, bool, bool> OneColumnVariants()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (string path in new[] { nameof(GemmPath.Vector512), nameof(GemmPath.Vector256), nameof(GemmPath.Scalar) })
            foreach (bool transposeA in new[] { false, true })
                foreach (bool accumulate in new[] { false, true })
                    data.Add(path, transposeA, accumulate);
        return data;
    }

    [Theory]
    [MemberData(nameof(OneColumnVariants))]
    public void One_column_products_equal_the_tiled_products_first_column_bit_for_bit(string pathName, bool transposeA, bool accumulate)
    {
        // 37 rows: four groups of eight interleaved chains and five single ones. Each element of C is its own chain of
        // fused multiply-adds, so the matrix–vector route must give exactly what the tiles give for the same column of
        // a wider product.
        var path = Enum.Parse<GemmPath>(pathName);
        const int m = 37, k = 29;
        var random = new Random(7);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] column = Enumerable.Range(0, k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] start = Enumerable.Range(0, m).Select(i => 0.5f * (i % 3)).ToArray();

        float[] c = start.ToArray();
        MatrixMultiply.Multiply(a, transposeA, column, false, c, m, 1, k, accumulate, maxThreads: 1, path);

        // The same column beside a second one (k×2, row-major), through the tiles.
        float[] b2 = Enumerable.Range(0, 2 * k).Select(i => i % 2 == 0 ? column[i / 2] : 1f).ToArray();
        float[] c2 = Enumerable.Range(0, 2 * m).Select(i => i % 2 == 0 ? start[i / 2] : 0f).ToArray();
        MatrixMultiply.Multiply(a, transposeA, b2, false, c2, m, 2, k, accumulate, maxThreads: 1, path);
        Assert.Equal(Enumerable.Range(0, m).Select(i => c2[2 * i]), c);

        // The transposed B (1×k) is the same vector.
        float[] t = start.ToArray();
        MatrixMultiply.Multiply(a, transposeA, column, true, t, m, 1, k, accumulate, maxThreads: 1, path);
        Assert.Equal(c, t);

        for (int i = 0; i < m; i++)
        {
            double expected = accumulate ? start[i] : 0;
            for (int p = 0; p < k; p++)
                expected += (double)(transposeA ? a[p * m + i] : a[i * k + p]) * column[p];
            Assert.Equal(expected, c[i], 1e-5);
        }
    }

    [Fact]
    public void Row_vector_ops_on_one_column_add_in_row_order()
    {
        float[] matrix = [1e8f, 1f, -1e8f, 1f];
        float[] sum = [0f];
        RowVectorOps.SumRows(matrix, 4, sum, accumulate: false);
        Assert.Equal(((1e8f + 1f) + -1e8f) + 1f, sum[0]);
        RowVectorOps.AddToEachRow(matrix, 4, [2f]);
        Assert.Equal([1e8f + 2f, 3f, -1e8f + 2f, 3f], matrix);
    }

    // Mixed signs, zeros of both signs and NaN, over a length that leaves a tail after whole vectors.
    private static float[] PreActivations() =>
        Enumerable.Range(0, 37).Select(i => i % 7 == 0 ? float.NaN : i % 5 == 0 ? (i % 2 == 0 ? 0f : -0f) : (i % 3 - 1) * (0.3f + i)).ToArray();

    [Fact]
    public void ReLU_and_leaky_ReLU_backward_keep_the_gradient_only_where_z_is_positive()
    {
        float[] z = PreActivations();
        float[] incoming = Enumerable.Range(0, z.Length).Select(i => 1f + i).ToArray();

        float[] relu = incoming.ToArray();
        ActivationKernels.ReluBackward(z, relu);
        float[] leaky = incoming.ToArray();
        ActivationKernels.LeakyReluBackward(z, leaky, 0.1f);

        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(z[i] > 0f ? incoming[i] : 0f, relu[i]);
            Assert.Equal(z[i] > 0f ? incoming[i] : incoming[i] * 0.1f, leaky[i]);
        }
    }

    [Fact]
    public void The_vectorised_Adam_update_rounds_exactly_as_the_scalar_formula()
    {
        const int length = 37;
        var random = new Random(8);
        float[] parameters = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] expected = parameters.ToArray();
        float[] m = new float[length], v = new float[length], mRef = new float[length], vRef = new float[length];
        for (int step = 1; step <= 3; step++)
        {
            float[] gradient = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            OptimizerKernels.AdamUpdate(parameters, gradient, m, v, 0.9f, 0.999f, 0.01f, 0.05f, 1e-8f);
            for (int i = 0; i < length; i++)
            {
                float g = gradient[i];
                mRef[i] = 0.9f * mRef[i] + (1f - 0.9f) * g;
                vRef[i] = 0.999f * vRef[i] + (1f - 0.999f) * g * g;
                expected[i] -= 0.01f * mRef[i] / (MathF.Sqrt(vRef[i]) / 0.05f + 1e-8f);
            }
            Assert.Equal(expected, parameters);
            Assert.Equal(mRef, m);
            Assert.Equal(vRef, v);
        }
    }

    [Fact]
    public void The_sum_of_squares_is_a_double_that_float_squares_cannot_overflow()
    {
        float[] values = Enumerable.Range(0, 37).Select(i => (i - 18) * 0.37f).ToArray();
        double expected = values.Sum(x => (double)x * x);
        Assert.Equal(expected, OptimizerKernels.SumOfSquares(values), 1e-12 * expected);

        values[20] = 1e30f; // its square is far beyond float's range
        Assert.Equal((double)1e30f * 1e30f, OptimizerKernels.SumOfSquares(values), 1e48);
    }
}
