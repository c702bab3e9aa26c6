using Backprop.MLNet;
using Backprop.MLNet.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

// Lets mlContext.Model.Load find the model's loader; VersionInfo names this assembly, so a fresh process needs no
// registration call.
[assembly: LoadableClass(typeof(BackpropBinaryModelParameters), null, typeof(SignatureLoadModel),
    "Backprop Binary Executor", BackpropBinaryModelParameters.LoaderSignature)]

namespace Backprop.MLNet;

/// <summary>
/// A trained Backprop binary classifier: scores a feature vector to the network's logit (<c>Score</c>) and its
/// sigmoid (<c>Probability</c>). The network was trained on the cross-entropy of that sigmoid, so the probability
/// needs no separate calibrator.
/// </summary>
public sealed class BackpropBinaryModelParameters : BackpropModelParametersBase<float>, IValueMapperDist, ISingleCanSaveOnnx, ICalculateFeatureContribution, IFeatureContributionMapper
{
    internal const string LoaderSignature = "BackpropBinaryExec";
    private const string RegistrationName = "BackpropBinaryPredictor";

    private const uint VersionWithEnsemble = 0x00010002;
    private const uint VersionWithChecksum = 0x00010003;

    internal BackpropBinaryModelParameters(IHostEnvironment env, MlpEnsemble ensemble, FeatureStandardization? standardization)
        : base(env, RegistrationName, ensemble, standardization)
    {
        CheckShape(Network);
    }

    private BackpropBinaryModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx, SavedLayouts.For(ctx.Header.ModelVerWritten, VersionWithEnsemble, VersionWithChecksum))
    {
        CheckShape(Network);
    }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

    private protected override DataViewType OutputType => NumberDataViewType.Single;

    DataViewType IValueMapperDist.DistType => NumberDataViewType.Single;

    internal static BackpropBinaryModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel(GetVersionInfo());
        return new BackpropBinaryModelParameters(env, ctx);
    }

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "BPROPBIN",
        // verWrittenCur: 0x00010001, // Initial
        // verWrittenCur: VersionWithEnsemble, // The feature scaling's kind, the ensemble's further networks
        verWrittenCur: VersionWithChecksum, // Everything in one block under a SHA-256
        verReadableCur: VersionWithChecksum,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(BackpropBinaryModelParameters).Assembly.FullName);

    private protected override VersionInfo ModelVersion => GetVersionInfo();

    private protected override ValueMapper<VBuffer<float>, float> CreateMapper(float[] scratch)
        => (in VBuffer<float> features, ref float score) => score = PredictOne(in features, scratch, raw: true);

    ValueMapper<TIn, TOut, TDist> IValueMapperDist.GetMapper<TIn, TOut, TDist>()
    {
        Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float) && typeof(TDist) == typeof(float),
            "A Backprop binary model maps a float vector to a float score and a float probability.");
        var scratch = new float[Network.InputCount];
        ValueMapper<VBuffer<float>, float, float> map = (in VBuffer<float> features, ref float score, ref float probability) =>
        {
            Span<float> output = stackalloc float[1];
            output[0] = score = PredictOne(in features, scratch, raw: true);
            Network.ApplyOutputTransform(output);
            probability = output[0];
        };
        return (ValueMapper<TIn, TOut, TDist>)(Delegate)map;
    }

    /// <summary>Feature contributions by integrated gradients, for <c>mlContext.Transforms.CalculateFeatureContribution</c>.</summary>
    FeatureContributionCalculator ICalculateFeatureContribution.FeatureContributionCalculator => new(this);

    ValueMapper<TSrc, VBuffer<float>> IFeatureContributionMapper.GetFeatureContributionMapper<TSrc, TDst>(int top, int bottom, bool normalize)
        => CreateContributionMapper<TSrc>(top, bottom, normalize);

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
    {
        Host.CheckValue(ctx, nameof(ctx));
        // ML.NET hands a binary classifier three names, PredictedLabel, Score and Probability, and writes the
        // PredictedLabel node itself by thresholding the score.
        Host.Check(outputNames.Length == 3, "A binary model is handed three outputs: the label, the score and the probability.");
        string logits = OnnxNetworkWriter.WriteRawOutputs(ctx, Ensemble, Standardization, featureColumn);
        OnnxNetworkWriter.Write(ctx, "Identity", [logits], outputNames[1]);
        OnnxNetworkWriter.Write(ctx, "Sigmoid", [logits], outputNames[2]);
        return true;
    }

    private static void CheckShape(MultilayerPerceptron network)
        => CheckNetworkShape(network, 1, [OutputTransform.Sigmoid], "binary classification");
}
