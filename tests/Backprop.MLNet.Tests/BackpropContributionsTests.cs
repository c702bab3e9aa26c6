using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

/// <summary>
/// CalculateBackpropContributions for every task (multiclass included, one class or all), other baselines, Save/Load,
/// bad settings, and the global importance it gives beside permutation feature importance.
/// </summary>
public sealed class BackpropContributionsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("backprop-explain-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Every_class_of_a_multiclass_model_is_explained_and_its_contributions_add_up_to_its_logit_change()
    {
        var (ml, data, model) = Fit(LabelTask.Multiclass);
        var parameters = TaskSetups.Parameters(model);
        int n = parameters.FeatureCount, k = parameters.Network.OutputCount;
        IDataView scored = model.Transform(data);
        IDataView explained = ml.Transforms.CalculateBackpropContributions(Last(model), ContributionClasses.All).Fit(scored).Transform(scored);

        var column = explained.Schema["FeatureContributions"];
        Assert.Equal(k * n, ((VectorDataViewType)column.Type).Size);
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetSlotNames(ref names);
        Assert.Equal("setosa/petal_length", names.GetItemOrDefault(2).ToString());   // the Score column's class names
        Assert.StartsWith("versicolor/", names.GetItemOrDefault(n).ToString());

        float[][] features = explained.GetColumn<float[]>("Features").ToArray(), contributions = explained.GetColumn<float[]>("FeatureContributions").ToArray();
        var logits = new float[k];
        var centre = new float[k];
        parameters.Network.PredictRaw(new float[n], centre);
        var sums = new List<(double, double)>();
        for (int r = 0; r < features.Length; r++)
        {
            parameters.Network.PredictRaw(Scaled(parameters, features[r]), logits);
            for (int c = 0; c < k; c++)
                sums.Add((contributions[r].AsSpan(c * n, n).ToArray().Sum(v => (double)v), logits[c] - centre[c]));
        }
        Completeness.Holds(sums, "the logit changes");

        // Predicted: the block of the class each row is predicted to be.
        float[][] predicted = ml.Transforms.CalculateBackpropContributions(Last(model)).Fit(scored).Transform(scored)
            .GetColumn<float[]>("FeatureContributions").ToArray();
        float[][] scores = scored.GetColumn<float[]>("Score").ToArray();
        for (int r = 0; r < features.Length; r++)
        {
            int c = Array.IndexOf(scores[r], scores[r].Max());
            Assert.Equal(contributions[r].AsSpan(c * n, n).ToArray(), predicted[r]);
        }
    }

    [Theory]
    [InlineData(LabelTask.Regression)]
    [InlineData(LabelTask.Binary)]
    public void For_one_output_models_it_equals_MLNETs_CalculateFeatureContribution(LabelTask task)
    {
        var (ml, data, model) = Fit(task);
        IDataView scored = model.Transform(data);
        float[][] ours = ml.Transforms.CalculateBackpropContributions(Last(model)).Fit(scored).Transform(scored)
            .GetColumn<float[]>("FeatureContributions").ToArray();
        IEstimator<ITransformer> theirs = task == LabelTask.Regression
            ? ml.Transforms.CalculateFeatureContribution((RegressionPredictionTransformer<BackpropRegressionModelParameters>)model.LastTransformer, 1000, 1000, normalize: false)
            : ml.Transforms.CalculateFeatureContribution((BinaryPredictionTransformer<BackpropBinaryModelParameters>)model.LastTransformer, 1000, 1000, normalize: false);
        Assert.Equal(theirs.Fit(scored).Transform(scored).GetColumn<float[]>("FeatureContributions").ToArray(), ours);
    }

    [Fact]
    public void A_row_explained_against_itself_gets_zero_and_a_given_baseline_changes_the_reference()
    {
        var (ml, data, model) = Fit(LabelTask.Regression);
        IDataView scored = model.Transform(data);
        float[][] features = scored.GetColumn<float[]>("Features").ToArray();
        float[] scores = scored.GetColumn<float>("Score").ToArray();
        float[] baseline = features[7];

        float[][] contributions = ml.Transforms.CalculateBackpropContributions(Last(model), baseline: baseline).Fit(scored).Transform(scored)
            .GetColumn<float[]>("FeatureContributions").ToArray();
        Assert.All(contributions[7], c => Assert.Equal(0f, c));
        Completeness.Holds([.. contributions.Select((c, r) => (c.Sum(v => (double)v), (double)scores[r] - scores[7]))], "the change from row 7's price");
    }

    [Fact]
    public void Saved_with_the_model_it_explains_the_same_after_loading_here_and_in_a_fresh_process()
    {
        var (ml, data, model) = Fit(LabelTask.Multiclass);
        var explain = ml.Transforms.CalculateBackpropContributions(Last(model), ContributionClasses.All, steps: 16, baseline: [5.8f, 3f, 4.3f, 1.3f]);
        var whole = model.Append(explain.Fit(model.Transform(data)));
        float[][] before = whole.Transform(data).GetColumn<float[]>("FeatureContributions").ToArray();
        string path = Path.Combine(_folder, "explained.zip");
        ml.Model.Save(whole, data.Schema, path);

        var loaded = new MLContext().Model.Load(path, out _);
        Assert.Equal(before, loaded.Transform(data).GetColumn<float[]>("FeatureContributions").ToArray());
        Assert.Equal(before, PersistenceTests.ScoreInSeparateProcess(path, TaskSetups.Dataset(LabelTask.Multiclass).Path, "FeatureContributions"));
        var reloaded = Assert.IsType<BackpropContributionsTransformer>(((TransformerChain<ITransformer>)loaded).LastTransformer);
        Assert.Equal((16, ContributionClasses.All), (reloaded.Steps, reloaded.Classes));
        Assert.Equal([5.8f, 3f, 4.3f, 1.3f], reloaded.Baseline!);
    }

    [Fact]
    public void A_prediction_engine_explains_a_row_as_Transform_does()
    {
        var (ml, data, model) = Fit(LabelTask.Multiclass);
        var whole = model.Append(ml.Transforms.CalculateBackpropContributions(Last(model), ContributionClasses.All).Fit(model.Transform(data)));
        float[] expected = whole.Transform(data).GetColumn<float[]>("FeatureContributions").ElementAt(60);
        using var engine = ml.Model.CreatePredictionEngine<IrisRow, ExplainedRow>(whole);
        var row = ml.Data.CreateEnumerable<IrisRow>(data, reuseRowObject: false).ElementAt(60);
        Assert.Equal(expected, engine.Predict(row).Contributions);
    }

    [Fact]
    public void Bad_settings_are_named()
    {
        var (ml, data, model) = Fit(LabelTask.Multiclass);
        var trainer = Last(model);
        Assert.Contains("steps", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.CalculateBackpropContributions(trainer, steps: 0)).Message);
        var length = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.CalculateBackpropContributions(trainer, baseline: [1f, 2f]));
        Assert.Contains("baseline has 2 values but the model has 4 features", length.Message);
        var nan = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.CalculateBackpropContributions(trainer, baseline: [1f, float.NaN, 0f, 0f]));
        Assert.Contains("slot 1", nan.Message);
        var other = ml.Data.LoadFromEnumerable([new ShortRow { Features = [1f, 2f] }]);
        var schema = Assert.ThrowsAny<Exception>(() => ml.Transforms.CalculateBackpropContributions(trainer).Fit(other).Transform(other).Preview());
        Assert.Contains("vector of 4 Single", schema.Message);
    }

    [Fact]
    public void Global_importance_ranks_the_features_as_permutation_importance_does_on_breast_cancer()
    {
        var (ml, data, model) = Fit(LabelTask.Binary, iterations: 40);
        IDataView scored = model.Transform(data);
        var importance = ml.Transforms.CalculateBackpropFeatureImportance(Last(model), scored);
        Assert.Equal(30, importance.Count);
        Assert.True(importance.Zip(importance.Skip(1)).All(p => p.First.MeanAbsoluteContribution >= p.Second.MeanAbsoluteContribution));
        Assert.False(string.IsNullOrEmpty(importance[0].Name));

        var pfi = ml.BinaryClassification.PermutationFeatureImportance((BinaryPredictionTransformer<BackpropBinaryModelParameters>)model.LastTransformer,
            scored, TaskSetups.Dataset(LabelTask.Binary).Label, permutationCount: 3);
        double[] byPermutation = [.. pfi.Select(m => -m.AreaUnderRocCurve.Mean)];
        double[] byContribution = new double[30];
        foreach (var f in importance)
            byContribution[f.Slot] = f.MeanAbsoluteContribution;
        double rho = Spearman(byContribution, byPermutation);
        Assert.True(rho > 0.5, $"Spearman's rank correlation with permutation importance is {rho:F2}");
    }

    private static double Spearman(double[] a, double[] b)
    {
        static double[] Ranks(double[] v)
        {
            var order = v.Select((x, i) => (x, i)).OrderBy(p => p.x).ToArray();
            var ranks = new double[v.Length];
            for (int r = 0; r < order.Length; r++)
                ranks[order[r].i] = r;
            return ranks;
        }
        double[] ra = Ranks(a), rb = Ranks(b);
        double ma = ra.Average(), mb = rb.Average();
        double cov = ra.Zip(rb).Sum(p => (p.First - ma) * (p.Second - mb));
        return cov / Math.Sqrt(ra.Sum(x => (x - ma) * (x - ma)) * rb.Sum(x => (x - mb) * (x - mb)));
    }

    private sealed class IrisRow
    {
        [ColumnName("sepal_length")] public float SepalLength { get; set; }
        [ColumnName("sepal_width")] public float SepalWidth { get; set; }
        [ColumnName("petal_length")] public float PetalLength { get; set; }
        [ColumnName("petal_width")] public float PetalWidth { get; set; }
        [ColumnName("species")] public string Species { get; set; } = "";
    }

    private sealed class ExplainedRow
    {
        [ColumnName("FeatureContributions")] public float[] Contributions { get; set; } = [];
    }

    private sealed class ShortRow
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
    }

    private static float[] Scaled(IBackpropModelParameters parameters, float[] row)
        => [.. row.Select((v, j) => (v - parameters.FeatureMeans![j]) / parameters.FeatureScales![j])];

    private static ISingleFeaturePredictionTransformer<IBackpropModelParameters> Last(TransformerChain<ITransformer> model)
        => (ISingleFeaturePredictionTransformer<IBackpropModelParameters>)model.LastTransformer;

    private static (MLContext Ml, IDataView Data, TransformerChain<ITransformer> Model) Fit(LabelTask task, int iterations = 20)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TaskSetups.Dataset(task).Load(ml);
        var model = (TransformerChain<ITransformer>)TaskSetups.Pipeline(ml, task, o => o.HiddenLayers = [16, 8], iterations).Fit(data);
        return (ml, data, model);
    }
}
