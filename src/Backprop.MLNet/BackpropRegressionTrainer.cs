using Backprop.MLNet.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace Backprop.MLNet;

/// <summary>
/// Trains a multilayer perceptron by backpropagation to predict a real value. Create it with
/// <c>mlContext.Regression.Trainers.Backprop(...)</c>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Trainer characteristics</term><description></description></listheader>
/// <item><term>Machine learning task</term><description>Regression</description></item>
/// <item><term>Is normalization required?</term><description>Yes: put <c>NormalizeMeanVariance</c> (or another normaliser) before it.</description></item>
/// <item><term>Is caching required?</term><description>No: the trainer reads the data once into memory.</description></item>
/// <item><term>Required NuGet in addition to Microsoft.ML</term><description>Backprop.MLNet</description></item>
/// <item><term>Exportable to ONNX</term><description>Yes</description></item>
/// <item><term>Input: label</term><description>Single</description></item>
/// <item><term>Input: features</term><description>Known-size vector of Single</description></item>
/// <item><term>Output: Score</term><description>Single, on the label's own scale</description></item>
/// </list>
/// The label is standardised inside the trainer (mean and deviation kept in the model and undone when scoring),
/// because an ML.NET pipeline cannot normalise and then un-normalise a label: raw prices in dollars train as well
/// as scaled ones. Defaults: see <see cref="BackpropTrainerOptionsBase"/>.
/// </remarks>
public sealed class BackpropRegressionTrainer
    : BackpropTrainerBase<RegressionPredictionTransformer<BackpropRegressionModelParameters>, BackpropRegressionModelParameters, BackpropRegressionTrainer.Options>
{
    internal const string LoadName = "BackpropRegression";

    /// <summary>Options for <see cref="BackpropRegressionTrainer"/>.</summary>
    public sealed class Options : BackpropTrainerOptionsBase
    {
        /// <summary>
        /// The loss: <see cref="LossFunction.SquaredError"/> (the default), <see cref="LossFunction.AbsoluteError"/>,
        /// <see cref="LossFunction.Huber"/> or <see cref="LossFunction.Poisson"/> (log link, for counts; labels ≥ 0).
        /// </summary>
        public LossFunction Loss = LossFunction.SquaredError;

        /// <summary>
        /// Train on the standardised label, (y − mean) / deviation, and map scores back; default <see langword="true"/>.
        /// Ignored by the Poisson loss, whose log link needs the label's own scale.
        /// </summary>
        public bool StandardizeLabel = BackpropDefaults.StandardizeLabel;
    }

    internal BackpropRegressionTrainer(IHostEnvironment env, Options options)
        : base(env, CheckLoss(options), LoadName, TrainerUtils.MakeR4ScalarColumn(options.LabelColumnName))
    {
    }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.Regression;

    private protected override string TaskName => "regression";

    private protected override LabelGetterFactory LabelGetter { get; } = (row, label) => row.GetGetter<float>(label);

    /// <inheritdoc/>
    protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) =>
    [
        new(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
            new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
    ];

    private protected override void CheckLabelType(string column, DataViewType type)
    {
        if (type != NumberDataViewType.Single)
            throw Host.Except(
                $"The label column '{column}' holds {type}; Backprop regression needs a Single (float) label. Declare it as " +
                $"float in the input class, or convert it with mlContext.Transforms.Conversion.ConvertType(\"{column}\", " +
                "outputKind: DataKind.Single).");
    }

    private protected override void ConfigureTask(MlpTrainerOptions engineOptions)
    {
        engineOptions.Loss = TrainerOptions.Loss;
        engineOptions.StandardizeLabel = TrainerOptions.StandardizeLabel;
    }

    private protected override BackpropRegressionModelParameters CreateModel(MlpEnsemble ensemble,
        FeatureStandardization? standardization)
        => new(Host, ensemble, standardization);

    /// <inheritdoc/>
    protected override RegressionPredictionTransformer<BackpropRegressionModelParameters> MakeTransformer(
        BackpropRegressionModelParameters model, DataViewSchema trainSchema)
        => new(Host, model, trainSchema, FeatureColumn.Name);

    private static Options CheckLoss(Options options)
    {
        Contracts.CheckValue(options, nameof(options));
        if (options.Loss is null)
            throw new ArgumentNullException(nameof(options.Loss), "Choose a regression loss, for example LossFunction.SquaredError.");
        if (options.Loss.IsClassification)
            throw new ArgumentException(
                $"The loss {options.Loss.Name} is for classification; use BinaryClassification.Trainers.Backprop or " +
                "MulticlassClassification.Trainers.Backprop, or a regression loss here.", nameof(options.Loss));
        return options;
    }
}
