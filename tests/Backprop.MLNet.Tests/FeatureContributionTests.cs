using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

/// <summary>
/// ML.NET's own CalculateFeatureContribution on Backprop regression and binary models: integrated gradients from the
/// feature scaling's centre, in the score's units, with ML.NET's top/bottom and normalisation, through Save/Load.
/// </summary>
public sealed class FeatureContributionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("backprop-contributions-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(LabelTask.Regression)]
    [InlineData(LabelTask.Binary)]
    public void Contributions_are_integrated_gradients_that_add_up_to_the_score_minus_the_centres_score(LabelTask task)
    {
        var (ml, data, model, explained, parameters) = Fit(task, top: 1000, bottom: 1000, normalize: false);
        float[][] features = explained.GetColumn<float[]>("Features").ToArray();
        float[][] contributions = explained.GetColumn<float[]>("FeatureContributions").ToArray();
        float[] scores = explained.GetColumn<float>("Score").ToArray();

        // The same explanation straight from the engine, on the inputs as the model scales them.
        int n = parameters.FeatureCount;
        Assert.Equal(FeatureScaling.Standard, parameters.FeatureScaling);
        float[] scaled = [.. features.SelectMany(row => row.Select((v, j) => (v - parameters.FeatureMeans![j]) / parameters.FeatureScales![j]))];
        var expected = new float[scaled.Length];
        new IntegratedGradients(new MlpEnsemble(parameters.Networks)).Explain(scaled, new float[n], 0, expected);

        float[] centre = new float[1];
        if (task == LabelTask.Regression)
            parameters.Network.Predict(new float[n], centre);
        else
            parameters.Network.PredictRaw(new float[n], centre);   // the binary score is the logit
        var sums = new List<(double, double)>();
        for (int r = 0; r < features.Length; r++)
        {
            for (int j = 0; j < n; j++)
                Assert.True(Math.Abs(contributions[r][j] - expected[r * n + j]) <= 1e-5f * (1 + Math.Abs(expected[r * n + j])),
                    $"row {r}, slot {j}: {contributions[r][j]} against {expected[r * n + j]}");
            sums.Add((contributions[r].Sum(c => (double)c), scores[r] - centre[0]));
        }
        Completeness.Holds(sums, "the change in score");
    }

    [Fact]
    public void Top_bottom_and_normalize_are_MLNETs_own()
    {
        var (_, _, _, all, _) = Fit(LabelTask.Binary, top: 1000, bottom: 1000, normalize: false);
        var (_, _, _, some, _) = Fit(LabelTask.Binary, top: 2, bottom: 1, normalize: true);
        float[][] full = all.GetColumn<float[]>("FeatureContributions").ToArray(), chosen = some.GetColumn<float[]>("FeatureContributions").ToArray();
        for (int r = 0; r < full.Length; r++)
        {
            float largest = full[r].Max(Math.Abs);
            var kept = chosen[r].Select((v, j) => (v, j)).Where(p => p.v != 0).ToArray();
            Assert.InRange(kept.Length, 1, 3);
            int[] expectedSlots = [.. full[r].Select((v, j) => (v, j)).Where(p => p.v > 0).OrderByDescending(p => p.v).Take(2).Select(p => p.j)
                .Concat(full[r].Select((v, j) => (v, j)).Where(p => p.v < 0).OrderBy(p => p.v).Take(1).Select(p => p.j))];
            Assert.Equal(expectedSlots.Order(), kept.Select(p => p.j).Order());
            foreach (var (v, j) in kept)
                Assert.Equal(full[r][j] / largest, v, 1e-5f);
        }
    }

    [Theory]
    [InlineData(LabelTask.Regression)]
    [InlineData(LabelTask.Binary)]
    public void A_saved_pipeline_explains_the_same_after_loading_here_and_in_a_fresh_process(LabelTask task)
    {
        var (ml, data, model, explained, _) = Fit(task, top: 5, bottom: 5, normalize: true);
        string path = Path.Combine(_folder, "explained.zip");
        ml.Model.Save(model, data.Schema, path);
        float[][] before = explained.GetColumn<float[]>("FeatureContributions").ToArray();
        Assert.Contains(before, row => row.Any(v => v != 0));

        var loaded = new MLContext().Model.Load(path, out _);
        Assert.Equal(before, loaded.Transform(data).GetColumn<float[]>("FeatureContributions").ToArray());
        Assert.Equal(before, PersistenceTests.ScoreInSeparateProcess(path, TaskSetups.Dataset(task).Path, "FeatureContributions"));
    }

    [Fact]
    public void A_prediction_engine_gives_the_contributions_Transform_gives()
    {
        var (ml, _, model, explained, _) = Fit(LabelTask.Binary, top: 3, bottom: 3, normalize: true);
        float[][] features = explained.GetColumn<float[]>("Features").ToArray();
        float[][] expected = explained.GetColumn<float[]>("FeatureContributions").ToArray();
        // The featurized rows through the trainer and ML.NET's transform alone.
        var tail = new TransformerChain<ITransformer>(model.Skip(model.Count() - 2).ToArray());
        using var engine = ml.Model.CreatePredictionEngine<FeatureRow, ContributionRow>(tail, ml.Data.LoadFromEnumerable([new FeatureRow { Features = features[0] }]).Schema);
        foreach (int r in new[] { 0, 17, 101 })
            Assert.Equal(expected[r], engine.Predict(new FeatureRow { Features = features[r] }).Contributions);
    }

    private sealed class FeatureRow
    {
        [VectorType(30)] public float[] Features { get; set; } = [];
    }

    private sealed class ContributionRow
    {
        [ColumnName("FeatureContributions")] public float[] Contributions { get; set; } = [];
    }

    private static (MLContext Ml, IDataView Data, TransformerChain<ITransformer> Model, IDataView Explained, IBackpropModelParameters Parameters)
        Fit(LabelTask task, int top, int bottom, bool normalize)
    {
        var ml = new MLContext(seed: 1);
        var dataset = TaskSetups.Dataset(task);
        IDataView data = dataset.Load(ml);
        var fitted = (TransformerChain<ITransformer>)TaskSetups.Pipeline(ml, task, o => o.HiddenLayers = [16, 8], iterations: 20).Fit(data);
        ITransformer contributions = task == LabelTask.Regression
            ? ml.Transforms.CalculateFeatureContribution((RegressionPredictionTransformer<BackpropRegressionModelParameters>)fitted.LastTransformer,
                top, bottom, normalize).Fit(fitted.Transform(data))
            : ml.Transforms.CalculateFeatureContribution((BinaryPredictionTransformer<BackpropBinaryModelParameters>)fitted.LastTransformer,
                top, bottom, normalize).Fit(fitted.Transform(data));
        var model = fitted.Append(contributions);
        return (ml, data, model, model.Transform(data), TaskSetups.Parameters(fitted));
    }
}
