using Backprop;
using Backprop.MLNet;
using Microsoft.ML.Data;

// The catalog methods live in ML.NET's namespace, as those of ML.NET's own add-on packages (FastTree, LightGbm) do,
// so `mlContext.Regression.Trainers.Backprop()` needs no extra using directive.
namespace Microsoft.ML;

/// <summary>The <c>Backprop</c> trainers on ML.NET's catalogs.</summary>
public static class BackpropCatalog
{
    /// <summary>
    /// A multilayer-perceptron regression trainer: hidden ReLU layers trained by Adam on the squared error, with the
    /// features and label standardised inside the model and early stopping on 20 % of the training rows.
    /// </summary>
    /// <param name="catalog">The regression catalog's trainers.</param>
    /// <param name="labelColumnName">The label column, Single; default "Label".</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single; default "Features".</param>
    /// <param name="exampleWeightColumnName">An optional column of per-row weights, Single ≥ 0; default none.</param>
    /// <param name="hiddenLayers">The width of each hidden layer, input side first; default { 128, 64 }.</param>
    /// <param name="numberOfIterations">The most epochs; default 400.</param>
    /// <param name="learningRate">Adam's learning rate; default 0.001.</param>
    /// <param name="batchSize">Rows per mini-batch; default 64.</param>
    /// <param name="l2Regularization">The L2 penalty on the weights; default (null) from the training rows: 0.001 from 700 rows, up to 0.01 below.</param>
    /// <example><code>
    /// var pipeline = ml.Transforms.Concatenate("Features", "sqft", "beds", "baths")
    ///     .Append(ml.Transforms.NormalizeMeanVariance("Features"))
    ///     .Append(ml.Regression.Trainers.Backprop(labelColumnName: "price", hiddenLayers: new[] { 64, 32 }));
    /// </code></example>
    public static BackpropRegressionTrainer Backprop(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features,
        string? exampleWeightColumnName = null,
        int[]? hiddenLayers = null,
        int numberOfIterations = BackpropDefaults.NumberOfIterations,
        float learningRate = BackpropDefaults.LearningRate,
        int batchSize = BackpropDefaults.BatchSize,
        float? l2Regularization = null)
        => Backprop(catalog, SimpleOptions(new BackpropRegressionTrainer.Options(), labelColumnName, featureColumnName,
            exampleWeightColumnName, hiddenLayers, numberOfIterations, learningRate, batchSize, l2Regularization));

    /// <summary>A multilayer-perceptron regression trainer with every option; see <see cref="BackpropRegressionTrainer.Options"/>.</summary>
    /// <param name="catalog">The regression catalog's trainers.</param>
    /// <param name="options">The options; the trainer keeps the object, so do not change it while training.</param>
    public static BackpropRegressionTrainer Backprop(this RegressionCatalog.RegressionTrainers catalog,
        BackpropRegressionTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new BackpropRegressionTrainer(catalog.GetEnvironment(), options);
    }

    /// <summary>
    /// A multilayer-perceptron binary classifier: hidden ReLU layers and one sigmoid output trained by Adam on the
    /// binary cross-entropy, with the features standardised inside the model and early stopping on 20 % of the training
    /// rows (stratified). Outputs <c>Score</c> (the logit), <c>Probability</c> and <c>PredictedLabel</c>.
    /// </summary>
    /// <param name="catalog">The binary classification catalog's trainers.</param>
    /// <param name="labelColumnName">The label column, Boolean; default "Label".</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single; default "Features".</param>
    /// <param name="exampleWeightColumnName">An optional column of per-row weights, Single ≥ 0; default none.</param>
    /// <param name="hiddenLayers">The width of each hidden layer, input side first; default { 256 }.</param>
    /// <param name="numberOfIterations">The most epochs; default 400.</param>
    /// <param name="learningRate">Adam's learning rate; default 0.001.</param>
    /// <param name="batchSize">Rows per mini-batch; default 64.</param>
    /// <param name="l2Regularization">The L2 penalty on the weights; default (null) from the training rows: 0.001 from 700 rows, up to 0.01 below.</param>
    /// <example><code>
    /// var pipeline = ml.Transforms.NormalizeMeanVariance("Features")
    ///     .Append(ml.BinaryClassification.Trainers.Backprop(labelColumnName: "malignant", hiddenLayers: new[] { 32 }));
    /// </code></example>
    public static BackpropBinaryTrainer Backprop(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features,
        string? exampleWeightColumnName = null,
        int[]? hiddenLayers = null,
        int numberOfIterations = BackpropDefaults.NumberOfIterations,
        float learningRate = BackpropDefaults.LearningRate,
        int batchSize = BackpropDefaults.BatchSize,
        float? l2Regularization = null)
        => Backprop(catalog, SimpleOptions(new BackpropBinaryTrainer.Options(), labelColumnName, featureColumnName,
            exampleWeightColumnName, hiddenLayers, numberOfIterations, learningRate, batchSize, l2Regularization));

    /// <summary>A multilayer-perceptron binary classifier with every option; see <see cref="BackpropBinaryTrainer.Options"/>.</summary>
    /// <param name="catalog">The binary classification catalog's trainers.</param>
    /// <param name="options">The options; the trainer keeps the object, so do not change it while training.</param>
    public static BackpropBinaryTrainer Backprop(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        BackpropBinaryTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new BackpropBinaryTrainer(catalog.GetEnvironment(), options);
    }

    /// <summary>
    /// A multilayer-perceptron multiclass classifier: hidden ReLU layers and a softmax output trained by Adam on the
    /// cross-entropy, with the features standardised inside the model and early stopping on 20 % of the training rows
    /// (stratified). The label must be a key (<c>MapValueToKey</c>); outputs <c>Score</c> (class probabilities) and
    /// <c>PredictedLabel</c>.
    /// </summary>
    /// <param name="catalog">The multiclass classification catalog's trainers.</param>
    /// <param name="labelColumnName">The label column, a key; default "Label".</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single; default "Features".</param>
    /// <param name="exampleWeightColumnName">An optional column of per-row weights, Single ≥ 0; default none.</param>
    /// <param name="hiddenLayers">The width of each hidden layer, input side first; default { 256 }.</param>
    /// <param name="numberOfIterations">The most epochs; default 400.</param>
    /// <param name="learningRate">Adam's learning rate; default 0.001.</param>
    /// <param name="batchSize">Rows per mini-batch; default 64.</param>
    /// <param name="l2Regularization">The L2 penalty on the weights; default (null) from the training rows: 0.001 from 700 rows, up to 0.01 below.</param>
    /// <example><code>
    /// var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    ///     .Append(ml.Transforms.NormalizeMeanVariance("Features"))
    ///     .Append(ml.MulticlassClassification.Trainers.Backprop(hiddenLayers: new[] { 128, 64 }))
    ///     .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    /// </code></example>
    public static BackpropMulticlassTrainer Backprop(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features,
        string? exampleWeightColumnName = null,
        int[]? hiddenLayers = null,
        int numberOfIterations = BackpropDefaults.NumberOfIterations,
        float learningRate = BackpropDefaults.LearningRate,
        int batchSize = BackpropDefaults.BatchSize,
        float? l2Regularization = null)
        => Backprop(catalog, SimpleOptions(new BackpropMulticlassTrainer.Options(), labelColumnName, featureColumnName,
            exampleWeightColumnName, hiddenLayers, numberOfIterations, learningRate, batchSize, l2Regularization));

    /// <summary>A multilayer-perceptron multiclass classifier with every option; see <see cref="BackpropMulticlassTrainer.Options"/>.</summary>
    /// <param name="catalog">The multiclass classification catalog's trainers.</param>
    /// <param name="options">The options; the trainer keeps the object, so do not change it while training.</param>
    public static BackpropMulticlassTrainer Backprop(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        BackpropMulticlassTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new BackpropMulticlassTrainer(catalog.GetEnvironment(), options);
    }

    // The simple overloads' parameters, the same for every task.
    private static TOptions SimpleOptions<TOptions>(TOptions options, string labelColumnName, string featureColumnName,
        string? exampleWeightColumnName, int[]? hiddenLayers, int numberOfIterations, float learningRate, int batchSize,
        float? l2Regularization)
        where TOptions : BackpropTrainerOptionsBase
    {
        options.LabelColumnName = labelColumnName;
        options.FeatureColumnName = featureColumnName;
        options.ExampleWeightColumnName = exampleWeightColumnName;
        options.NumberOfIterations = numberOfIterations;
        options.LearningRate = learningRate;
        options.BatchSize = batchSize;
        options.L2Regularization = l2Regularization;
        if (hiddenLayers is not null)
            options.HiddenLayers = hiddenLayers;
        return options;
    }
}
