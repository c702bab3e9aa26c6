using Microsoft.ML.Model.OnnxConverter;

namespace Backprop.MLNet.Internal;

/// <summary>
/// Writes a network's dense layers into an ONNX graph with standard operators (MatMul, Add and one node per
/// activation), so any ONNX runtime scores it as the engine does.
/// </summary>
internal static class OnnxNetworkWriter
{
    // The default ONNX domain; OnnxContext.CreateNode would otherwise use "ai.onnx.ml".
    private const string StandardDomain = "";

    /// <summary>Writes every layer and returns the variable holding the raw outputs (rows × outputs, before any output transform).</summary>
    public static string WriteLayers(OnnxContext ctx, MultilayerPerceptron network, FeatureStandardization? standardization, string input)
    {
        string x = input;
        if (standardization is not null)
        {
            long[] shape = [1, network.InputCount];
            string means = ctx.AddInitializer(standardization.Means, shape, "BackpropFeatureMeans");
            string scales = ctx.AddInitializer(standardization.Scales, shape, "BackpropFeatureScales");
            x = Node(ctx, "Div", [Node(ctx, "Sub", [x, means], "BackpropCentred"), scales], "BackpropStandardized");
        }
        for (int l = 0; l < network.Layers.Count; l++)
        {
            DenseLayer layer = network.Layers[l];
            string weights = ctx.AddInitializer(layer.Weights.ToArray(), [layer.InputSize, layer.OutputSize], $"BackpropW{l}");
            string biases = ctx.AddInitializer(layer.Biases.ToArray(), [layer.OutputSize], $"BackpropB{l}");
            string product = Node(ctx, "MatMul", [x, weights], $"BackpropMatMul{l}");
            x = Node(ctx, "Add", [product, biases], $"BackpropLinear{l}");
            if (layer.Activation is { } activation)
                x = WriteActivation(ctx, activation, x, l);
        }
        return x;
    }

    /// <summary>Adds one standard-domain node writing a new intermediate variable and returns that variable.</summary>
    public static string Node(OnnxContext ctx, string opType, string[] inputs, string outputPrefix)
    {
        string output = ctx.AddIntermediateVariable(null!, outputPrefix, skip: true);
        Write(ctx, opType, inputs, output);
        return output;
    }

    /// <summary>Adds one standard-domain node writing the named output.</summary>
    public static OnnxNode Write(OnnxContext ctx, string opType, string[] inputs, string output)
        => ctx.CreateNode(opType, inputs, [output], ctx.GetNodeName(opType), StandardDomain);

    private static string WriteActivation(OnnxContext ctx, Activation activation, string z, int layer)
    {
        string name = $"BackpropActivation{layer}";
        switch (activation.Kind)
        {
            case ActivationKind.Identity:
                return z;
            case ActivationKind.ReLU:
                return Node(ctx, "Relu", [z], name);
            case ActivationKind.Tanh:
                return Node(ctx, "Tanh", [z], name);
            case ActivationKind.Sigmoid:
                return Node(ctx, "Sigmoid", [z], name);
            case ActivationKind.SoftPlus:
                return Node(ctx, "Softplus", [z], name);
            case ActivationKind.LeakyReLU:
            {
                string output = ctx.AddIntermediateVariable(null!, name, skip: true);
                Write(ctx, "LeakyRelu", [z], output).AddAttribute("alpha", (double)activation.NegativeSlope);
                return output;
            }
            case ActivationKind.Gelu:
            {
                // The exact GELU, z·Φ(z) = 0.5·z·(1 + erf(z/√2)), from operators every opset since 9 has.
                string scaled = Node(ctx, "Mul", [z, ctx.AddInitializer(1f / MathF.Sqrt(2f), "BackpropInvSqrt2")], name + "Scaled");
                string erf = Node(ctx, "Erf", [scaled], name + "Erf");
                string onePlus = Node(ctx, "Add", [erf, ctx.AddInitializer(1f, "BackpropOne")], name + "OnePlus");
                string half = Node(ctx, "Mul", [z, ctx.AddInitializer(0.5f, "BackpropHalf")], name + "Half");
                return Node(ctx, "Mul", [half, onePlus], name);
            }
            default:
                throw new NotSupportedException($"No ONNX form for the activation {activation}.");
        }
    }
}
