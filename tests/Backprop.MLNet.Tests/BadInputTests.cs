using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

/// <summary>Every refusal names the column, option or file and says how to fix it.</summary>
public class BadInputTests
{
    private sealed class Row
    {
        [VectorType(3)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class DoubleLabelRow
    {
        [VectorType(3)] public float[] Features { get; set; } = [];
        public double Label { get; set; }
    }

    private sealed class ScalarFeatureRow
    {
        public float Features { get; set; }
        public float Label { get; set; }
    }

    private static Row[] Rows(int count, Func<int, float[]>? features = null, Func<int, float>? label = null) =>
        Enumerable.Range(0, count).Select(i => new Row
        {
            Features = features?.Invoke(i) ?? [i % 7, i % 5 - 2f, (i % 3) * 0.5f],
            Label = label?.Invoke(i) ?? i % 7 + 0.5f * (i % 5),
        }).ToArray();

    // An estimator chain checks the schema (IEstimator.GetOutputSchema) before fitting anything.
    private static IEstimator<ITransformer> ThroughPipeline(MLContext ml, IEstimator<ITransformer> trainer) =>
        ml.Transforms.CopyColumns("Copy", "Features").Append(trainer);

    private static BackpropRegressionTrainer Trainer(MLContext ml) =>
        ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options { HiddenLayers = [4], NumberOfIterations = 3, Seed = 1 });

    [Fact]
    public void Missing_values_in_the_features_are_counted_and_the_fix_is_named()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(50, i => i % 10 == 3 ? [1f, float.NaN, 2f] : [1f, i, 2f]));

        var error = Assert.Throws<InvalidOperationException>(() => Trainer(ml).Fit(data));

        Assert.Contains("'Features'", error.Message);
        Assert.Contains("5 of 50 rows", error.Message);
        Assert.Contains("first: row 3, slot 1", error.Message);
        Assert.Contains("ReplaceMissingValues", error.Message);
        Assert.Contains("FilterRowsByMissingValues", error.Message);
    }

    [Fact]
    public void Missing_labels_are_counted_and_the_fix_is_named()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(40, label: i => i >= 38 ? float.PositiveInfinity : i));

        var error = Assert.Throws<InvalidOperationException>(() => Trainer(ml).Fit(data));

        Assert.Contains("label column 'Label'", error.Message);
        Assert.Contains("2 of 40 rows", error.Message);
        Assert.Contains("FilterRowsByMissingValues(data, \"Label\")", error.Message);
    }

    [Fact]
    public void Empty_training_data_is_refused()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.FilterRowsByColumn(ml.Data.LoadFromEnumerable(Rows(20)), "Label", lowerBound: 1000);

        var error = Assert.Throws<InvalidOperationException>(() => Trainer(ml).Fit(data));

        Assert.Contains("training data has no rows", error.Message);
    }

    [Fact]
    public void A_double_label_is_refused_with_the_conversion_to_use()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new DoubleLabelRow { Features = [i, 1, 2], Label = i }));

        var fit = Assert.ThrowsAny<Exception>(() => Trainer(ml).Fit(data));
        var schema = Assert.ThrowsAny<Exception>(() => ThroughPipeline(ml, Trainer(ml)).Fit(data));

        foreach (var error in new[] { fit, schema })
        {
            Assert.Contains("label column 'Label' holds Double", error.Message);
            Assert.Contains("ConvertType(\"Label\", outputKind: DataKind.Single)", error.Message);
        }
    }

    [Fact]
    public void A_scalar_feature_column_is_refused_with_how_to_build_a_vector()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new ScalarFeatureRow { Features = i, Label = i }));

        var error = Assert.ThrowsAny<Exception>(() => Trainer(ml).Fit(data));

        Assert.Contains("feature column 'Features' is Single", error.Message);
        Assert.Contains("Concatenate(\"Features\"", error.Message);
    }

    [Theory]
    [InlineData("label", "Price")]
    [InlineData("feature", "AllFeatures")]
    [InlineData("example weight", "Weight")]
    public void A_missing_column_is_named_with_the_columns_there_are(string role, string name)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(20));
        var options = new BackpropRegressionTrainer.Options { NumberOfIterations = 2 };
        switch (role)
        {
            case "label": options.LabelColumnName = name; break;
            case "feature": options.FeatureColumnName = name; break;
            default: options.ExampleWeightColumnName = name; break;
        }
        var trainer = ml.Regression.Trainers.Backprop(options);

        foreach (var error in new Exception[]
                 {
                     Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(data)),
                     Assert.ThrowsAny<ArgumentException>(() => ThroughPipeline(ml, trainer).Fit(data)),
                 })
        {
            Assert.Contains($"{role} column '{name}' is not in the data", error.Message);
            Assert.Contains("'Features', 'Label'", error.Message);
        }
    }

    [Fact]
    public void Validation_data_with_another_feature_size_is_refused()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Rows(30));
        var validation = ml.Transforms.Concatenate("Features", "Features", "Label").Fit(train).Transform(train);

        var error = Assert.Throws<InvalidOperationException>(() => Trainer(ml).Fit(train, validation));

        Assert.Contains("validation data's feature column 'Features' is Vector<Single, 4>", error.Message);
        Assert.Contains("Vector<Single, 3>", error.Message);
    }

    [Fact]
    public void Scoring_data_with_another_feature_size_is_refused_naming_both_sizes()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Rows(30));
        var model = Trainer(ml).Fit(train);
        var wider = ml.Transforms.Concatenate("Features", "Features", "Label").Fit(train).Transform(train);

        // ML.NET's prediction transformer makes this check, with its own message.
        var error = Assert.ThrowsAny<Exception>(() => model.Transform(wider));

        Assert.Contains("Vector<Single, 4>", error.Message);
        Assert.Contains("Vector<Single, 3>", error.Message);
    }

    [Fact]
    public void Negative_example_weights_are_refused()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Transforms.Expression("W", "x : x > 5 ? -1.0 : 1.0", "Label").Fit(ml.Data.LoadFromEnumerable(Rows(30)))
            .Transform(ml.Data.LoadFromEnumerable(Rows(30)));
        var trainer = ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options { ExampleWeightColumnName = "W", NumberOfIterations = 2 });

        var error = Assert.Throws<InvalidOperationException>(() => trainer.Fit(data));

        Assert.Contains("example weight column 'W'", error.Message);
        Assert.Contains("must be finite and 0 or more", error.Message);
    }

    [Fact]
    public void Warm_start_from_a_model_with_another_feature_size_is_refused()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Rows(30));
        var model = Trainer(ml).Fit(train).Model;
        var wider = ml.Transforms.Concatenate("Features", "Features", "Label").Fit(train).Transform(train);

        var error = Assert.Throws<InvalidOperationException>(() => Trainer(ml).Fit(wider, model));

        Assert.Contains("trained on 3 features", error.Message);
        Assert.Contains("has 4", error.Message);
    }

    [Fact]
    public void Options_out_of_range_are_refused_when_the_trainer_is_made()
    {
        var ml = new MLContext(seed: 1);

        var epochs = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options { NumberOfIterations = 0 }));
        var rate = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options { LearningRate = -1 }));
        var layers = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options { HiddenLayers = [16, 0] }));
        var loss = Assert.Throws<ArgumentException>(() =>
            ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options { Loss = Backprop.LossFunction.BinaryCrossEntropy() }));
        var average = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options { WeightAverageDecay = 1f }));

        Assert.Equal("NumberOfIterations", epochs.ParamName);
        Assert.Equal("LearningRate", rate.ParamName);
        Assert.Contains("HiddenLayers[1] is 0", layers.Message);
        Assert.Contains("is for classification", loss.Message);
        Assert.Equal("WeightAverageDecay", average.ParamName);
    }

    [Fact]
    public void A_diverging_run_fails_instead_of_returning_a_NaN_model()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(64));
        var trainer = ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options
        {
            Optimizer = new Backprop.SgdOptimizer(momentum: 0.99f), LearningRate = 1e4f, NumberOfIterations = 50, EarlyStopping = false, Seed = 1,
        });

        Assert.Throws<Backprop.TrainingDivergedException>(() => trainer.Fit(data));
    }
}
