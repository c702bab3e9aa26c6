using Backprop.MLNet;
using Backprop.MLNet.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;

// Lets mlContext.Model.Load find the model's loader; VersionInfo names this assembly, so a fresh process needs no
// registration call.
[assembly: LoadableClass(typeof(BackpropMulticlassModelParameters), null, typeof(SignatureLoadModel),
    "Backprop Multiclass Executor", BackpropMulticlassModelParameters.LoaderSignature)]

namespace Backprop.MLNet;

/// <summary>
/// A trained Backprop multiclass classifier: scores a feature vector to one probability per class (the softmax of
/// the network's outputs), in the label's key order.
/// </summary>
public sealed class BackpropMulticlassModelParameters : BackpropModelParametersBase<VBuffer<float>>, ISingleCanSaveOnnx,
    IBindableCanSaveOnnx
{
    internal const string LoaderSignature = "BackpropMulticlassExec";
    private const string RegistrationName = "BackpropMulticlassPredictor";
    private const uint VersionWithLabelColumn = 0x00010002;
    private const uint VersionWithEnsemble = 0x00010003;
    private const uint VersionWithChecksum = 0x00010004;

    private readonly VectorDataViewType _outputType;
    private ISchemaBindableMapper? _scorerBinding;

    internal BackpropMulticlassModelParameters(IHostEnvironment env, MlpEnsemble ensemble, FeatureStandardization? standardization,
        string labelColumn)
        : base(env, RegistrationName, ensemble, standardization)
    {
        CheckShape(Network);
        _outputType = new VectorDataViewType(NumberDataViewType.Single, Network.OutputCount);
        LabelColumn = labelColumn;
    }

    private BackpropMulticlassModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx, SavedLayouts.For(ctx.Header.ModelVerWritten, VersionWithEnsemble, VersionWithChecksum))
    {
        // The training label column's name is the base's task data; versions 0x00010002 and 0x00010003 kept it after the
        // base's block, as an id in the string table.
        CheckShape(Network);
        _outputType = new VectorDataViewType(NumberDataViewType.Single, Network.OutputCount);
        LabelColumn = ctx.Header.ModelVerWritten switch
        {
            >= VersionWithChecksum => TaskData,
            >= VersionWithLabelColumn => ctx.LoadStringOrNull(),
            _ => null,
        };
    }

    /// <summary>
    /// The training data's label column, or <see langword="null"/> for a model saved before it was kept. Data scored
    /// with a key column of that name must have <see cref="ClassCount"/> keys.
    /// </summary>
    public string? LabelColumn { get; }

    /// <summary>The number of classes: the length of the <c>Score</c> vector.</summary>
    public int ClassCount => Network.OutputCount;

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

    private protected override DataViewType OutputType => _outputType;

    internal static BackpropMulticlassModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel(GetVersionInfo());
        return new BackpropMulticlassModelParameters(env, ctx);
    }

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "BPROPMCL",
        // verWrittenCur: 0x00010001, // Initial
        // verWrittenCur: VersionWithLabelColumn, // The training label column's name
        // verWrittenCur: VersionWithEnsemble, // The feature scaling's kind, the ensemble's further networks
        verWrittenCur: VersionWithChecksum, // Everything in one block under a SHA-256, the label column's name included
        verReadableCur: VersionWithChecksum,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(BackpropMulticlassModelParameters).Assembly.FullName);

    private protected override VersionInfo ModelVersion => GetVersionInfo();

    private protected override string? TaskDataToSave => LabelColumn;

    // ML.NET binds a scorer to the model through ISchemaBindableMapper, again for each data view it transforms. Binding
    // through the model (rather than ML.NET's wrapper alone) lets it refuse data whose label keys do not match its
    // classes before ML.NET's evaluator silently mis-scores them; the scoring itself is ML.NET's wrapper's.
    ISchemaBoundMapper ISchemaBindableMapper.Bind(IHostEnvironment env, RoleMappedSchema schema)
    {
        Host.CheckValue(schema, nameof(schema));
        CheckScoredLabel(schema.Schema);
        return new BoundToModel(this, (ISchemaBoundRowMapper)ScorerBinding.Bind(env, schema));
    }

    bool IBindableCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, RoleMappedSchema schema, string[] outputNames)
        => ((IBindableCanSaveOnnx)ScorerBinding).SaveAsOnnx(ctx, schema, outputNames);

    private ISchemaBindableMapper ScorerBinding => _scorerBinding ??= new SchemaBindablePredictorWrapper(this);

    private void CheckScoredLabel(DataViewSchema schema)
    {
        if (LabelColumn is null || schema.GetColumnOrNull(LabelColumn) is not { } label || label.Type is not KeyDataViewType key)
            return;
        if (key.Count != (ulong)ClassCount)
            throw Host.Except(
                $"The column '{LabelColumn}' of the data being scored is a key of {key.Count} values, but this model was " +
                $"trained on {ClassCount} classes, so its keys cannot be compared with the model's predictions. Map the " +
                "label with the MapValueToKey transformer fitted on the training data (keep it in the pipeline).");
    }

    private protected override ValueMapper<VBuffer<float>, VBuffer<float>> CreateMapper(float[] scratch)
    {
        int classes = ClassCount;
        return (in VBuffer<float> features, ref VBuffer<float> probabilities) =>
        {
            var editor = VBufferEditor.Create(ref probabilities, classes);
            Ensemble.Predict(NetworkInput(in features, scratch), editor.Values);
            probabilities = editor.Commit();
        };
    }

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
    {
        Host.CheckValue(ctx, nameof(ctx));
        // ML.NET hands a multiclass classifier its two outputs: PredictedLabel, Score.
        Host.Check(outputNames.Length == 2, "A multiclass model writes two outputs: the predicted label and the scores.");
        string logits = OnnxNetworkWriter.WriteRawOutputs(ctx, Ensemble, Standardization, featureColumn);
        OnnxNetworkWriter.Write(ctx, "Softmax", [logits], outputNames[1]).AddAttribute("axis", 1);
        // The predicted key is the most probable class's index + 1 (key 0 means missing), as a uint32; the arg max is
        // taken over the probabilities, as ML.NET's scorer does, so ties break alike.
        string index = ctx.AddIntermediateVariable(null!, "BackpropArgMax", skip: true);
        var argMax = OnnxNetworkWriter.Write(ctx, "ArgMax", [outputNames[1]], index);
        argMax.AddAttribute("axis", 1);
        argMax.AddAttribute("keepdims", 0);
        string key = OnnxNetworkWriter.Node(ctx, "Add", [index, ctx.AddInitializer(1L, "BackpropKeyOffset")], "BackpropKey");
        OnnxNetworkWriter.Write(ctx, "Cast", [key], outputNames[0]).AddAttribute("to", 12); // uint32
        return true;
    }

    /// <summary>ML.NET's bound scorer, reporting the model as what it is bound to, so that ML.NET rebinds through it.</summary>
    private sealed class BoundToModel(BackpropMulticlassModelParameters model, ISchemaBoundRowMapper inner) : ISchemaBoundRowMapper
    {
        public RoleMappedSchema InputRoleMappedSchema => inner.InputRoleMappedSchema;

        public DataViewSchema OutputSchema => inner.OutputSchema;

        public ISchemaBindableMapper Bindable => model;

        public DataViewSchema InputSchema => inner.InputSchema;

        public IEnumerable<KeyValuePair<RoleMappedSchema.ColumnRole, string>> GetInputColumnRoles() => inner.GetInputColumnRoles();

        public IEnumerable<DataViewSchema.Column> GetDependenciesForNewColumns(IEnumerable<DataViewSchema.Column> dependingColumns)
            => inner.GetDependenciesForNewColumns(dependingColumns);

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) => inner.GetRow(input, activeColumns);
    }

    private static void CheckShape(MultilayerPerceptron network)
        => CheckNetworkShape(network, network.OutputCount, [OutputTransform.Softmax], "multiclass classification");
}
