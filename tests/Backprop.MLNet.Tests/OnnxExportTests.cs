using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace Backprop.MLNet.Tests;

/// <summary>
/// Exports whole pipelines (featurizers + Backprop, for each task) with ML.NET's <c>ConvertToOnnx</c>, scores the file
/// with ONNX Runtime through <c>ApplyOnnxModel</c> and compares every output with ML.NET's own, row by row.
/// </summary>
public sealed class OnnxExportTests(ITestOutputHelper output) : IDisposable
{
    // Dollar prices reach 10^6, so the bound is relative (absolute below 1): float rounding of the label unscaling
    // alone is ~1e-7 of the value. A network computes in standardised units, so its rounding is relative to the
    // scores' spread; a price near zero on a scale of 10^5 is held to that scale, not to its own size.
    private const double Tolerance = 1e-5;

    private readonly string _folder = Directory.CreateTempSubdirectory("backprop-onnx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<Backprop.Activation, LossFunction, FeatureScaling, bool> Variants => new()
    {
        { Backprop.Activation.ReLU, LossFunction.SquaredError, FeatureScaling.Standard, true },
        { Backprop.Activation.Tanh, LossFunction.SquaredError, FeatureScaling.None, true },
        { Backprop.Activation.Sigmoid, LossFunction.Huber(), FeatureScaling.Standard, false },
        { Backprop.Activation.SoftPlus, LossFunction.AbsoluteError, FeatureScaling.Robust, true },
        { Backprop.Activation.LeakyReLU(0.05f), LossFunction.SquaredError, FeatureScaling.Robust, true },
        { Backprop.Activation.Gelu, LossFunction.SquaredError, FeatureScaling.None, false },
        { Backprop.Activation.ReLU, LossFunction.Poisson, FeatureScaling.Standard, false },
        { Backprop.Activation.Selu, LossFunction.SquaredError, FeatureScaling.Robust, true },
        { Backprop.Activation.Mish, LossFunction.SquaredError, FeatureScaling.Standard, true },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_exported_pipeline_scores_as_MLNet_does(Backprop.Activation activation, LossFunction loss,
        FeatureScaling scaling, bool standardizeLabel)
    {
        var ml = new MLContext(seed: 1);
        var data = Houses.Load(ml);
        var options = Houses.QuickOptions(5);
        options.HiddenLayers = [12, 6];
        options.Activation = activation;
        options.Loss = loss;
        options.FeatureScaling = scaling;
        options.StandardizeLabel = standardizeLabel;
        if (loss == LossFunction.Poisson)
        {
            // Log link: keep the first steps from overflowing exp() on million-dollar labels.
            options.LearningRate = 1e-4f;
        }
        var model = Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(options)).Fit(data);

        float[] expected = Houses.Scores(model.Transform(data));
        float[] actual = ScoreThroughOnnx(ml, model, data).GetColumn<float[]>("Score").Select(s => s.Single()).ToArray();

        Assert.All(expected, e => Assert.True(float.IsFinite(e) && e > 0, $"ML.NET scored {e}"));
        AssertClose(expected, actual);
    }

    [Fact]
    public void An_exported_binary_classifier_writes_all_three_outputs_as_MLNet_does()
    {
        var ml = new MLContext(seed: 1);
        var cancer = TabularDataset.BreastCancer;
        var data = cancer.Load(ml);
        var options = new BackpropBinaryTrainer.Options { LabelColumnName = cancer.Label, HiddenLayers = [16, 8], NumberOfIterations = 10, Seed = 3 };
        var model = cancer.Featurizer(ml).Append(ml.BinaryClassification.Trainers.Backprop(options)).Fit(data);
        var expected = model.Transform(data);

        var actual = ScoreThroughOnnx(ml, model, data);

        AssertClose(expected.GetColumn<float>("Score").ToArray(), actual.GetColumn<float[]>("Score").Select(s => s.Single()).ToArray());
        AssertClose(expected.GetColumn<float>("Probability").ToArray(), actual.GetColumn<float[]>("Probability").Select(s => s.Single()).ToArray());
        Assert.Equal(expected.GetColumn<bool>("PredictedLabel"), actual.GetColumn<bool[]>("PredictedLabel").Select(s => s.Single()));
    }

    [Fact]
    public void An_exported_multiclass_classifier_scores_and_predicts_as_MLNet_does()
    {
        var ml = new MLContext(seed: 1);
        var digits = TabularDataset.Digits;
        var data = digits.Load(ml);
        var options = new BackpropMulticlassTrainer.Options { LabelColumnName = digits.Label, HiddenLayers = [32], NumberOfIterations = 5, Seed = 3 };
        var model = digits.Featurizer(ml).Append(ml.MulticlassClassification.Trainers.Backprop(options)).Fit(data);
        var expected = model.Transform(data);

        var actual = ScoreThroughOnnx(ml, model, data);

        AssertClose(expected.GetColumn<float[]>("Score").SelectMany(s => s).ToArray(), actual.GetColumn<float[]>("Score").SelectMany(s => s).ToArray());
        Assert.Equal(expected.GetColumn<uint>("PredictedLabel"), actual.GetColumn<uint[]>("PredictedLabel").Select(s => s.Single()));
    }

    [Theory]
    [InlineData(LabelTask.Regression)]
    [InlineData(LabelTask.Binary)]
    [InlineData(LabelTask.Multiclass)]
    public void An_exported_ensemble_averages_its_networks_as_MLNet_does(LabelTask task)
    {
        var ml = new MLContext(seed: 1);
        var data = TaskSetups.Dataset(task).Load(ml);
        var model = TaskSetups.Pipeline(ml, task, o => o.NumberOfModels = 3).Fit(data);
        var expected = model.Transform(data);

        var actual = ScoreThroughOnnx(ml, model, data);

        float[] expectedScores = TaskSetups.Scores(expected).SelectMany(s => s).ToArray();
        AssertClose(expectedScores, actual.GetColumn<float[]>("Score").SelectMany(s => s).ToArray());
        if (task == LabelTask.Binary)
            AssertClose(expected.GetColumn<float>("Probability").ToArray(), actual.GetColumn<float[]>("Probability").Select(s => s.Single()).ToArray());
    }

    [Theory]
    [InlineData(LabelTask.Regression)]
    [InlineData(LabelTask.Binary)]
    [InlineData(LabelTask.Multiclass)]
    public void An_exported_periodic_embedding_scores_as_MLNet_does(LabelTask task)
    {
        var ml = new MLContext(seed: 1);
        var data = TaskSetups.Dataset(task).Load(ml);
        var model = TaskSetups.Pipeline(ml, task, o => o.NumericEmbedding = new PeriodicEmbedding { FrequencyScale = 0.5f }).Fit(data);
        Assert.NotNull(TaskSetups.Parameters(model).Network.Embedding);
        var expected = model.Transform(data);

        var actual = ScoreThroughOnnx(ml, model, data);

        AssertClose(TaskSetups.Scores(expected).SelectMany(s => s).ToArray(), actual.GetColumn<float[]>("Score").SelectMany(s => s).ToArray());
    }

    [Theory]
    [InlineData(LabelTask.Regression, HiddenNormalization.None)]
    [InlineData(LabelTask.Multiclass, HiddenNormalization.None)]
    [InlineData(LabelTask.Regression, HiddenNormalization.Layer)]
    [InlineData(LabelTask.Binary, HiddenNormalization.Layer)]
    [InlineData(LabelTask.Regression, HiddenNormalization.Batch)]
    [InlineData(LabelTask.Multiclass, HiddenNormalization.Batch)]
    public void Exported_residual_connections_and_normalisation_score_as_MLNet_does(LabelTask task, HiddenNormalization normalization)
    {
        // Three hidden layers: the second adds its input as it is, the third through a projection.
        var ml = new MLContext(seed: 1);
        var data = TaskSetups.Dataset(task).Load(ml);
        var model = TaskSetups.Pipeline(ml, task, o => { o.HiddenLayers = [12, 12, 6]; o.Residual = true; o.Normalization = normalization; }).Fit(data);
        var layers = TaskSetups.Parameters(model).Network.Layers;
        Assert.True(layers[1].Residual && layers[1].Projection.IsEmpty && layers[2].Residual && !layers[2].Projection.IsEmpty);
        Assert.Equal(normalization, layers[0].Normalization);
        Assert.Equal(normalization == HiddenNormalization.Batch, !layers[0].RunningVariance.IsEmpty);
        var expected = model.Transform(data);

        var actual = ScoreThroughOnnx(ml, model, data);

        AssertClose(TaskSetups.Scores(expected).SelectMany(s => s).ToArray(), actual.GetColumn<float[]>("Score").SelectMany(s => s).ToArray());
    }

    private void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double mean = expected.Average(e => (double)e);
        double spread = Math.Sqrt(expected.Average(e => (e - mean) * (e - mean)));
        double Scale(float e) => Math.Max(Math.Max(1, spread), Math.Abs(e));
        output.WriteLine($"largest relative difference: {expected.Zip(actual, (e, a) => Math.Abs(e - a) / Scale(e)).Max():E2} (scores' spread {spread:G3})");
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = Tolerance * Scale(expected[i]);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= bound, $"Value {i}: ML.NET {expected[i]}, ONNX Runtime {actual[i]} (bound {bound})");
        }
    }

    private IDataView ScoreThroughOnnx(MLContext ml, ITransformer model, IDataView data)
    {
        string path = Path.Combine(_folder, $"model-{Guid.NewGuid():N}.onnx");
        using (var file = File.Create(path))
            ml.Model.ConvertToOnnx(model, data, file);

        // The graph's outputs carry the pipeline's column names (each value a 1-vector) and hide the inputs.
        return ml.Transforms.ApplyOnnxModel(path).Fit(data).Transform(data);
    }
}
