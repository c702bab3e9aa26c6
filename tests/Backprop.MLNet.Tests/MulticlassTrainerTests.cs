using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

/// <summary>The multiclass trainer on Fisher's iris data (150 rows, 3 species) and the 8×8 digits (1,797 rows, 10 classes).</summary>
public class MulticlassTrainerTests
{
    private static readonly TabularDataset Iris = TabularDataset.Iris;

    private static BackpropMulticlassTrainer.Options Quick(int iterations = 30)
    {
        var options = QuickOptions.For<BackpropMulticlassTrainer.Options>(Iris.Label, iterations);
        // 150 rows make two mini-batches an epoch: a larger step than the default lets short runs converge.
        options.LearningRate = 0.01f;
        return options;
    }

    [Fact]
    public void The_issue_pipeline_learns_digits_and_maps_predictions_back_to_labels()
    {
        var ml = new MLContext(seed: 1);
        var digits = TabularDataset.Digits;
        var split = ml.Data.TrainTestSplit(digits.Load(ml), 0.25, seed: 1);
        var model = digits.Featurizer(ml)
            .Append(ml.MulticlassClassification.Trainers.Backprop(labelColumnName: "digit", hiddenLayers: [128, 64]))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel"))
            .Fit(split.TrainSet);
        var scored = model.Transform(split.TestSet);

        var metrics = ml.MulticlassClassification.Evaluate(scored, labelColumnName: "digit");

        Assert.True(metrics.MacroAccuracy > 0.95, $"macro accuracy {metrics.MacroAccuracy:F4}");
        var truth = split.TestSet.GetColumn<string>("digit").ToArray();
        var predicted = scored.GetColumn<string>("PredictedDigit").ToArray();
        int correct = truth.Zip(predicted).Count(p => p.First == p.Second);
        Assert.True(correct > 0.95 * truth.Length, $"{correct} of {truth.Length} right; first: {string.Join(",", truth.Take(5))} → {string.Join(",", predicted.Take(5))}");
    }

    [Fact]
    public void Scores_are_class_probabilities_named_by_the_label_values()
    {
        var ml = new MLContext(seed: 1);
        var data = Iris.Load(ml);
        var scored = Iris.Featurizer(ml).Append(ml.MulticlassClassification.Trainers.Backprop(Quick())).Fit(data).Transform(data);

        var score = scored.Schema["Score"];
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), score.Type);
        VBuffer<ReadOnlyMemory<char>> names = default;
        score.GetSlotNames(ref names);
        Assert.Equal(["setosa", "versicolor", "virginica"], names.DenseValues().Select(n => n.ToString()));
        Assert.Equal(new KeyDataViewType(typeof(uint), 3), scored.Schema["PredictedLabel"].Type);

        var probabilities = scored.GetColumn<float[]>("Score").ToArray();
        var keys = scored.GetColumn<uint>("PredictedLabel").ToArray();
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Equal(1.0, probabilities[i].Sum(), 5);
            Assert.Equal((uint)Array.IndexOf(probabilities[i], probabilities[i].Max()) + 1, keys[i]);
        }
        Assert.True(ml.MulticlassClassification.Evaluate(scored, Iris.Label).MicroAccuracy > 0.9);
    }

    [Fact]
    public void Class_weights_and_label_smoothing_change_what_is_learned()
    {
        var ml = new MLContext(seed: 1);
        var data = Iris.Load(ml);
        float[][] Fit(float[]? classWeights, float smoothing)
        {
            var options = Quick(40);
            options.ClassWeights = classWeights;
            options.LabelSmoothing = smoothing;
            return Iris.Featurizer(ml).Append(ml.MulticlassClassification.Trainers.Backprop(options)).Fit(data)
                .Transform(data).GetColumn<float[]>("Score").ToArray();
        }

        var plain = Fit(null, 0f);
        var virginicaFavoured = Fit([1f, 1f, 20f], 0f);
        var smoothed = Fit(null, 0.3f);

        // Weighting virginica's loss 20× raises the probability the model gives it on average.
        Assert.True(virginicaFavoured.Average(p => p[2]) > plain.Average(p => p[2]) + 0.05,
            $"mean P(virginica) {virginicaFavoured.Average(p => p[2]):F3} vs {plain.Average(p => p[2]):F3}");
        // Smoothing 0.3 over 3 classes caps the optimal probability at 0.8, so confidence falls.
        Assert.True(smoothed.Average(p => p.Max()) < plain.Average(p => p.Max()) - 0.05,
            $"mean top probability {smoothed.Average(p => p.Max()):F3} vs {plain.Average(p => p.Max()):F3}");
    }

    [Fact]
    public void Warm_start_continues_exactly_and_a_validation_set_is_watched()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(Iris.Load(ml), 0.3, samplingKeyColumnName: null, seed: 5);
        var featurizer = Iris.Featurizer(ml).Fit(Iris.Load(ml));
        var train = featurizer.Transform(split.TrainSet);
        var validation = featurizer.Transform(split.TestSet);
        BackpropMulticlassTrainer Trainer(int iterations)
        {
            var options = Quick(iterations);
            options.EarlyStopping = false;
            options.ValidationFraction = 0;
            options.WeightAverageDecay = 0f; // a warm start goes on from the model's weights, which would be the average
            return ml.MulticlassClassification.Trainers.Backprop(options);
        }

        var first = Trainer(5).Fit(train, validation);
        var continued = Trainer(5).Fit(train, first.Model);
        var straight = Trainer(10).Fit(train, validation);

        Assert.All(first.Model.History.Epochs, e => Assert.NotNull(e.ValidationLoss));
        Assert.Equal(10, continued.Model.History.Epochs.Count);
        Assert.Equal(straight.Transform(validation).GetColumn<float[]>("Score"), continued.Transform(validation).GetColumn<float[]>("Score"));
    }

    [Fact]
    public void CrossValidate_and_both_permutation_feature_importance_overloads_work()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(Iris.Load(ml));
        var pipeline = Iris.Featurizer(ml).Append(ml.MulticlassClassification.Trainers.Backprop(Quick(60)));

        var folds = ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 3, labelColumnName: Iris.Label, seed: 3);
        Assert.Equal(3, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.MacroAccuracy > 0.85, $"fold macro accuracy {f.Metrics.MacroAccuracy:F3}"));

        var model = pipeline.Fit(data);
        var transformed = model.Transform(data);
        var bySlot = ml.MulticlassClassification.PermutationFeatureImportance(model.LastTransformer, transformed, Iris.Label, permutationCount: 2);
        Assert.Equal(4, bySlot.Length);
        var byName = ml.MulticlassClassification.PermutationFeatureImportance(model, transformed, Iris.Label, permutationCount: 2);
        Assert.Equal(4, byName.Count);
        // The petals separate the species; the sepals hardly matter.
        var mostImportant = byName.MinBy(kv => kv.Value.MacroAccuracy.Mean).Key;
        Assert.StartsWith("petal", mostImportant);
    }
}
