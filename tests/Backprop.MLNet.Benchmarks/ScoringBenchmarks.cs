using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Scoring a W1 model through ML.NET: one row through a <c>PredictionEngine</c> (allocations per call from the memory
/// diagnoser), and 20,000 rows through <c>Transform</c> beside FastTree's model on the same data (rows/s = 20,000 over
/// the time).
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private const int Rows = 20_000;
    private IDataView _data = null!;
    private ITransformer _backprop = null!, _fastTree = null!;
    private PredictionEngine<W1Row, W1Score> _engine = null!;
    private W1Row _row = null!;
    private W1Score _score = new();

    [GlobalSetup]
    public void Setup()
    {
        var ml = new MLContext(seed: 1);
        var (features, labels) = W1Data.Generate(Rows, seed: 3);
        var rows = W1Row.FromArrays(features, labels);
        _data = ml.Data.Cache(ml.Data.LoadFromEnumerable(rows));
        _backprop = ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options
        {
            HiddenLayers = [128, 64], BatchSize = 256, NumberOfIterations = 5, EarlyStopping = false, Seed = 1,
        }).Fit(_data);
        _fastTree = ml.Regression.Trainers.FastTree().Fit(_data);
        _engine = ml.Model.CreatePredictionEngine<W1Row, W1Score>(_backprop);
        _row = rows[0];
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    [Benchmark]
    public float BackpropPredictionEngineOneRow()
    {
        _engine.Predict(_row, ref _score);
        return _score.Score;
    }

    [Benchmark]
    public double BackpropTransform20kRows() => Sum(_backprop.Transform(_data));

    [Benchmark(Baseline = true)]
    public double FastTreeTransform20kRows() => Sum(_fastTree.Transform(_data));

    private static double Sum(IDataView scored)
    {
        double sum = 0;
        using var cursor = scored.GetRowCursor([scored.Schema["Score"]]);
        var getter = cursor.GetGetter<float>(scored.Schema["Score"]);
        float value = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            sum += value;
        }
        return sum;
    }

    /// <summary>One W1 row.</summary>
    public sealed class W1Row
    {
        [VectorType(W1Data.FeatureCount)] public float[] Features { get; set; } = [];

        public float Label { get; set; }

        /// <summary>Rows of W1's flat feature array and labels (<see cref="W1Data.Generate"/>).</summary>
        public static W1Row[] FromArrays(float[] features, float[] labels) => [.. Enumerable.Range(0, labels.Length).Select(i => new W1Row
        {
            Features = features.AsSpan(i * W1Data.FeatureCount, W1Data.FeatureCount).ToArray(),
            Label = labels[i],
        })];
    }

    /// <summary>The regression output.</summary>
    public sealed class W1Score
    {
        public float Score { get; set; }
    }
}
