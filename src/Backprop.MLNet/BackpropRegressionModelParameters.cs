using Backprop.MLNet;
using Backprop.MLNet.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

// Lets mlContext.Model.Load find the model's loader; VersionInfo names this assembly, so a fresh process needs no
// registration call.
[assembly: LoadableClass(typeof(BackpropRegressionModelParameters), null, typeof(SignatureLoadModel),
    "Backprop Regression Executor", BackpropRegressionModelParameters.LoaderSignature)]

namespace Backprop.MLNet;

/// <summary>
/// A trained Backprop regression network: scores a feature vector to one value on the label's own scale (the
/// label standardisation used in training is undone inside the model).
/// </summary>
public sealed class BackpropRegressionModelParameters : BackpropModelParametersBase<float>, ISingleCanSaveOnnx, ICalculateFeatureContribution, IFeatureContributionMapper
{
    internal const string LoaderSignature = "BackpropRegressionExec";
    private const string RegistrationName = "BackpropRegressionPredictor";

    private const uint VersionWithEnsemble = 0x00010002;
    private const uint VersionWithChecksum = 0x00010003;

    internal BackpropRegressionModelParameters(IHostEnvironment env, MlpEnsemble ensemble, FeatureStandardization? standardization)
        : base(env, RegistrationName, ensemble, standardization)
    {
        CheckShape(Network);
    }

    private BackpropRegressionModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx, SavedLayouts.For(ctx.Header.ModelVerWritten, VersionWithEnsemble, VersionWithChecksum))
    {
        CheckShape(Network);
    }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.Regression;

    private protected override DataViewType OutputType => NumberDataViewType.Single;

    internal static BackpropRegressionModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel(GetVersionInfo());
        return new BackpropRegressionModelParameters(env, ctx);
    }

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "BPROPREG",
        // verWrittenCur: 0x00010001, // Initial
        // verWrittenCur: VersionWithEnsemble, // The feature scaling's kind, the ensemble's further networks
        verWrittenCur: VersionWithChecksum, // Everything in one block under a SHA-256
        verReadableCur: VersionWithChecksum,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(BackpropRegressionModelParameters).Assembly.FullName);

    private protected override VersionInfo ModelVersion => GetVersionInfo();

    private protected override ValueMapper<VBuffer<float>, float> CreateMapper(float[] scratch)
        => (in VBuffer<float> features, ref float score) => score = PredictOne(in features, scratch, raw: false);

    /// <summary>Feature contributions by integrated gradients, for <c>mlContext.Transforms.CalculateFeatureContribution</c>.</summary>
    FeatureContributionCalculator ICalculateFeatureContribution.FeatureContributionCalculator => new(this);

    ValueMapper<TSrc, VBuffer<float>> IFeatureContributionMapper.GetFeatureContributionMapper<TSrc, TDst>(int top, int bottom, bool normalize)
        => CreateContributionMapper<TSrc>(top, bottom, normalize);

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
    {
        Host.CheckValue(ctx, nameof(ctx));
        Host.Check(outputNames.Length == 1, "A regression model writes one output, the score.");
        string x = OnnxNetworkWriter.WriteRawOutputs(ctx, Ensemble, Standardization, featureColumn);
        if (Network.LabelScaling is { } scaling)
        {
            x = OnnxNetworkWriter.Node(ctx, "Mul", [x, ctx.AddInitializer((float)scaling.Scale, "BackpropLabelScale")], "BackpropScaled");
            x = OnnxNetworkWriter.Node(ctx, "Add", [x, ctx.AddInitializer((float)scaling.Offset, "BackpropLabelOffset")], "BackpropUnscaled");
        }
        OnnxNetworkWriter.Write(ctx, Network.OutputTransform == OutputTransform.Exp ? "Exp" : "Identity", [x], outputNames[0]);
        return true;
    }

    private static void CheckShape(MultilayerPerceptron network)
        => CheckNetworkShape(network, 1, [OutputTransform.Identity, OutputTransform.Exp], "regression");
}
