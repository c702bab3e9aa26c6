using Backprop.Tests.Support;

namespace Backprop.Tests;

/// <summary>Every bad input gets an exception that names what is wrong.</summary>
public class BadInputTests
{
    private static readonly TrainingData Small = SyntheticData.Regression(40, 3, seed: 1);

    [Fact]
    public void Empty_data_is_refused() =>
        Assert.Contains("no rows", Assert.Throws<ArgumentException>(() => new TrainingData([], 3, [])).Message);

    [Fact]
    public void Mismatched_row_counts_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new TrainingData(new float[10], 3, new float[4]));
        Assert.Contains("4 labels × 3 features need 12", error.Message);
        Assert.Contains("one weight per row", Assert.Throws<ArgumentException>(() => new TrainingData(new float[6], 3, new float[2], new float[3])).Message);
    }

    [Fact]
    public void Non_finite_features_are_located_and_counted()
    {
        float[] x = new float[12];
        x[7] = float.NaN;
        x[9] = float.PositiveInfinity;
        var error = Assert.Throws<ArgumentException>(() => new TrainingData(x, 3, new float[4]));
        Assert.Equal("features", error.ParamName);
        Assert.Contains("2 non-finite value(s)", error.Message);
        Assert.Contains("row 2, feature 1", error.Message);
        Assert.Contains("Replace missing values", error.Message);
    }

    [Fact]
    public void Non_finite_labels_and_bad_weights_are_refused()
    {
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => new TrainingData(new float[3], 1, [1f, float.NaN, 2f])).ParamName);
        Assert.Contains("cannot be negative", Assert.Throws<ArgumentException>(() => new TrainingData(new float[2], 1, [1f, 2f], [1f, -1f])).Message);
        Assert.Contains("Every sample weight is 0", Assert.Throws<ArgumentException>(() => new TrainingData(new float[2], 1, [1f, 2f], [0f, 0f])).Message);
    }

    public static TheoryData<string, Action<MlpTrainerOptions>> BadOptions() => new()
    {
        { "HiddenLayers[1] is 0", o => o.HiddenLayers = [8, 0] },
        { "BatchSize", o => o.BatchSize = 0 },
        { "Dropout", o => o.Dropout = 1f },
        { "Dropout", o => o.Dropout = -0.1f },
        { "LearningRate", o => o.LearningRate = 0f },
        { "LearningRate", o => o.LearningRate = float.NaN },
        { "NumberOfIterations", o => o.NumberOfIterations = 0 },
        { "ValidationFraction", o => o.ValidationFraction = 1f },
        { "GradientClipNorm", o => o.GradientClipNorm = 0f },
        { "L2Regularization", o => o.L2Regularization = -1f },
        { "EarlyStoppingPatience", o => o.EarlyStoppingPatience = 0 },
        { "NumberOfThreads", o => o.NumberOfThreads = 0 },
        { "EarlyStoppingMetric Accuracy does not apply to regression", o => o.EarlyStoppingMetric = ValidationMetric.Accuracy },
        { "Dropout cannot be used with L-BFGS", o => { o.Optimizer = new LbfgsOptimizer(); o.Dropout = 0.2f; } },
        { "WeightAverageDecay must be in [0, 1)", o => o.WeightAverageDecay = 1f },
        { "WeightAverageDecay must be in [0, 1)", o => o.WeightAverageDecay = -0.1f },
        { "WeightAverageDecay must be in [0, 1)", o => o.WeightAverageDecay = float.NaN },
        { "WeightAverageDecay smooths the noise of mini-batch steps, which L-BFGS does not take", o => { o.Optimizer = new LbfgsOptimizer(); o.WeightAverageDecay = 0.9f; } },
        { "HiddenLayers [70000, 70000] need 4,900,070,000 weights", o => o.HiddenLayers = [70_000, 70_000] },
    };

    [Fact]
    public void A_network_too_large_for_its_features_is_refused_naming_HiddenLayers()
    {
        var options = new MlpTrainerOptions { HiddenLayers = [1 << 30], NumberOfIterations = 1 };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MlpTrainer(options).Train(Small));
        Assert.Equal("HiddenLayers", error.ParamName);
        Assert.Contains("3 features and HiddenLayers [1073741824]", error.Message);
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Out_of_range_options_are_named(string expected, Action<MlpTrainerOptions> spoil)
    {
        var options = new MlpTrainerOptions();
        spoil(options);
        var error = Assert.ThrowsAny<ArgumentException>(() => new MlpTrainer(options));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Options_spoiled_after_construction_are_caught_when_training_starts()
    {
        var trainer = new MlpTrainer();
        trainer.Options.BatchSize = -5;
        Assert.Contains("BatchSize", Assert.ThrowsAny<ArgumentException>(() => trainer.Train(Small)).Message);
    }

    [Fact]
    public void Validation_data_with_another_width_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new MlpTrainer().Train(Small, SyntheticData.Regression(10, 4, seed: 2)));
        Assert.Contains("validation data has 4 features but the training data has 3", error.Message);
    }

    [Fact]
    public void A_warm_start_from_another_shape_is_refused()
    {
        MultilayerPerceptron model = new MlpTrainer(new MlpTrainerOptions { HiddenLayers = [4], NumberOfIterations = 1 }).Train(Small);
        var error = Assert.Throws<ArgumentException>(() =>
            new MlpTrainer(new MlpTrainerOptions { HiddenLayers = [5], NumberOfIterations = 1 }).Train(Small, initialModel: model));
        Assert.Contains("warm start needs the same layers", error.Message);
    }

    [Fact]
    public void A_classifier_needs_two_classes_and_valid_labels()
    {
        var options = new MlpTrainerOptions { Loss = LossFunction.BinaryCrossEntropy(), NumberOfIterations = 1 };
        Assert.Contains("at least two classes", Assert.Throws<ArgumentException>(() =>
            new MlpTrainer(options).Train(new TrainingData(new float[3], 1, [1f, 1f, 1f]))).Message);
        Assert.Contains("labels[1] is 3", Assert.Throws<ArgumentException>(() =>
            new MlpTrainer(options).Train(new TrainingData(new float[3], 1, [1f, 3f, 0f]))).Message);

        var multiclass = new MlpTrainerOptions { Loss = LossFunction.SoftmaxCrossEntropy([1f, 1f]), NumberOfIterations = 1 };
        Assert.Contains("one weight per class", Assert.Throws<ArgumentException>(() =>
            new MlpTrainer(multiclass).Train(new TrainingData(new float[3], 1, [0f, 1f, 2f]))).Message);
    }

    [Fact]
    public void Prediction_with_the_wrong_row_width_is_refused()
    {
        MultilayerPerceptron model = new MlpTrainer(new MlpTrainerOptions { HiddenLayers = [4], NumberOfIterations = 1 }).Train(Small);
        Assert.Contains("trained on 3", Assert.Throws<ArgumentException>(() => model.Predict([1f, 2f])).Message);
        Assert.Contains("whole number of rows", Assert.Throws<ArgumentException>(() => model.Predict(new float[7], new float[2])).Message);
    }
}
