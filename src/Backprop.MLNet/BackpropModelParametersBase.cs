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
    /// <param name="hasScalingKindAndEnsemble">
    /// Whether the file was written by a version that stores the feature scaling's kind and the ensemble's further networks.
    /// </param>
    private protected BackpropModelParametersBase(IHostEnvironment env, string name, ModelLoadContext ctx, bool hasScalingKindAndEnsemble)
        : base(env, name, ctx)
    {
        // *** Binary format ***
        // byte[]: the engine's model file (MultilayerPerceptron.Save) of the first network, length-prefixed; it
        //         carries its own format version and SHA-256 checksum.
        // bool:   whether the features are scaled
        // (if so) float[] centres, float[] scales, length-prefixed;
        //         (from the task's ensemble version) bool: whether the scaled values are smoothly clipped
        // (from the task's ensemble version) int: the number of further networks; each as the first, length-prefixed
        try
        {
            var members = new List<MultilayerPerceptron> { ReadNetwork(ctx.Reader) };
            if (ctx.Reader.ReadBoolByte())
                Standardization = FeatureStandardization.Load(ctx.Reader, members[0].InputCount, hasScalingKindAndEnsemble);
            int further = hasScalingKindAndEnsemble ? ctx.Reader.ReadInt32() : 0;
            if (further < 0 || further > MaxFurtherNetworks)
                throw new InvalidDataException($"the ensemble size {further + 1} is out of range.");
            for (int m = 0; m < further; m++)
                members.Add(ReadNetwork(ctx.Reader));
            Ensemble = new MlpEnsemble(members);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException)
        {
            throw new InvalidDataException($"The Backprop network inside this ML.NET model is damaged or unreadable: {e.Message}", e);
        }
        InputType = new VectorDataViewType(NumberDataViewType.Single, Ensemble.InputCount);
    }

    // More networks than any ensemble would hold means a damaged count.
    private const int MaxFurtherNetworks = 9_999;

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

    /// <summary>The task model's signature and versions, written into the saved model for its loader.</summary>
    private protected abstract VersionInfo ModelVersion { get; }

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        base.SaveCore(ctx);
        ctx.SetVersionInfo(ModelVersion);
        WriteNetwork(ctx.Writer, Networks[0]);
        ctx.Writer.WriteBoolByte(Standardization is not null);
        Standardization?.Save(ctx.Writer);
        ctx.Writer.Write(Networks.Count - 1);
        foreach (var network in Networks.Skip(1))
            WriteNetwork(ctx.Writer, network);
    }

    private static void WriteNetwork(BinaryWriter writer, MultilayerPerceptron network)
    {
        using var buffer = new MemoryStream();
        network.Save(buffer);
        writer.WriteByteArray(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static MultilayerPerceptron ReadNetwork(BinaryReader reader)
        => MultilayerPerceptron.Load(new MemoryStream(reader.ReadByteArray(), writable: false));

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
