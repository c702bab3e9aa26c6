using Backprop.MLNet.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Internal.Utilities;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace Backprop.MLNet;

/// <summary>
/// A trained Backprop network as ML.NET model parameters: what every task's model shares. The network itself,
/// with its layers, weights, label scaling and training history, is <see cref="Network"/>.
/// </summary>
/// <typeparam name="TOutput">What the model scores a row to: a float, or a float vector for multiclass.</typeparam>
public abstract class BackpropModelParametersBase<TOutput> : ModelParametersBase<TOutput>, IBackpropModelParameters, IValueMapper
{
    private protected BackpropModelParametersBase(IHostEnvironment env, string name, MultilayerPerceptron network,
        FeatureStandardization? standardization)
        : base(env, name)
    {
        Host.CheckValue(network, nameof(network));
        Network = network;
        Standardization = standardization;
        InputType = new VectorDataViewType(NumberDataViewType.Single, network.InputCount);
    }

    private protected BackpropModelParametersBase(IHostEnvironment env, string name, ModelLoadContext ctx)
        : base(env, name, ctx)
    {
        // *** Binary format ***
        // byte[]: the engine's model file (MultilayerPerceptron.Save), length-prefixed; it carries its own
        //         format version and SHA-256 checksum.
        // bool:   whether the features are standardised
        // (if so) float[] means, float[] deviations, length-prefixed
        byte[] bytes = ctx.Reader.ReadByteArray();
        try
        {
            Network = MultilayerPerceptron.Load(new MemoryStream(bytes, writable: false));
            if (ctx.Reader.ReadBoolByte())
                Standardization = FeatureStandardization.Load(ctx.Reader, Network.InputCount);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataException($"The Backprop network inside this ML.NET model is damaged or unreadable: {e.Message}", e);
        }
        InputType = new VectorDataViewType(NumberDataViewType.Single, Network.InputCount);
    }

    /// <inheritdoc/>
    public MultilayerPerceptron Network { get; }

    /// <inheritdoc/>
    public IReadOnlyList<DenseLayer> Layers => Network.Layers;

    /// <inheritdoc/>
    public TrainingHistory History => Network.History;

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
            Network.PredictRaw(NetworkInput(in features, scratch), output);
        else
            Network.Predict(NetworkInput(in features, scratch), output);
        return output[0];
    }

    /// <summary>The task model's signature and versions, written into the saved model for its loader.</summary>
    private protected abstract VersionInfo ModelVersion { get; }

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        base.SaveCore(ctx);
        ctx.SetVersionInfo(ModelVersion);
        using var buffer = new MemoryStream();
        Network.Save(buffer);
        ctx.Writer.WriteByteArray(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        ctx.Writer.WriteBoolByte(Standardization is not null);
        Standardization?.Save(ctx.Writer);
    }

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
