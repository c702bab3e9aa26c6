using Backprop.Kernels;
using BenchmarkDotNet.Attributes;

namespace Backprop.MLNet.Benchmarks;

/// <summary>Which operands the product transposes: the forward pass is NN, the weight gradient TN, the back-propagated delta NT.</summary>
public enum Transposes
{
    /// <summary>C = A·B.</summary>
    NN,

    /// <summary>C = Aᵀ·B.</summary>
    TN,

    /// <summary>C = A·Bᵀ.</summary>
    NT,
}

/// <summary>K1: float32 GEMM, with GFLOP/s (2·M·N·K per call over the median) as a column.</summary>
[Config(typeof(GflopsConfig))]
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    [Params("256x784x256", "1024x1024x1024")]
    public string Shape { get; set; } = "256x784x256";

    [ParamsAllValues]
    public Transposes Transposes { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    private (int M, int K, int N) Dimensions => GflopsColumn.Parse(Shape);

    [GlobalSetup]
    public void Setup()
    {
        var (m, k, n) = Dimensions;
        var random = new Random(1);
        _a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _c = new float[m * n];
    }

    [Benchmark]
    public void Multiply()
    {
        var (m, k, n) = Dimensions;
        MatrixMultiply.Multiply(_a, Transposes == Transposes.TN, _b, Transposes == Transposes.NT, _c, m, n, k, accumulate: false, Threads);
    }
}
