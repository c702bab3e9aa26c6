using Backprop;
using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Explaining 10,000 W1 rows with a [128, 64] network: integrated gradients (the engine's explainer, warm, and ML.NET's
/// CalculateFeatureContribution transform, which explains row by row), beside one forward pass over the same rows (the
/// baseline) and ML.NET's permutation feature importance (one permutation of each of the 64 slots). The default ReLU
/// network is integrated exactly, piece by piece; the same shape with GELU units by quadrature at the default steps.
/// µs per row = the time over 10,000.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ExplanationBenchmarks
{
    private const int Rows = 10_000;
    private float[] _scaled = [], _outputs = [], _contributions = [], _baseline = [];
    private MultilayerPerceptron _network = null!;
    private IntegratedGradients _explainer = null!, _quadrature = null!;
    private MLContext _ml = null!;
    private IDataView _data = null!;
    private RegressionPredictionTransformer<BackpropRegressionModelParameters> _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ml = new MLContext(seed: 1);
        var (features, labels) = W1Data.Generate(Rows, seed: 3);
        _data = _ml.Data.Cache(_ml.Data.LoadFromEnumerable(ScoringBenchmarks.W1Row.FromArrays(features, labels)));
        _model = _ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options
        {
            HiddenLayers = [128, 64], BatchSize = 256, NumberOfIterations = 3, EarlyStopping = false, Seed = 1,
        }).Fit(_data);
        var parameters = _model.Model;
        _network = parameters.Network;
        _scaled = [.. features.Select((v, i) => (v - parameters.FeatureMeans![i % W1Data.FeatureCount]) / parameters.FeatureScales![i % W1Data.FeatureCount])];
        _outputs = new float[Rows];
        _contributions = new float[_scaled.Length];
        _baseline = new float[W1Data.FeatureCount];
        _explainer = new IntegratedGradients(_network);
        var gelu = _ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options
        {
            HiddenLayers = [128, 64], Activation = Activation.Gelu, BatchSize = 256, NumberOfIterations = 3, EarlyStopping = false, Seed = 1,
        }).Fit(_data);
        _quadrature = new IntegratedGradients(gelu.Model.Network);
        Console.WriteLine($"// pieces per row on the ReLU network's paths from the baseline: {MeanPieces():F1}");
    }

    /// <summary>How many linear pieces the exact explainer integrates per row, on average.</summary>
    private double MeanPieces()
    {
        var path = new PiecewiseLinearPath(_network.Layout);
        long pieces = 0;
        for (int r = 0; r < Rows; r++)
            pieces += path.Breakpoints(_network.Parameters, _baseline, _scaled.AsSpan(r * W1Data.FeatureCount, W1Data.FeatureCount)).Length - 1;
        return pieces / (double)Rows;
    }

    [Benchmark(Baseline = true)]
    public float ForwardPass10kRows()
    {
        _network.PredictRaw(_scaled, _outputs);
        return _outputs[0];
    }

    [Benchmark]
    public float IntegratedGradients10kRows()
    {
        _explainer.Explain(_scaled, _baseline, 0, _contributions);
        return _contributions[0];
    }

    [Benchmark]
    public float IntegratedGradientsByQuadrature10kRows()
    {
        _quadrature.Explain(_scaled, _baseline, 0, _contributions);
        return _contributions[0];
    }

    [Benchmark]
    public double CalculateFeatureContribution10kRows()
    {
        IDataView explained = _ml.Transforms.CalculateFeatureContribution(_model, 64, 64, normalize: false).Fit(_data).Transform(_data);
        double sum = 0;
        using var cursor = explained.GetRowCursor([explained.Schema["FeatureContributions"]]);
        var getter = cursor.GetGetter<VBuffer<float>>(explained.Schema["FeatureContributions"]);
        VBuffer<float> row = default;
        while (cursor.MoveNext())
        {
            getter(ref row);
            sum += row.GetValues()[0];
        }
        return sum;
    }

    [Benchmark]
    public int PermutationFeatureImportance10kRows()
        => _ml.Regression.PermutationFeatureImportance(_model, _model.Transform(_data), permutationCount: 1).Length;
}
