using Backprop.MLNet.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Internal.Utilities;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace Backprop.MLNet;

/// <summary>
/// A trained Backprop network, or ensemble of networks, as ML.NET model parameters: what every task's model shares.
/// The networks themselves, with their layers, weights, label scaling and training history, are <see cref="Networks"/>.
/// </summary>
/// <typeparam name="TOutput">What the model scores a row to: a float, or a float vector for multiclass.</typeparam>
public abstract class BackpropModelParametersBase<TOutput> : ModelParametersBase<TOutput>, IBackpropModelParameters, IValueMapper
{
    private protected BackpropModelParametersBase(IHostEnvironment env, string name, MlpEnsemble ensemble,
        FeatureStandardization? standardization)
        : base(env, name)
    {
        Host.CheckValue(ensemble, nameof(ensemble));
        Ensemble = ensemble;
        Standardization = standardization;
        InputType = new VectorDataViewType(NumberDataViewType.Single, ensemble.InputCount);
    }

    /// <param name="env">The host environment.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="ctx">The model being loaded.</param>
    /// <param name="layout">The layout the file was written in, from its version.</param>
    private protected BackpropModelParametersBase(IHostEnvironment env, string name, ModelLoadContext ctx, SavedLayout layout)
        : base(env, name, ctx)
    {
        // *** Binary format (Checked) ***
        // long:     the payload's length; byte[32]: its SHA-256; then the payload:
        //   int:    the number of networks; each the engine's model file (MultilayerPerceptron.Save), length-prefixed
        //   byte:   whether the features are scaled; (if so) float[] centres, float[] scales, length-prefixed; byte: smooth clip
        //   byte:   whether task data follows; (if so) string: the task's data (the multiclass label column's name)
        // Earlier layouts: the first network, the scaling (its flag from WithScalingKindAndEnsemble), then the further
        // networks' count and the networks, outside any checksum; they are read with the same bounded readers.
        try
        {
            if (layout == SavedLayout.Checked)
            {
                using BinaryReader payload = CheckedModelBlock.Read(ctx.Reader);
                (Ensemble, Standardization) = ReadNetworksAndScaling(payload, SavedLayout.Checked);
                TaskData = CheckedModelBlock.ReadOrDamaged(payload.ReadByte) switch
                {
                    0 => null,
                    1 => CheckedModelBlock.ReadOrDamaged(payload.ReadString),
                    var flag => throw new InvalidDataException($"its task-data flag is {flag}."),
                };
                if (payload.BaseStream.Position != payload.BaseStream.Length)
                    throw new InvalidDataException("it has unexpected data after its end.");
            }
            else
            {
                (Ensemble, Standardization) = ReadNetworksAndScaling(ctx.Reader, layout);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"The Backprop model inside this ML.NET model is damaged: {e.Message}", e);
        }
        InputType = new VectorDataViewType(NumberDataViewType.Single, Ensemble.InputCount);
    }

    private static (MlpEnsemble, FeatureStandardization?) ReadNetworksAndScaling(BinaryReader reader, SavedLayout layout)
    {
        int count = layout == SavedLayout.Checked ? CheckedModelBlock.ReadOrDamaged(reader.ReadInt32) : 1;
        if (count < 1 || count > MaxNetworks)
            throw new InvalidDataException($"its ensemble size {count} is out of range.");
        var members = new List<MultilayerPerceptron>();
        for (int m = 0; m < count; m++)
            members.Add(ReadNetwork(reader));
        FeatureStandardization? standardization = CheckedModelBlock.ReadOrDamaged(reader.ReadByte) switch
        {
            0 => null,
            1 => FeatureStandardization.Load(reader, members[0].InputCount, hasKind: layout != SavedLayout.Initial),
            var flag => throw new InvalidDataException($"its feature-scaling flag is {flag}."),
        };
        if (layout == SavedLayout.WithScalingKindAndEnsemble)
        {
            int further = CheckedModelBlock.ReadOrDamaged(reader.ReadInt32);
            if (further < 0 || further >= MaxNetworks)
                throw new InvalidDataException($"its ensemble size {further + 1} is out of range.");
            for (int m = 0; m < further; m++)
                members.Add(ReadNetwork(reader));
        }
        return (new MlpEnsemble(members), standardization);
    }

    /// <summary>The task data a model saved in the <see cref="SavedLayout.Checked"/> layout carried, or <see langword="null"/>.</summary>
    private protected string? TaskData { get; }

    /// <summary>What a task keeps in the checked block beside the networks (the multiclass label column); default none.</summary>
    private protected virtual string? TaskDataToSave => null;

    // More networks than any ensemble would hold means a damaged count.
    private const int MaxNetworks = 10_000;

    /// <summary>The first of <see cref="Networks"/>: the only one unless the trainer's <c>NumberOfModels</c> was above 1.</summary>
    public MultilayerPerceptron Network => Ensemble.Members[0];

    /// <inheritdoc/>
    public IReadOnlyList<MultilayerPerceptron> Networks => Ensemble.Members;

    /// <summary>The networks as one averaged model.</summary>
    internal MlpEnsemble Ensemble { get; }

    /// <inheritdoc/>
    public IReadOnlyList<DenseLayer> Layers => Network.Layers;

    /// <inheritdoc/>
    public TrainingHistory History => Network.History;

    /// <inheritdoc/>
    public FeatureScaling FeatureScaling => Standardization?.Kind ?? FeatureScaling.None;

    /// <inheritdoc/>
    public IReadOnlyList<float>? FeatureMeans => Standardization?.Means;

    /// <inheritdoc/>
    public IReadOnlyList<float>? FeatureScales => Standardization?.Scales;

    /// <inheritdoc/>
    public int FeatureCount => Network.InputCount;

    /// <summary>The type of the feature column the model scores: a float vector of <see cref="FeatureCount"/>.</summary>
    private protected VectorDataViewType InputType { get; }

    internal FeatureStandardization? Standardization { get; }

    FeatureStandardization? IBackpropModelParameters.Standardization => Standardization;

    MlpEnsemble IBackpropModelParameters.Ensemble => Ensemble;

    ReadOnlySpan<float> IBackpropModelParameters.NetworkInput(in VBuffer<float> features, float[] scratch) => NetworkInput(in features, scratch);

    DataViewType IValueMapper.InputType => InputType;

    DataViewType IValueMapper.OutputType => OutputType;

    /// <summary>What a row is scored to: a float, or a float vector of <c>ClassCount</c>.</summary>
    private protected abstract DataViewType OutputType { get; }

    ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
    {
        Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(TOutput),
            $"A Backprop model maps a float vector to {OutputType}.");
        // One scratch row per mapper: ML.NET asks for a mapper per cursor, and a cursor runs on one thread.
        return (ValueMapper<TIn, TOut>)(Delegate)CreateMapper(new float[Network.InputCount]);
    }

    /// <summary>Scores one row; <paramref name="scratch"/> (a row of <see cref="FeatureCount"/>) is the mapper's own.</summary>
    private protected abstract ValueMapper<VBuffer<float>, TOutput> CreateMapper(float[] scratch);

    /// <summary>The single output of a one-output network for one row: raw (the logit), or after the output transform.</summary>
    private protected float PredictOne(in VBuffer<float> features, float[] scratch, bool raw)
    {
        Span<float> output = stackalloc float[1];
        if (raw)
            Ensemble.PredictRaw(NetworkInput(in features, scratch), output);
        else
            Ensemble.Predict(NetworkInput(in features, scratch), output);
        return output[0];
    }

    /// <summary>
    /// The feature contributions of a one-output model, for ML.NET's <c>CalculateFeatureContribution</c>: integrated
    /// gradients (<see cref="IntegratedGradients"/>: exact for piecewise-linear networks, else
    /// <see cref="IntegratedGradients.DefaultSteps"/> quadrature points) from the
    /// centre the model's feature scaling keeps — the training mean, or under robust scaling the median; zero where the
    /// model does not scale features — in the score's units (regression: the label's; binary: the logit), then ML.NET's
    /// own selection of the <paramref name="top"/> positive and <paramref name="bottom"/> negative values and
    /// normalisation. A mapper serves one cursor at a time, as ML.NET uses it.
    /// </summary>
    private protected ValueMapper<TSrc, VBuffer<float>> CreateContributionMapper<TSrc>(int top, int bottom, bool normalize)
    {
        Host.Check(typeof(TSrc) == typeof(VBuffer<float>), "A Backprop model explains a float vector.");
        var explainer = new IntegratedGradients(Ensemble);
        float[] scratch = new float[FeatureCount], contributions = new float[FeatureCount];
        // In the network's scaled inputs the scaling's centre is the origin.
        float[] baseline = new float[FeatureCount];
        ValueMapper<VBuffer<float>, VBuffer<float>> mapper = (in VBuffer<float> features, ref VBuffer<float> result) =>
        {
            explainer.Explain(NetworkInput(in features, scratch), baseline, 0, contributions);
            var editor = VBufferEditor.Create(ref result, contributions.Length);
            contributions.CopyTo(editor.Values);
            result = editor.Commit();
            Microsoft.ML.Numeric.VectorUtils.SparsifyNormalize(ref result, top, bottom, normalize);
        };
        return (ValueMapper<TSrc, VBuffer<float>>)(Delegate)mapper;
    }

    /// <summary>The task model's signature and versions, written into the saved model for its loader.</summary>
    private protected abstract VersionInfo ModelVersion { get; }

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        base.SaveCore(ctx);
        ctx.SetVersionInfo(ModelVersion);
        CheckedModelBlock.Write(ctx.Writer, writer =>
        {
            writer.Write(Networks.Count);
            foreach (var network in Networks)
            {
                using var buffer = new MemoryStream();
                network.Save(buffer);
                writer.WriteByteArray(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            }
            writer.WriteBoolByte(Standardization is not null);
            Standardization?.Save(writer);
            string? taskData = TaskDataToSave;
            writer.WriteBoolByte(taskData is not null);
            if (taskData is not null)
                writer.Write(taskData);
        });
    }

    private static MultilayerPerceptron ReadNetwork(BinaryReader reader)
        => MultilayerPerceptron.Load(new MemoryStream(CheckedModelBlock.ByteArray(reader), writable: false));

    /// <summary>
    /// Copies a feature vector, dense or sparse, into <paramref name="scratch"/> and standardises it as in
    /// training, refusing a vector of the wrong length with a message that names both sizes.
    /// </summary>
    private protected ReadOnlySpan<float> NetworkInput(in VBuffer<float> features, float[] scratch)
    {
        if (features.Length != Network.InputCount)
            throw Host.Except(
                $"The feature vector has {features.Length} values but this Backprop model was trained on {Network.InputCount}. " +
                "Score with the same featurization (column order, one-hot categories, text settings) as at training.");
        features.CopyTo(scratch);
        Standardization?.Apply(scratch);
        return scratch;
    }

    /// <summary>Throws unless the loaded network has the output layer this task scores with.</summary>
    private protected static void CheckNetworkShape(MultilayerPerceptron network, int outputs, OutputTransform[] transforms, string task)
    {
        if (network.OutputCount != outputs || Array.IndexOf(transforms, network.OutputTransform) < 0)
            throw new InvalidDataException(
                $"The Backprop network in this model has {network.OutputCount} output(s) with a {network.OutputTransform} output, " +
                $"which is not a {task} network.");
    }
}
