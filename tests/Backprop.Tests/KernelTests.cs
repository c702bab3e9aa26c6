using Backprop.Kernels;

namespace Backprop.Tests;

public class KernelTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Matrix_multiply_matches_a_float64_product_in_every_transpose_variant(bool transposeA, bool transposeB)
    {
        const int m = 13, n = 17, k = 29;
        var random = new Random(3);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] c = Enumerable.Range(0, m * n).Select(_ => 1f).ToArray();

        MatrixMultiply.Multiply(a, transposeA, b, transposeB, c, m, n, k, accumulate: true, maxThreads: 1);

        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double expected = 1;
                for (int p = 0; p < k; p++)
                    expected += (double)(transposeA ? a[p * m + i] : a[i * k + p]) * (transposeB ? b[j * k + p] : b[p * n + j]);
                Assert.Equal(expected, c[i * n + j], 1e-5);
            }
    }

    [Fact]
    public void Matrix_multiply_gives_bit_identical_results_for_any_thread_count()
    {
        const int m = 96, n = 80, k = 200; // above the parallel threshold
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
}
