using Backprop.MLNet.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace Backprop.MLNet;

/// <summary>
/// Trains a multilayer perceptron by backpropagation to pick one of k classes: k softmax outputs trained with
/// cross-entropy. Create it with <c>mlContext.MulticlassClassification.Trainers.Backprop(...)</c> after
/// <c>MapValueToKey</c> on the label.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Trainer characteristics</term><description></description></listheader>
/// <item><term>Machine learning task</term><description>Multiclass classification</description></item>
/// <item><term>Is normalization required?</term><description>Yes: put <c>NormalizeMeanVariance</c> (or another normaliser) before it.</description></item>
/// <item><term>Is caching required?</term><description>No: the trainer reads the data once into memory.</description></item>
/// <item><term>Required NuGet in addition to Microsoft.ML</term><description>Backprop.MLNet</description></item>
/// <item><term>Exportable to ONNX</term><description>Yes</description></item>
/// <item><term>Input: label</term><description>Key (from <c>Conversion.MapValueToKey</c>); its key count is the class count</description></item>
/// <item><term>Input: features</term><description>Known-size vector of Single</description></item>
/// <item><term>Output: Score</term><description>Vector of Single: the probability of each class, slots named by the label's values</description></item>
/// <item><term>Output: PredictedLabel</term><description>Key of the label's type: the most probable class; <c>MapKeyToValue</c> recovers the value</description></item>
/// </list>
/// Defaults: see <see cref="BackpropTrainerOptionsBase"/>.
/// </remarks>
public sealed class BackpropMulticlassTrainer
    : BackpropTrainerBase<MulticlassPredictionTransformer<BackpropMulticlassModelParameters>, BackpropMulticlassModelParameters, BackpropMulticlassTrainer.Options>
{
    internal const string LoadName = "BackpropMulticlass";

    /// <summary>Options for <see cref="BackpropMulticlassTrainer"/>.</summary>
    public sealed class Options : BackpropTrainerOptionsBase
    {
        /// <summary>Creates the options with their defaults; a classifier's <see cref="BackpropTrainerOptionsBase.HiddenLayers"/> is { 256 }.</summary>
        public Options() => HiddenLayers = [.. BackpropDefaults.ClassifierHiddenLayers];

        /// <summary>
        /// One weight per class (in key order) scaling the loss of that class's rows, for imbalanced data; each finite
        /// and 0 or more; default <see langword="null"/>: all 1.
        /// </summary>
        public float[]? ClassWeights;

        /// <summary>
        /// Label smoothing ε in [0, 1): the targets become (1 − ε)·one-hot + ε/k, which discourages over-confident
        /// probabilities; default 0.
        /// </summary>
        public float LabelSmoothing;
    }

    internal BackpropMulticlassTrainer(IHostEnvironment env, Options options)
        : base(env, options, LoadName, TrainerUtils.MakeU4ScalarColumn(Contracts.CheckRef(options, nameof(options)).LabelColumnName))
    {
    }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

    private protected override string TaskName => "multiclass classification";

    // Keys count from 1; 0 is a missing value, read as NaN so the reader names the rows and the fix.
    private protected override LabelGetterFactory LabelGetter { get; } = (row, label) =>
    {
        var getter = row.GetGetter<uint>(label);
        uint key = 0;
        return (ref float target) =>
        {
            getter(ref key);
            target = key == 0 ? float.NaN : key - 1;
        };
    };

    /// <inheritdoc/>
    protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema)
    {
        bool found = inputSchema.TryFindColumn(LabelColumn.Name, out var label);
        Host.Assert(found);
        var keyValues = new SchemaShape(label.Annotations.Where(a => a.Name == AnnotationUtils.Kinds.KeyValues)
            .Concat(AnnotationUtils.GetTrainerOutputAnnotation()));
        return
        [
            new(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false,
                new SchemaShape(AnnotationUtils.AnnotationsForMulticlassScoreColumn(label))),
            new(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true, keyValues),
        ];
    }

    private protected override void CheckLabelType(string column, DataViewType type)
    {
        if (type is not KeyDataViewType { RawType: var raw } || raw != typeof(uint))
            throw Host.Except(
                $"The label column '{column}' holds {type}; Backprop multiclass classification needs a key label. Map the " +
                $"values to keys first: mlContext.Transforms.Conversion.MapValueToKey(\"{column}\"), and back after scoring " +
                "with MapKeyToValue(\"PredictedLabel\").");
    }

    private protected override void ConfigureTask(MlpTrainerOptions engineOptions)
    {
        if (TrainerOptions.ClassWeights is { } weights && weights.Any(w => !(w >= 0f && float.IsFinite(w))))
            throw new ArgumentOutOfRangeException(nameof(Options.ClassWeights),
                $"ClassWeights [{string.Join(", ", weights)}] must all be finite and 0 or more.");
        if (!(TrainerOptions.LabelSmoothing is >= 0f and < 1f))
            throw new ArgumentOutOfRangeException(nameof(Options.LabelSmoothing), TrainerOptions.LabelSmoothing,
                "LabelSmoothing must be in [0, 1), for example 0.1; 0 turns it off.");
        engineOptions.Loss = LossFunction.SoftmaxCrossEntropy(TrainerOptions.ClassWeights, TrainerOptions.LabelSmoothing);
    }

    private protected override bool CountsLabels => true;

    private protected override void ConfigureForData(MlpTrainerOptions engineOptions, DataViewSchema.Column label,
        LabelSummary training, LabelSummary? validation, BackpropMulticlassModelParameters? initial)
    {
        int classCount = label.Type.GetKeyCountAsInt32(Host);
        if (classCount < 2)
            throw Host.Except(
                $"The label column '{label.Name}' is a key of {classCount} value(s); a classifier needs at least 2 classes. " +
                "Fit MapValueToKey on data with every class.");
        if (TrainerOptions.ClassWeights is { } weights && weights.Length != classCount)
            throw Host.Except(
                $"ClassWeights has {weights.Length} weights but the label column '{label.Name}' has {classCount} classes; give one per class, in key order.");
        if (initial is not null && initial.ClassCount != classCount)
            throw Host.Except(
                $"Warm start: the model was trained on {initial.ClassCount} classes but the label column '{label.Name}' has {classCount}. " +
                "Map the label with the MapValueToKey fitted for the model.");

        var present = new bool[classCount];
        foreach (float y in training.Values)
            present[(int)y] = true;
        if (present.Count(p => p) < 2)
            throw Host.Except(
                $"Every row of the training data has the label '{label.Name}' = {ClassName(label, (int)training.FirstLabel)}: " +
                "a classifier needs rows of at least two classes. Check the split or filter that produced the training data.");
        if (validation is not null && validation.Values.FirstOrDefault(y => !present[(int)y], -1f) is var missing && missing >= 0)
            throw Host.Except(
                $"The validation data has rows of class {ClassName(label, (int)missing)} in '{label.Name}', which the training " +
                "data lacks: the network could never predict it. Split the data so that training sees every class (for " +
                "example with TrainTestSplit's samplingKeyColumnName), or drop that class from validation.");
        engineOptions.NumberOfClasses = classCount;
    }

    private protected override BackpropMulticlassModelParameters CreateModel(MlpEnsemble ensemble,
        FeatureStandardization? standardization)
        => new(Host, ensemble, standardization, LabelColumn.Name);

    /// <inheritdoc/>
    protected override MulticlassPredictionTransformer<BackpropMulticlassModelParameters> MakeTransformer(
        BackpropMulticlassModelParameters model, DataViewSchema trainSchema)
        => new(Host, model, trainSchema, FeatureColumn.Name, LabelColumn.Name);

    // The class's value from the key's annotations ("'setosa'"), else its key index.
    private static string ClassName(DataViewSchema.Column label, int index)
    {
        if (label.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues)?.Type is VectorDataViewType { ItemType: TextDataViewType })
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            label.GetKeyValues(ref names);
            return $"'{names.GetItemOrDefault(index)}'";
        }
        return $"key {index + 1}";
    }
}
