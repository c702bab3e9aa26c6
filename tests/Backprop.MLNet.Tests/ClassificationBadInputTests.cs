using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

/// <summary>The classifiers' refusals: each names the column or option and says how to fix it.</summary>
public class ClassificationBadInputTests
{
    private sealed class Row<TLabel>
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public TLabel Label { get; set; } = default!;
    }

    private static IDataView Data<TLabel>(MLContext ml, int count, Func<int, TLabel> label) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => new Row<TLabel>
        {
            Features = [i % 7, (i % 5) - 2f],
            Label = label(i),
        }));

    private static BackpropBinaryTrainer BinaryTrainer(MLContext ml, Action<BackpropBinaryTrainer.Options>? configure = null)
    {
        var options = new BackpropBinaryTrainer.Options { HiddenLayers = [4], NumberOfIterations = 3, Seed = 1 };
        configure?.Invoke(options);
        return ml.BinaryClassification.Trainers.Backprop(options);
    }

    private static BackpropMulticlassTrainer MulticlassTrainer(MLContext ml, Action<BackpropMulticlassTrainer.Options>? configure = null)
    {
        var options = new BackpropMulticlassTrainer.Options { HiddenLayers = [4], NumberOfIterations = 3, Seed = 1 };
        configure?.Invoke(options);
        return ml.MulticlassClassification.Trainers.Backprop(options);
    }

    // Species names mapped to keys by a MapValueToKey fitted on all three, as a user's pipeline would.
    private static (IDataView Data, ITransformer ToKey) Species(MLContext ml, int count, Func<int, string> species)
    {
        var all = Data(ml, 3, i => new[] { "setosa", "versicolor", "virginica" }[i]);
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label").Fit(all);
        return (toKey.Transform(Data(ml, count, species)), toKey);
    }

    [Theory]
    [InlineData(typeof(float))]
    [InlineData(typeof(string))]
    public void A_binary_label_that_is_not_Boolean_is_refused_with_the_conversion_to_use(Type labelType)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = labelType == typeof(float) ? Data(ml, 20, i => (float)(i % 2)) : Data(ml, 20, i => i % 2 == 0 ? "yes" : "no");

        var error = Assert.ThrowsAny<Exception>(() => BinaryTrainer(ml).Fit(data));

        Assert.Contains("'Label'", error.Message);
        Assert.Contains("Boolean", error.Message);
        Assert.Contains("ConvertType", error.Message);
    }

    [Theory]
    [InlineData(typeof(float))]
    [InlineData(typeof(string))]
    public void A_multiclass_label_that_is_not_a_key_is_refused_naming_MapValueToKey(Type labelType)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = labelType == typeof(float) ? Data(ml, 20, i => (float)(i % 3)) : Data(ml, 20, i => $"class{i % 3}");

        var error = Assert.ThrowsAny<Exception>(() => MulticlassTrainer(ml).Fit(data));
        var throughPipeline = Assert.ThrowsAny<Exception>(() => ml.Transforms.CopyColumns("Copy", "Features").Append(MulticlassTrainer(ml)).Fit(data));

        Assert.Contains("'Label'", error.Message);
        Assert.Contains("MapValueToKey(\"Label\")", error.Message);
        Assert.Contains("MapValueToKey", throughPipeline.Message);
    }

    [Fact]
    public void A_binary_training_set_of_one_class_is_refused()
    {
        var ml = new MLContext(seed: 1);

        var error = Assert.ThrowsAny<Exception>(() => BinaryTrainer(ml).Fit(Data(ml, 30, _ => false)));

        Assert.Contains("'Label' = False", error.Message);
        Assert.Contains("both classes", error.Message);
    }

    [Fact]
    public void A_multiclass_training_set_of_one_class_is_refused_naming_the_class()
    {
        var ml = new MLContext(seed: 1);
        var (data, _) = Species(ml, 30, _ => "versicolor");

        var error = Assert.ThrowsAny<Exception>(() => MulticlassTrainer(ml).Fit(data));

        Assert.Contains("'Label' = 'versicolor'", error.Message);
        Assert.Contains("at least two classes", error.Message);
    }

    [Fact]
    public void A_validation_class_the_training_set_lacks_is_refused_naming_the_class()
    {
        var ml = new MLContext(seed: 1);
        var (train, toKey) = Species(ml, 30, i => i % 2 == 0 ? "setosa" : "versicolor");
        var validation = toKey.Transform(Data(ml, 9, i => new[] { "setosa", "versicolor", "virginica" }[i % 3]));

        var error = Assert.ThrowsAny<Exception>(() => MulticlassTrainer(ml).Fit(train, validation));

        Assert.Contains("class 'virginica'", error.Message);
        Assert.Contains("training data lacks", error.Message);
    }

    [Fact]
    public void Missing_class_keys_are_counted_and_the_fix_is_named()
    {
        var ml = new MLContext(seed: 1);
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Data(ml, 2, i => i == 0 ? "a" : "b"));
        // "c" was not seen when the keys were made, so it maps to key 0: missing.
        var data = toKey.Transform(Data(ml, 30, i => i % 10 == 4 ? "c" : i % 2 == 0 ? "a" : "b"));

        var error = Assert.ThrowsAny<Exception>(() => MulticlassTrainer(ml).Fit(data));

        Assert.Contains("'Label'", error.Message);
        Assert.Contains("missing keys", error.Message);
        Assert.Contains("3 of 30 rows", error.Message);
        Assert.Contains("MapValueToKey", error.Message);
        Assert.Contains("FilterRowsByMissingValues", error.Message);
    }

    [Fact]
    public void Scoring_data_whose_label_has_more_keys_than_the_model_has_classes_is_refused()
    {
        var ml = new MLContext(seed: 1);
        var (train, toKey) = Species(ml, 30, i => new[] { "setosa", "versicolor", "virginica" }[i % 3]);
        var model = MulticlassTrainer(ml).Fit(train);
        // The same species and a fourth, mapped by another MapValueToKey: the label has 4 keys, the model 3 classes,
        // and ML.NET's evaluator would score it without a word.
        var fourKeys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Data(ml, 4, i => new[] { "setosa", "versicolor", "virginica", "other" }[i]));
        var scoring = fourKeys.Transform(Data(ml, 12, i => new[] { "setosa", "versicolor", "virginica", "other" }[i % 4]));

        var error = Assert.ThrowsAny<Exception>(() => ml.MulticlassClassification.Evaluate(model.Transform(scoring)));

        Assert.Contains("'Label'", error.Message);
        Assert.Contains("key of 4 values", error.Message);
        Assert.Contains("trained on 3 classes", error.Message);
        Assert.Contains("MapValueToKey", error.Message);
        // Data mapped by the training keys, or without the label at all, still scores.
        Assert.Equal(12, model.Transform(toKey.Transform(Data(ml, 12, i => new[] { "setosa", "versicolor", "virginica" }[i % 3])))
            .GetColumn<uint>("PredictedLabel").Count());
        Assert.Equal(12, model.Transform(ml.Data.LoadFromEnumerable(Enumerable.Range(0, 12).Select(i => new FeaturesOnly { Features = [i % 7, 1f] })))
            .GetColumn<uint>("PredictedLabel").Count());
    }

    private sealed class FeaturesOnly
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
    }

    [Fact]
    public void Warm_start_with_another_class_count_is_refused()
    {
        var ml = new MLContext(seed: 1);
        var (three, _) = Species(ml, 30, i => new[] { "setosa", "versicolor", "virginica" }[i % 3]);
        var model = MulticlassTrainer(ml).Fit(three).Model;
        var two = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Data(ml, 2, i => i == 0 ? "a" : "b"))
            .Transform(Data(ml, 20, i => i % 2 == 0 ? "a" : "b"));

        var error = Assert.ThrowsAny<Exception>(() => MulticlassTrainer(ml).Fit(two, model));

        Assert.Contains("3 classes", error.Message);
        Assert.Contains("has 2", error.Message);
    }

    [Fact]
    public void Classifier_options_out_of_range_are_refused()
    {
        var ml = new MLContext(seed: 1);

        var weight = Assert.Throws<ArgumentOutOfRangeException>(() => BinaryTrainer(ml, o => o.PositiveClassWeight = 0));
        var smoothing = Assert.Throws<ArgumentOutOfRangeException>(() => MulticlassTrainer(ml, o => o.LabelSmoothing = 1));
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => MulticlassTrainer(ml, o => o.ClassWeights = [1, -1, 1]));
        var rSquared = Assert.Throws<ArgumentException>(() => BinaryTrainer(ml, o => o.EarlyStoppingMetric = Backprop.ValidationMetric.RSquared));
        var auc = Assert.Throws<ArgumentException>(() => MulticlassTrainer(ml, o => o.EarlyStoppingMetric = Backprop.ValidationMetric.Auc));
        var (data, _) = Species(ml, 30, i => new[] { "setosa", "versicolor", "virginica" }[i % 3]);
        var count = Assert.ThrowsAny<Exception>(() => MulticlassTrainer(ml, o => o.ClassWeights = [1, 2]).Fit(data));

        Assert.Equal("PositiveClassWeight", weight.ParamName);
        Assert.Equal("LabelSmoothing", smoothing.ParamName);
        Assert.Equal("ClassWeights", negative.ParamName);
        Assert.Equal("EarlyStoppingMetric", rSquared.ParamName);
        Assert.Contains("Loss, Accuracy, Auc", rSquared.Message);
        Assert.Contains("Loss, Accuracy", auc.Message);
        Assert.Contains("ClassWeights has 2 weights but the label column 'Label' has 3 classes", count.Message);
    }
}
