using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

/// <summary>
/// <see cref="FeatureScaling.Robust"/>: median and inter-quartile range with the fallbacks, smooth clipping of what
/// the network sees, the kind kept through Save/Load in another process, and bad values named. ONNX parity is in the
/// ONNX tests' variants.
/// </summary>
public sealed class RobustScalingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("backprop-robust-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class FourFeatureRow
    {
        [VectorType(4)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    // Feature 0: 0..39 with one huge outlier; 1: a 0/1 indicator; 2: zero but for two values (quartiles coincide);
    // 3: constant.
    private static FourFeatureRow[] Rows() => Enumerable.Range(0, 41).Select(i => new FourFeatureRow
    {
        Features = [i == 40 ? 1e6f : i, i % 4 == 0 ? 1f : 0f, i == 3 ? 10f : i == 5 ? -6f : 0f, 7f],
        Label = i % 7,
    }).ToArray();

    private static BackpropRegressionModelParameters Fit(MLContext ml, FourFeatureRow[] rows) => ml.Regression.Trainers.Backprop(
            new BackpropRegressionTrainer.Options { HiddenLayers = [4], NumberOfIterations = 2, FeatureScaling = FeatureScaling.Robust })
        .Fit(ml.Data.LoadFromEnumerable(rows)).Model;

    [Fact]
    public void Centres_by_the_median_and_scales_by_the_quartiles_with_fallbacks()
    {
        var model = Fit(new MLContext(seed: 1), Rows());

        Assert.Equal(FeatureScaling.Robust, model.FeatureScaling);
        // 0..39 and 1e6: median 20, quartiles 10 and 30 (linear interpolation, as numpy).
        Assert.Equal(20f, model.FeatureMeans![0]);
        Assert.Equal(20f, model.FeatureScales![0]);
        // The indicator keeps the standard two-valued rule: mean 11/41, half its gap.
        Assert.Equal(11f / 41, model.FeatureMeans[1], 6);
        Assert.Equal(0.5f, model.FeatureScales[1]);
        // Quartiles coincide at 0: half the range.
        Assert.Equal(0f, model.FeatureMeans[2]);
        Assert.Equal(8f, model.FeatureScales[2]);
        // A constant passes through centred.
        Assert.Equal(1f, model.FeatureScales[3]);
    }

    [Fact]
    public void The_network_sees_outliers_bent_smoothly_towards_three()
    {
        var model = Fit(new MLContext(seed: 1), Rows());

        float[] Scaled(float x0)
        {
            float[] row = [x0, 0f, 0f, 7f];
            model.Standardization!.Apply(row);
            return row;
        }

        // v = (x − 20) / 20, then v / √(1 + (v/3)²).
        Assert.Equal(0f, Scaled(20f)[0]);
        Assert.Equal(1 / Math.Sqrt(1 + 1 / 9.0), Scaled(40f)[0], 6);
        float outlier = Scaled(1e6f)[0];
        Assert.True(outlier is > 2.99f and <= 3f, $"the outlier reached the network as {outlier}");
        Assert.True(Scaled(-1e6f)[0] is < -2.99f and >= -3f);
    }

    [Fact]
    public void The_scaling_kind_survives_save_and_load_in_a_fresh_context()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var transformer = ml.Regression.Trainers.Backprop(
            new BackpropRegressionTrainer.Options { HiddenLayers = [4], NumberOfIterations = 2, FeatureScaling = FeatureScaling.Robust }).Fit(data);
        string path = Path.Combine(_folder, "robust.zip");
        ml.Model.Save(transformer, data.Schema, path);

        var loaded = new MLContext().Model.Load(path, out _);

        Assert.Equal(FeatureScaling.Robust, TaskSetups.Parameters(loaded).FeatureScaling);
        Assert.Equal(transformer.Transform(data).GetColumn<float>("Score"), loaded.Transform(data).GetColumn<float>("Score"));
    }

    [Fact]
    public void An_unknown_scaling_is_refused_with_the_option_named()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Regression.Trainers.Backprop(
            new BackpropRegressionTrainer.Options { FeatureScaling = (FeatureScaling)7 }));
        Assert.Equal("FeatureScaling", error.ParamName);
    }
}
