using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

/// <summary>The binary trainer on the Wisconsin breast-cancer data (569 rows, 30 features, 212 malignant).</summary>
public class BinaryTrainerTests
{
    private static readonly TabularDataset Cancer = TabularDataset.BreastCancer;

    private static BackpropBinaryTrainer.Options Quick(int iterations = 30) => QuickOptions.For<BackpropBinaryTrainer.Options>(Cancer.Label, iterations);

    [Fact]
    public void The_issue_pipeline_separates_malignant_from_benign_on_held_out_rows()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(Cancer.Load(ml), 0.25, seed: 1);
        var model = Cancer.Featurizer(ml)
            .Append(ml.BinaryClassification.Trainers.Backprop(labelColumnName: "malignant", hiddenLayers: [32]))
            .Fit(split.TrainSet);

        var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet), labelColumnName: "malignant");

        Assert.True(metrics.AreaUnderRocCurve > 0.98, $"AUC {metrics.AreaUnderRocCurve:F4}");
        Assert.True(metrics.Accuracy > 0.94, $"accuracy {metrics.Accuracy:F4}");
        Assert.True(metrics.LogLoss < 0.2, $"log-loss {metrics.LogLoss:F4}");
    }

    [Fact]
    public void Outputs_are_those_of_a_calibrated_MLNet_binary_trainer()
    {
        var ml = new MLContext(seed: 1);
        var data = Cancer.Load(ml);
        var model = Cancer.Featurizer(ml).Append(ml.BinaryClassification.Trainers.Backprop(Quick())).Fit(data);
        var scored = model.Transform(data);

        Assert.Equal(NumberDataViewType.Single, scored.Schema["Score"].Type);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["Probability"].Type);
        Assert.Equal(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
        float[] scores = scored.GetColumn<float>("Score").ToArray();
        float[] probabilities = scored.GetColumn<float>("Probability").ToArray();
        bool[] predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
        Assert.Contains(scores, s => s < -2);
        Assert.Contains(scores, s => s > 2);
        for (int i = 0; i < scores.Length; i++)
        {
            Assert.True(Math.Abs(1 / (1 + Math.Exp(-scores[i])) - probabilities[i]) < 1e-6, $"row {i}: σ({scores[i]}) ≠ {probabilities[i]}");
            Assert.Equal(scores[i] > 0, predicted[i]);
        }
    }

    [Fact]
    public void The_probability_is_calibrated_on_held_out_folds()
    {
        // Out-of-fold probabilities from 5-fold cross-validation, sorted into 5 bins of equal count: in each bin the
        // mean probability must be within 0.1 of the fraction that is malignant.
        var ml = new MLContext(seed: 1);
        var folds = ml.BinaryClassification.CrossValidate(Cancer.Load(ml),
            Cancer.Featurizer(ml).Append(ml.BinaryClassification.Trainers.Backprop(labelColumnName: Cancer.Label)),
            numberOfFolds: 5, labelColumnName: Cancer.Label, seed: 1);
        var rows = folds.SelectMany(f => f.ScoredHoldOutSet.GetColumn<float>("Probability")
                .Zip(f.ScoredHoldOutSet.GetColumn<bool>(Cancer.Label)))
            .OrderBy(r => r.First).ToArray();
        Assert.Equal(569, rows.Length);

        int binSize = (int)Math.Ceiling(rows.Length / 5.0);
        foreach (var bin in rows.Chunk(binSize))
        {
            double predicted = bin.Average(r => r.First);
            double observed = bin.Average(r => r.Second ? 1.0 : 0.0);
            Assert.True(Math.Abs(predicted - observed) <= 0.1, $"bin mean probability {predicted:F3}, observed rate {observed:F3}");
        }
    }

    [Fact]
    public void A_positive_class_weight_raises_recall()
    {
        var ml = new MLContext(seed: 1);
        var data = Cancer.Load(ml);
        double Recall(float weight)
        {
            var options = Quick(20);
            options.HiddenLayers = [];
            options.PositiveClassWeight = weight;
            var scored = Cancer.Featurizer(ml).Append(ml.BinaryClassification.Trainers.Backprop(options)).Fit(data).Transform(data);
            return ml.BinaryClassification.Evaluate(scored, Cancer.Label).PositiveRecall;
        }

        double balanced = Recall(1f), favoured = Recall(10f);

        Assert.True(favoured > balanced + 0.03, $"recall {favoured:F3} with weight 10 vs {balanced:F3} with 1");
    }

    [Fact]
    public void Warm_start_and_a_validation_set_work_as_for_regression()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(Cancer.Load(ml), 0.25, seed: 3);
        var featurizer = Cancer.Featurizer(ml).Fit(split.TrainSet);
        var train = featurizer.Transform(split.TrainSet);
        var validation = featurizer.Transform(split.TestSet);
        BackpropBinaryTrainer Trainer(int iterations)
        {
            var options = Quick(iterations);
            options.EarlyStopping = false;
            options.ValidationFraction = 0; // train on every row whether or not a validation set is given
            options.WeightAverageDecay = 0f; // a warm start goes on from the model's weights, which would be the average
            return ml.BinaryClassification.Trainers.Backprop(options);
        }

        var first = Trainer(4).Fit(train, validation);
        var continued = Trainer(4).Fit(train, first.Model);
        var straight = Trainer(8).Fit(train, validation);

        Assert.All(first.Model.History.Epochs, e => Assert.NotNull(e.ValidationLoss));
        Assert.Equal(8, continued.Model.History.Epochs.Count);
        Assert.Equal(straight.Transform(validation).GetColumn<float>("Score"), continued.Transform(validation).GetColumn<float>("Score"));
    }

    [Fact]
    public void Early_stopping_can_watch_AUC_and_the_log_says_so()
    {
        var ml = new MLContext(seed: 1);
        var lines = new List<string>();
        ml.Log += (_, e) => { lock (lines) lines.Add(e.Message); };
        var options = Quick(15);
        options.EarlyStoppingMetric = Backprop.ValidationMetric.Auc;
        options.RefitOnAllRows = false; // the held-out run's history, with its metric, is the model's

        var model = Cancer.Featurizer(ml).Append(ml.BinaryClassification.Trainers.Backprop(options)).Fit(Cancer.Load(ml)).LastTransformer.Model;

        Assert.All(model.History.Epochs, e => Assert.InRange(e.ValidationMetric!.Value, 0.5, 1.0));
        Assert.Contains(lines, l => l.Contains("Backprop binary classification:") && l.Contains("BinaryCrossEntropy"));
        Assert.Contains(lines, l => l.Contains("Epoch 1: training loss") && l.Contains("validation metric"));
    }

    [Fact]
    public void Example_weights_of_one_change_nothing()
    {
        var ml = new MLContext(seed: 1);
        var data = Cancer.Load(ml);
        float[] Fit(bool weighted)
        {
            var options = Quick(10);
            options.ExampleWeightColumnName = weighted ? "W" : null;
            IEstimator<ITransformer> pipeline = Cancer.Featurizer(ml);
            if (weighted)
                pipeline = ml.Transforms.Expression("W", "x : 1.0", "mean_radius").Append(pipeline);
            return pipeline.Append(ml.BinaryClassification.Trainers.Backprop(options)).Fit(data).Transform(data).GetColumn<float>("Score").ToArray();
        }

        Assert.Equal(Fit(false), Fit(true));
    }

    [Fact]
    public void CrossValidate_and_both_permutation_feature_importance_overloads_work()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(Cancer.Load(ml));
        var pipeline = Cancer.Featurizer(ml).Append(ml.BinaryClassification.Trainers.Backprop(Quick()));

        var folds = ml.BinaryClassification.CrossValidate(data, pipeline, numberOfFolds: 3, labelColumnName: Cancer.Label, seed: 3);
        Assert.Equal(3, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.AreaUnderRocCurve > 0.95, $"fold AUC {f.Metrics.AreaUnderRocCurve:F3}"));

        var model = pipeline.Fit(data);
        var transformed = model.Transform(data);
        var bySlot = ml.BinaryClassification.PermutationFeatureImportance(model.LastTransformer, transformed, Cancer.Label, permutationCount: 2);
        Assert.Equal(30, bySlot.Length);
        // ML.NET's ITransformer overload for binary models is the "NonCalibrated" one; it takes the transformed data.
        var byName = ml.BinaryClassification.PermutationFeatureImportanceNonCalibrated(model, transformed, Cancer.Label, permutationCount: 2);
        Assert.Equal(30, byName.Count);
        Assert.Contains(byName, kv => kv.Value.AreaUnderRocCurve.Mean < -0.001);
    }

    [Fact]
    public void A_prediction_engine_per_thread_scores_as_Transform_does()
    {
        var ml = new MLContext(seed: 1);
        var featurized = Cancer.Featurizer(ml).Fit(Cancer.Load(ml)).Transform(Cancer.Load(ml));
        var model = ml.BinaryClassification.Trainers.Backprop(Quick(10)).Fit(featurized);
        var scored = model.Transform(featurized);
        float[] expected = scored.GetColumn<float>("Probability").ToArray();
        var rows = featurized.GetColumn<float[]>("Features").Select(f => new FeatureRow { Features = f }).ToArray();

        var probabilities = new float[rows.Length];
        var labels = new bool[rows.Length];
        Parallel.For(0, 4, worker =>
        {
            using var engine = ml.Model.CreatePredictionEngine<FeatureRow, BinaryPrediction>(model);
            for (int i = worker; i < rows.Length; i += 4)
            {
                var prediction = engine.Predict(rows[i]);
                probabilities[i] = prediction.Probability;
                labels[i] = prediction.PredictedLabel;
            }
        });

        Assert.Equal(expected, probabilities);
        Assert.Equal(scored.GetColumn<bool>("PredictedLabel"), labels);
    }

    private sealed class FeatureRow
    {
        [VectorType(30)] public float[] Features { get; set; } = [];
    }

    private sealed class BinaryPrediction
    {
        public bool PredictedLabel { get; set; }

        public float Probability { get; set; }
    }
}
