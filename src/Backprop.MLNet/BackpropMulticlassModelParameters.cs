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
public sealed class BackpropMulticlassModelParameters : BackpropModelParametersBase<VBuffer<float>>, IValueMapper, ISingleCanSaveOnnx
{
    internal const string LoaderSignature = "BackpropMulticlassExec";
    private const string RegistrationName = "BackpropMulticlassPredictor";

    private readonly VectorDataViewType _outputType;

    internal BackpropMulticlassModelParameters(IHostEnvironment env, MultilayerPerceptron network, FeatureStandardization? standardization)
        : base(env, RegistrationName, network, standardization)
    {
        CheckShape(network);
        _outputType = new VectorDataViewType(NumberDataViewType.Single, network.OutputCount);
    }

    private BackpropMulticlassModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx)
    {
        CheckShape(Network);
        _outputType = new VectorDataViewType(NumberDataViewType.Single, Network.OutputCount);
    }

    /// <summary>The number of classes: the length of the <c>Score</c> vector.</summary>
    public int ClassCount => Network.OutputCount;

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

    DataViewType IValueMapper.InputType => InputType;

    DataViewType IValueMapper.OutputType => _outputType;

    internal static BackpropMulticlassModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel(GetVersionInfo());
        return new BackpropMulticlassModelParameters(env, ctx);
    }

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "BPROPMCL",
        verWrittenCur: 0x00010001, // Initial
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(BackpropMulticlassModelParameters).Assembly.FullName);

    private protected override VersionInfo ModelVersion => GetVersionInfo();

    ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
    {
        Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(VBuffer<float>),
            "A Backprop multiclass model maps a float vector to a float vector of class probabilities.");
        // One scratch row per mapper: ML.NET asks for a mapper per cursor, and a cursor runs on one thread.
        var scratch = new float[Network.InputCount];
        int classes = ClassCount;
        ValueMapper<VBuffer<float>, VBuffer<float>> map = (in VBuffer<float> features, ref VBuffer<float> probabilities) =>
        {
            var editor = VBufferEditor.Create(ref probabilities, classes);
            Network.Predict(NetworkInput(in features, scratch), editor.Values);
            probabilities = editor.Commit();
        };
        return (ValueMapper<TIn, TOut>)(Delegate)map;
    }

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
    {
        Host.CheckValue(ctx, nameof(ctx));
        // ML.NET hands a multiclass classifier its two outputs: PredictedLabel, Score.
        Host.Check(outputNames.Length == 2, "A multiclass model writes two outputs: the predicted label and the scores.");
        string logits = OnnxNetworkWriter.WriteLayers(ctx, Network, Standardization, featureColumn);
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

    private static void CheckShape(MultilayerPerceptron network)
        => CheckNetworkShape(network, network.OutputCount, [OutputTransform.Softmax], "multiclass classification");
}
