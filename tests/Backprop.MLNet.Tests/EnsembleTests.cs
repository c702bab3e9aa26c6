using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

/// <summary>
/// <c>NumberOfModels</c> through ML.NET: the model holds every network and scores their averaged raw outputs, a warm
/// start continues each of them, bad values are named, and on real data an ensemble scores at least as well as one
/// network. Saving, loading in another process and ONNX export of ensembles are in the persistence and ONNX tests.
/// </summary>
public class EnsembleTests
{
    [Theory]
    [InlineData(LabelTask.Regression)]
    [InlineData(LabelTask.Binary)]
    [InlineData(LabelTask.Multiclass)]
    public void The_model_scores_the_mean_of_its_networks_raw_outputs(LabelTask task)
    {
        var ml = new MLContext(seed: 1);
        var data = TaskSetups.Dataset(task).Load(ml);
        var model = TaskSetups.Pipeline(ml, task, o => o.NumberOfModels = 3).Fit(data);
        var parameters = TaskSetups.Parameters(model);
        var scored = model.Transform(data);

        Assert.Equal(3, parameters.Networks.Count);
        Assert.NotEqual(parameters.Networks[0].Layers[0].Weights.ToArray(), parameters.Networks[1].Layers[0].Weights.ToArray());
        // Recompute the first rows by hand: standardise, average the raw outputs, apply the output transform (a
        // binary model's Score is the mean logit itself).
        float[][] features = scored.GetColumn<float[]>("Features").Take(5).ToArray();
        float[][] scores = TaskSetups.Scores(scored).Take(5).ToArray();
        for (int r = 0; r < features.Length; r++)
        {
            float[] x = features[r].Select((v, j) => (v - parameters.FeatureMeans![j]) / parameters.FeatureScales![j]).ToArray();
            int outputs = parameters.Network.OutputCount;
            var mean = new float[outputs];
            foreach (var network in parameters.Networks)
            {
                var raw = new float[outputs];
                network.PredictRaw(x, raw);
                for (int o = 0; o < outputs; o++)
                    mean[o] += raw[o];
            }
            for (int o = 0; o < outputs; o++)
                mean[o] *= 1f / 3;
            if (task != LabelTask.Binary)
                parameters.Network.ApplyOutputTransform(mean);
            for (int o = 0; o < outputs; o++)
                Assert.True(Math.Abs(mean[o] - scores[r][o]) <= 1e-5 * Math.Max(1, Math.Abs(mean[o])), $"row {r}, output {o}: {scores[r][o]} vs by hand {mean[o]}");
        }
    }

    [Fact]
    public void Each_network_early_stops_on_its_own_fold_of_the_training_rows()
    {
        var ml = new MLContext(seed: 1);
        var data = TabularDataset.Sacramento.Load(ml);
        var model = TaskSetups.Pipeline(ml, LabelTask.Regression, o => (o.NumberOfModels, o.RefitOnAllRows) = (5, false), iterations: 20).Fit(data);

        var networks = TaskSetups.Parameters(model).Networks;
        // Each member's held-out run is its network (no refit on every row). Different held-out folds give different validation curves from the first epoch on; members share one label scaling.
        var firstValidationLosses = networks.Select(n => n.History.Epochs[0].ValidationLoss).ToArray();
        Assert.Equal(5, firstValidationLosses.Distinct().Count());
        Assert.All(networks, n => Assert.Equal(networks[0].LabelScaling, n.LabelScaling));
    }

    [Fact]
    public void A_warm_start_continues_every_network()
    {
        var ml = new MLContext(seed: 1);
        var dataset = TabularDataset.Sacramento;
        var data = dataset.Load(ml);
        var featurizer = dataset.Featurizer(ml).Fit(data);
        var features = featurizer.Transform(data);
        var options = QuickOptions.For<BackpropRegressionTrainer.Options>(dataset.Label, iterations: 3);
        options.NumberOfModels = 2;
        options.EarlyStopping = false;
        var first = ml.Regression.Trainers.Backprop(options).Fit(features);

        var continued = ml.Regression.Trainers.Backprop(options).Fit(features, first.Model);

        Assert.Equal(2, continued.Model.Networks.Count);
        Assert.All(continued.Model.Networks, n => Assert.Equal(6, n.History.Epochs.Count));

        options.NumberOfModels = 3;
        var error = Assert.Throws<ArgumentException>(() => ml.Regression.Trainers.Backprop(options).Fit(features, first.Model));
        Assert.Contains("NumberOfModels", error.Message);
    }

    [Fact]
    public void CancelExecution_stops_every_network()
    {
        var ml = new MLContext(seed: 1);
        var options = Houses.QuickOptions(1000);
        options.EarlyStopping = false;
        options.NumberOfModels = 3;
        int epochsSeen = 0;
        ml.Log += (_, e) =>
        {
            if (e.Message.Contains(": training loss") && Interlocked.Increment(ref epochsSeen) == 5)
                ml.CancelExecution();
        };

        Assert.ThrowsAny<OperationCanceledException>(() =>
            Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(options)).Fit(Houses.Load(ml)));
        // Each network stops at its next epoch's end: far from 3 × 1000 epochs.
        Assert.InRange(epochsSeen, 5, 5 + 3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void A_number_of_models_below_one_is_refused_with_its_name(int models)
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.Backprop(
            new BackpropRegressionTrainer.Options { NumberOfModels = models }));
        Assert.Equal("NumberOfModels", error.ParamName);
    }

    [Fact]
    public void More_networks_than_training_rows_is_refused_with_the_option_named()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 6).Select(i => new Row { Features = [i, i * i], Label = i }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var error = Assert.Throws<ArgumentException>(() => ml.Regression.Trainers.Backprop(
            new BackpropRegressionTrainer.Options { NumberOfModels = 8, HiddenLayers = [2], NumberOfIterations = 2 }).Fit(data));
        Assert.Contains("NumberOfModels", error.Message);
    }

    [Fact]
    public void On_real_data_an_ensemble_of_five_scores_at_least_as_well_as_one_network()
    {
        // Breast cancer (569 rows, 30 features), 5-fold cross-validated: averaging cancels part of each network's
        // variance, so log-loss falls.
        var ml = new MLContext(seed: 1);
        var dataset = TabularDataset.BreastCancer;
        var data = dataset.Load(ml);
        double LogLoss(int models) => ml.BinaryClassification.CrossValidate(data,
                TaskSetups.Pipeline(ml, LabelTask.Binary, o => { o.NumberOfModels = models; o.HiddenLayers = [32]; }, iterations: 60),
                numberOfFolds: 5, labelColumnName: dataset.Label, seed: 1)
            .Average(f => f.Metrics.LogLoss);

        double single = LogLoss(1), ensemble = LogLoss(5);

        Assert.True(ensemble <= single, $"log-loss: one network {single:F4}, five {ensemble:F4}");
    }

    private sealed class Row
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
