using Backprop;
using Backprop.MLNet;
using Backprop.MLNet.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Internal.Utilities;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(BackpropContributionsTransformer), null, typeof(SignatureLoadModel),
    "Backprop Contributions", BackpropContributionsTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(BackpropContributionsTransformer), null, typeof(SignatureLoadRowMapper),
    "Backprop Contributions", BackpropContributionsTransformer.LoaderSignature)]

namespace Backprop.MLNet;

/// <summary>
/// Adds a column of feature contributions of a Backprop model of any task — regression, binary or multiclass — by
/// integrated gradients (<see cref="IntegratedGradients"/>): for each row, how much each feature moved the score (or a
/// class's logit) away from its value at the baseline, the contributions adding up to that difference. Made by
/// <c>mlContext.Transforms.CalculateBackpropContributions</c>; saved and loaded with the model.
/// </summary>
public sealed class BackpropContributionsTransformer : OneToOneTransformerBase
{
    internal const string LoaderSignature = "BackpropContributions";

    private readonly IBackpropModelParameters _model;
    private readonly float[] _networkBaseline;

    internal BackpropContributionsTransformer(IHostEnvironment env, IBackpropModelParameters model, ContributionClasses classes, int steps,
        float[]? baseline, string featureColumnName, string outputColumnName)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(BackpropContributionsTransformer)), (outputColumnName, featureColumnName))
    {
        Host.CheckValue(model, nameof(model));
        if (!Enum.IsDefined(classes))
            throw Host.ExceptParam(nameof(classes), $"classes is {(int)classes}; use ContributionClasses.Predicted or ContributionClasses.All.");
        if (steps < 1)
            throw Host.ExceptParam(nameof(steps),
                $"steps is the number of quadrature points per row and must be at least 1 (it is {steps}); {IntegratedGradients.DefaultSteps} is the default.");
        _model = model;
        Classes = classes;
        Steps = steps;
        Baseline = baseline is null ? null : CheckedBaseline(baseline);
        _networkBaseline = NetworkBaseline();
    }

    private BackpropContributionsTransformer(IHostEnvironment env, ModelLoadContext ctx)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(BackpropContributionsTransformer)), ctx)
    {
        // *** Binary format ***
        // base: the column pair
        // the model, in its own folder
        // byte: classes; int: steps; byte: whether a baseline follows; (if so) float[]: the baseline, length-prefixed
        ctx.LoadModel<IPredictor, SignatureLoadModel>(Host, out var predictor, ModelDirectory);
        _model = predictor as IBackpropModelParameters
            ?? throw new InvalidDataException($"The model inside these Backprop contributions is a {predictor.GetType().Name}, not a Backprop model.");
        byte classes = ctx.Reader.ReadByte();
        Steps = ctx.Reader.ReadInt32();
        if (!Enum.IsDefined((ContributionClasses)classes) || Steps < 1)
            throw new InvalidDataException($"The Backprop contributions settings are damaged (classes {classes}, steps {Steps}).");
        Classes = (ContributionClasses)classes;
        if (ctx.Reader.ReadBoolByte())
        {
            int count = ctx.Reader.ReadInt32();
            if (count != _model.FeatureCount)
                throw new InvalidDataException($"The saved baseline has {count} values but the model has {_model.FeatureCount} features.");
            Baseline = [.. Enumerable.Range(0, count).Select(_ => ctx.Reader.ReadSingle())];
        }
        _networkBaseline = NetworkBaseline();
    }

    private const string ModelDirectory = "Model";

    /// <summary>Which outputs are explained.</summary>
    public ContributionClasses Classes { get; }

    /// <summary>Quadrature points per row, for networks that are not piecewise linear (those are integrated exactly).</summary>
    public int Steps { get; }

    /// <summary>
    /// The baseline in the feature column's values, or null for the centre the model's feature scaling keeps (the
    /// training mean; the median under robust scaling; zero where the model does not scale features).
    /// </summary>
    public IReadOnlyList<float>? Baseline { get; }

    /// <summary>The explained model.</summary>
    public IBackpropModelParameters Model => _model;

    private int ExplainedOutputs => Classes == ContributionClasses.All ? _model.Network.OutputCount : 1;

    internal static BackpropContributionsTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel(GetVersionInfo());
        return new BackpropContributionsTransformer(env, ctx);
    }

    internal static IRowMapper Create(IHostEnvironment env, ModelLoadContext ctx, DataViewSchema inputSchema)
        => Create(env, ctx).MakeRowMapper(inputSchema);

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "BPROPCON",
        verWrittenCur: 0x00010001,
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(BackpropContributionsTransformer).Assembly.FullName);

    /// <inheritdoc/>
    protected override void SaveModel(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        ctx.SetVersionInfo(GetVersionInfo());
        SaveColumns(ctx);
        ctx.SaveModel(_model, ModelDirectory);
        ctx.Writer.Write((byte)Classes);
        ctx.Writer.Write(Steps);
        ctx.Writer.WriteBoolByte(Baseline is not null);
        if (Baseline is not null)
        {
            ctx.Writer.Write(Baseline.Count);
            foreach (float value in Baseline)
                ctx.Writer.Write(value);
        }
    }

    /// <inheritdoc/>
    protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

    private float[] CheckedBaseline(float[] baseline)
    {
        if (baseline.Length != _model.FeatureCount)
            throw Host.ExceptParam(nameof(baseline),
                $"baseline has {baseline.Length} values but the model has {_model.FeatureCount} features; give one value per slot of the feature column.");
        int bad = Array.FindIndex(baseline, v => !float.IsFinite(v));
        if (bad >= 0)
            throw Host.ExceptParam(nameof(baseline), $"baseline holds {baseline[bad]} at slot {bad}; every value must be finite.");
        return [.. baseline];
    }

    /// <summary>The baseline as the network sees it: scaled as the features are; the origin for the scaling's centre.</summary>
    private float[] NetworkBaseline()
    {
        var values = new float[_model.FeatureCount];
        if (Baseline is not null)
        {
            for (int j = 0; j < values.Length; j++)
                values[j] = Baseline[j];
            _model.Standardization?.Apply(values);
        }
        return values;
    }

    private sealed class Mapper : OneToOneMapperBase
    {
        private readonly BackpropContributionsTransformer _transformer;
        private readonly int _featureColumn;
        private readonly DataViewSchema.Column? _scoreColumn;

        public Mapper(BackpropContributionsTransformer parent, DataViewSchema schema)
            : base(parent.Host, parent, schema)
        {
            _transformer = parent;
            string name = parent.ColumnPairs[0].inputColumnName;
            if (!schema.TryGetColumnIndex(name, out _featureColumn))
                throw Host.ExceptSchemaMismatch(nameof(schema), "feature", name);
            if (schema[_featureColumn].Type is not VectorDataViewType { ItemType: NumberDataViewType, Size: var size } vector ||
                vector.ItemType != NumberDataViewType.Single || size != parent._model.FeatureCount)
                throw Host.Except(
                    $"Column '{name}' is {schema[_featureColumn].Type} but the Backprop model explains a vector of {parent._model.FeatureCount} Single " +
                    "values: apply the same featurization as at training.");
            _scoreColumn = schema.GetColumnOrNull("Score");
        }

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
        {
            int features = _transformer._model.FeatureCount, outputs = _transformer.ExplainedOutputs;
            var builder = new DataViewSchema.Annotations.Builder();
            string[] featureNames = SlotNames(InputSchema[_featureColumn], features, "feature");
            string[] names = outputs == 1 ? featureNames
                : [.. SlotNames(_scoreColumn, outputs, "class").SelectMany(c => featureNames.Select(f => $"{c}/{f}"))];
            builder.AddSlotNames(names.Length, (ref VBuffer<ReadOnlyMemory<char>> dst) =>
            {
                var editor = VBufferEditor.Create(ref dst, names.Length);
                for (int i = 0; i < names.Length; i++)
                    editor.Values[i] = names[i].AsMemory();
                dst = editor.Commit();
            });
            return [new DataViewSchema.DetachedColumn(_transformer.ColumnPairs[0].outputColumnName,
                new VectorDataViewType(NumberDataViewType.Single, outputs * features), builder.ToAnnotations())];
        }

        protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> active, out Action? disposer)
        {
            disposer = null;
            var getFeatures = input.GetGetter<VBuffer<float>>(input.Schema[_featureColumn]);
            IBackpropModelParameters model = _transformer._model;
            int n = model.FeatureCount, classes = model.Network.OutputCount, outputs = _transformer.ExplainedOutputs;
            // One explainer and its buffers per getter: a getter serves one cursor, on one thread.
            var explainer = new IntegratedGradients(model.Ensemble, _transformer.Steps);
            float[] row = new float[n], contributions = new float[n], logits = new float[classes];
            VBuffer<float> features = default;
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> result) =>
            {
                getFeatures(ref features);
                ReadOnlySpan<float> scaled = model.NetworkInput(in features, row);
                var editor = VBufferEditor.Create(ref result, outputs * n);
                if (outputs == 1)
                {
                    int explained = 0;
                    if (classes > 1 && _transformer.Classes == ContributionClasses.Predicted)
                    {
                        model.Ensemble.PredictRaw(scaled, logits);
                        explained = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);
                    }
                    explainer.Explain(scaled, _transformer._networkBaseline, explained, editor.Values);
                }
                else
                {
                    for (int c = 0; c < outputs; c++)
                    {
                        explainer.Explain(scaled, _transformer._networkBaseline, c, contributions);
                        contributions.CopyTo(editor.Values.Slice(c * n, n));
                    }
                }
                result = editor.Commit();
            });
        }

        private static string[] SlotNames(DataViewSchema.Column? column, int count, string fallback)
        {
            var names = Enumerable.Range(0, count).Select(i => $"{fallback} {i}").ToArray();
            if (column is { } c && c.Type is VectorDataViewType { Size: var size } && size == count && c.HasSlotNames(count))
            {
                VBuffer<ReadOnlyMemory<char>> slotNames = default;
                c.GetSlotNames(ref slotNames);
                for (int i = 0; i < count; i++)
                {
                    string name = slotNames.GetItemOrDefault(i).ToString();
                    if (name.Length > 0)
                        names[i] = name;
                }
            }
            return names;
        }
    }
}
