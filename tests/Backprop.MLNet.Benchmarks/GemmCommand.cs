using System.Diagnostics;
using System.Globalization;
using Backprop.Kernels;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// K1 as a peer script measures it: each shape, transpose variant and thread count timed over the same number of calls
/// in interleaved rounds (so a slow moment of the machine hits every case alike), one line per case:
/// <c>RESULT shape=… transposes=… threads=… gflops=…</c>, the median round's GFLOP/s (2·M·N·K per call), and the
/// bytes a call allocated (on any thread).
/// </summary>
internal static class GemmCommand
{
    public sealed record Settings(string[] Shapes, Transposes[] Variants, int[] Threads, int Rounds, double SecondsPerCase);

    public static int Run(Settings settings, TextWriter output)
    {
        if (settings.Rounds < 1)
            throw new ArgumentException($"--rounds must be 1 or more, not {settings.Rounds}.");
        var cases = (from shape in settings.Shapes
                     from variant in settings.Variants
                     from threads in settings.Threads
                     select new Case(shape, variant, threads)).ToList();
        foreach (var c in cases)
            c.Calibrate(settings.SecondsPerCase);
        for (int round = 0; round < settings.Rounds; round++)
            foreach (var c in cases)
                c.Time();
        foreach (var c in cases)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT shape={c.Shape} transposes={c.Variant} threads={c.Threads} gflops={c.MedianGflops:F1} " +
                $"rounds={string.Join(",", c.Gflops.Select(g => g.ToString("F1", CultureInfo.InvariantCulture)))} bytes_per_call={c.BytesPerCall}"));
        return 0;
    }

    private sealed class Case(string shape, Transposes variant, int threads)
    {
        private readonly (int M, int K, int N) _dimensions = GflopsColumn.Parse(shape);
        private float[] _a = [], _b = [], _c = [];
        private int _calls = 1;

        public string Shape => shape;

        public Transposes Variant => variant;

        public int Threads => threads;

        public List<double> Gflops { get; } = [];

        public long BytesPerCall { get; private set; }

        public double MedianGflops => Gflops.Order().ElementAt(Gflops.Count / 2);

        /// <summary>Fills the operands, warms up, and picks the calls per round that take about <paramref name="seconds"/>.</summary>
        public void Calibrate(double seconds)
        {
            var (m, k, n) = _dimensions;
            var random = new Random(1);
            _a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            _b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            _c = new float[m * n];
            var clock = Stopwatch.StartNew();
            int calls = 0;
            while (calls < 3 || clock.Elapsed.TotalSeconds < 0.2)
            {
                Multiply();
                calls++;
            }
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 10; i++)
                Multiply();
            BytesPerCall = (GC.GetTotalAllocatedBytes(precise: true) - before) / 10;
            _calls = Math.Max(1, (int)(seconds * calls / clock.Elapsed.TotalSeconds));
        }

        public void Time()
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < _calls; i++)
                Multiply();
            var (m, k, n) = _dimensions;
            Gflops.Add(2.0 * m * n * k * _calls / clock.Elapsed.TotalSeconds / 1e9);
        }

        private void Multiply()
        {
            var (m, k, n) = _dimensions;
            MatrixMultiply.Multiply(_a, variant == Transposes.TN, _b, variant == Transposes.NT, _c, m, n, k, accumulate: false, threads);
        }
    }
}
