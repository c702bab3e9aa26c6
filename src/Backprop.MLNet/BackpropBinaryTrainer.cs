using Backprop.MLNet.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace Backprop.MLNet;

/// <summary>
/// Trains a multilayer perceptron by backpropagation to tell two classes apart: one sigmoid output trained with
/// binary cross-entropy on its logit. Create it with <c>mlContext.BinaryClassification.Trainers.Backprop(...)</c>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Trainer characteristics</term><description></description></listheader>
/// <item><term>Machine learning task</term><description>Binary classification</description></item>
/// <item><term>Is normalization required?</term><description>Yes: put <c>NormalizeMeanVariance</c> (or another normaliser) before it.</description></item>
/// <item><term>Is caching required?</term><description>No: the trainer reads the data once into memory.</description></item>
/// <item><term>Required NuGet in addition to Microsoft.ML</term><description>Backprop.MLNet</description></item>
/// <item><term>Exportable to ONNX</term><description>Yes</description></item>
/// <item><term>Input: label</term><description>Boolean</description></item>
/// <item><term>Input: features</term><description>Known-size vector of Single</description></item>
/// <item><term>Output: Score</term><description>Single, the network's logit (raw margin)</description></item>
/// <item><term>Output: Probability</term><description>Single, the sigmoid of the score: the model is trained to be calibrated</description></item>
/// <item><term>Output: PredictedLabel</term><description>Boolean, true when the score is above 0 (probability above 0.5)</description></item>
/// </list>
/// The columns are those of ML.NET's calibrated binary trainers, so <c>BinaryClassification.Evaluate</c> reports
/// AUC, accuracy and log-loss. Defaults: see <see cref="BackpropTrainerOptionsBase"/>.
/// </remarks>
public sealed class BackpropBinaryTrainer
    : BackpropTrainerBase<BinaryPredictionTransformer<BackpropBinaryModelParameters>, BackpropBinaryModelParameters, BackpropBinaryTrainer.Options>
{
    internal const string LoadName = "BackpropBinary";

    /// <summary>Options for <see cref="BackpropBinaryTrainer"/>.</summary>
    public sealed class Options : BackpropTrainerOptionsBase
    {
        /// <summary>Creates the options with their defaults; a classifier's <see cref="BackpropTrainerOptionsBase.HiddenLayers"/> is { 256 }.</summary>
        public Options() => HiddenLayers = [.. BackpropDefaults.ClassifierHiddenLayers];

        /// <summary>
        /// Scales the loss of positive (true) rows, for imbalanced data: about (negatives / positives) balances the
        /// classes (PyTorch's <c>pos_weight</c>); finite and positive; default 1. A weight other than 1 trades
        /// calibration for recall.
        /// </summary>
        public float PositiveClassWeight = 1f;
    }

    internal BackpropBinaryTrainer(IHostEnvironment env, Options options)
        : base(env, options, LoadName, TrainerUtils.MakeBoolScalarLabel(Contracts.CheckRef(options, nameof(options)).LabelColumnName))
    {
    }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

    private protected override string TaskName => "binary classification";

    private protected override LabelGetterFactory LabelGetter { get; } = (row, label) =>
    {
        var getter = row.GetGetter<bool>(label);
        bool value = false;
        return (ref float target) =>
        {
            getter(ref value);
            target = value ? 1f : 0f;
        };
    };

    /// <inheritdoc/>
    protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) =>
    [
        new(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
            new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
        new(DefaultColumnNames.Probability, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
            new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation(true))),
        new(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false,
            new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
    ];

    private protected override void CheckLabelType(string column, DataViewType type)
    {
        if (type != BooleanDataViewType.Instance)
            throw Host.Except(
                $"The label column '{column}' holds {type}; Backprop binary classification needs a Boolean label. Declare it " +
                $"as bool in the input class, or convert it, for example 0/1 numbers with " +
                $"mlContext.Transforms.Conversion.ConvertType(\"{column}\", outputKind: DataKind.Boolean), or text with a " +
                "CustomMapping or an Expression that compares it with the positive class.");
    }

    private protected override void ConfigureTask(MlpTrainerOptions engineOptions)
    {
        if (!(TrainerOptions.PositiveClassWeight > 0f && float.IsFinite(TrainerOptions.PositiveClassWeight)))
            throw new ArgumentOutOfRangeException(nameof(Options.PositiveClassWeight), TrainerOptions.PositiveClassWeight,
                "PositiveClassWeight must be finite and positive; 1 weighs both classes equally.");
        engineOptions.Loss = LossFunction.BinaryCrossEntropy(TrainerOptions.PositiveClassWeight);
    }

    private protected override bool CountsLabels => true;

    private protected override void ConfigureForData(MlpTrainerOptions engineOptions, DataViewSchema.Column label,
        LabelSummary training, LabelSummary? validation, BackpropBinaryModelParameters? initial)
    {
        long positives = training.Count(1f);
        if (positives == 0 || positives == training.RowCount)
            throw Host.Except(
                $"Every row of the training data has the label '{label.Name}' = {positives > 0}: a binary classifier needs " +
                "rows of both classes. Check the split or filter that produced the training data.");
    }

    private protected override BackpropBinaryModelParameters CreateModel(MlpEnsemble ensemble,
        FeatureStandardization? standardization)
        => new(Host, ensemble, standardization);

    /// <inheritdoc/>
    protected override BinaryPredictionTransformer<BackpropBinaryModelParameters> MakeTransformer(
        BackpropBinaryModelParameters model, DataViewSchema trainSchema)
        => new(Host, model, trainSchema, FeatureColumn.Name);
}
