using Microsoft.ML.Model.OnnxConverter;

namespace Backprop.MLNet.Internal;

/// <summary>
/// Writes a network's dense layers into an ONNX graph with standard operators (MatMul, Add, one node per activation,
/// layer normalisation from element-wise operators, BatchNormalization), and any periodic embedding before them
/// (Gather, Cos, a batched MatMul, Concat), so any ONNX runtime scores it as the engine does.
/// </summary>
internal static class OnnxNetworkWriter
{
    // The default ONNX domain; OnnxContext.CreateNode would otherwise use "ai.onnx.ml".
    private const string StandardDomain = "";

    /// <summary>
    /// Writes the feature standardisation, then every member's layers, and returns the variable holding the members'
    /// mean raw outputs (rows × outputs, before any output transform), as <see cref="MlpEnsemble.PredictRaw"/> computes them.
    /// </summary>
    public static string WriteRawOutputs(OnnxContext ctx, MlpEnsemble ensemble, FeatureStandardization? standardization, string input)
    {
        string x = input;
        if (standardization is not null)
        {
            long[] shape = [1, ensemble.InputCount];
            string means = ctx.AddInitializer(standardization.Means, shape, "BackpropFeatureMeans");
            string scales = ctx.AddInitializer(standardization.Scales, shape, "BackpropFeatureScales");
            x = Node(ctx, "Div", [Node(ctx, "Sub", [x, means], "BackpropCentred"), scales], "BackpropStandardized");
            if (standardization.SmoothClip)
            {
                // v / sqrt(v·v·(1/9) + 1), in the engine's order of operations.
                string square = Node(ctx, "Mul", [x, x], "BackpropSquared");
                string ninth = Node(ctx, "Mul", [square, ctx.AddInitializer(1f / 9f, "BackpropOneNinth")], "BackpropSquaredNinth");
                string plusOne = Node(ctx, "Add", [ninth, ctx.AddInitializer(1f, "BackpropClipOne")], "BackpropClipRadicand");
                x = Node(ctx, "Div", [x, Node(ctx, "Sqrt", [plusOne], "BackpropClipDenominator")], "BackpropSmoothClipped");
            }
        }
        if (ensemble.Members.Count == 1)
            return WriteLayers(ctx, ensemble.Members[0], x, "Backprop");
        string[] outputs = ensemble.Members.Select((network, m) => WriteLayers(ctx, network, x, $"BackpropM{m}")).ToArray();
        // The engine sums member by member, then multiplies by 1/k: the same order and rounding as here.
        string sum = outputs[0];
        for (int m = 1; m < outputs.Length; m++)
            sum = Node(ctx, "Add", [sum, outputs[m]], "BackpropEnsembleSum");
        return Node(ctx, "Mul", [sum, ctx.AddInitializer(1f / outputs.Length, "BackpropEnsembleWeight")], "BackpropEnsembleMean");
    }

    // One network's layers from the (standardised) input x; names start with prefix so that members do not collide.
    private static string WriteLayers(OnnxContext ctx, MultilayerPerceptron network, string x, string prefix)
    {
        if (network.Embedding is { } embedding)
            x = WriteEmbedding(ctx, embedding, x, prefix + "Embedding");
        for (int l = 0; l < network.Layers.Count; l++)
        {
            DenseLayer layer = network.Layers[l];
            string weights = ctx.AddInitializer(layer.Weights.ToArray(), [layer.InputSize, layer.OutputSize], $"{prefix}W{l}");
            string biases = ctx.AddInitializer(layer.Biases.ToArray(), [layer.OutputSize], $"{prefix}B{l}");
            string product = Node(ctx, "MatMul", [x, weights], $"{prefix}MatMul{l}");
            string output = Node(ctx, "Add", [product, biases], $"{prefix}Linear{l}");
            if (layer.Normalization == HiddenNormalization.Layer)
                output = WriteLayerNorm(ctx, layer, output, $"{prefix}LayerNorm{l}");
            else if (layer.Normalization == HiddenNormalization.Batch)
                output = WriteBatchNorm(ctx, layer, output, $"{prefix}BatchNorm{l}");
            if (layer.Activation is { } activation)
                output = WriteActivation(ctx, activation, output, $"{prefix}Activation{l}");
            if (layer.Residual)
            {
                string skip = layer.Projection.IsEmpty ? x
                    : Node(ctx, "MatMul", [x, ctx.AddInitializer(layer.Projection.ToArray(), [layer.InputSize, layer.OutputSize], $"{prefix}P{l}")],
                        $"{prefix}Projection{l}");
                output = Node(ctx, "Add", [output, skip], $"{prefix}Residual{l}");
            }
            x = output;
        }
        return x;
    }

    /// <summary>
    /// The first layer's input from rows x (rows × features): for the d embedded features, [W·cos(x·f·2π + φ) + b, x]
    /// computed as a batch of d matrix products (d × rows × k by d × k × m), then the passed features.
    /// </summary>
    private static string WriteEmbedding(OnnxContext ctx, PeriodicEmbeddingLayer embedding, string x, string prefix)
    {
        int d = embedding.EmbeddedFeatures.Count, k = embedding.FrequencyCount, m = embedding.Size;
        string embedded = Gather(ctx, x, embedding.EmbeddedFeatures, prefix + "Inputs");
        string column = Node(ctx, "Reshape", [embedded, ctx.AddInitializer([-1L, d, 1], [3L], prefix + "ColumnShape")], prefix + "Column");
        string product = Node(ctx, "Mul", [column, ctx.AddInitializer(embedding.Frequencies.ToArray(), [d, k], prefix + "Frequencies")],
            prefix + "Cycles");
        string radians = Node(ctx, "Mul", [product, ctx.AddInitializer(2f * MathF.PI, prefix + "TwoPi")], prefix + "Radians");
        string angles = Node(ctx, "Add", [radians, ctx.AddInitializer(embedding.Phases.ToArray(), [d, k], prefix + "Phases")], prefix + "Angles");
        string cosines = Transpose(ctx, Node(ctx, "Cos", [angles], prefix + "Cosines"), prefix + "CosinesByFeature");
        string values = Node(ctx, "Add", [
            Node(ctx, "MatMul", [cosines, ctx.AddInitializer(embedding.Weights.ToArray(), [d, k, m], prefix + "Weights")], prefix + "Product"),
            ctx.AddInitializer(embedding.Biases.ToArray(), [d, 1, m], prefix + "Biases")], prefix + "ValuesByFeature");
        string withValue = Concat(ctx, [Transpose(ctx, values, prefix + "Values"), column], 2, prefix + "WithValue");
        string flat = Node(ctx, "Reshape", [withValue, ctx.AddInitializer([-1L, d * (m + 1)], [2L], prefix + "FlatShape")], prefix + "Flat");
        return embedding.PassedFeatures.Count == 0 ? flat
            : Concat(ctx, [flat, Gather(ctx, x, embedding.PassedFeatures, prefix + "Passed")], 1, prefix + "Output");
    }

    private static string Gather(OnnxContext ctx, string x, IReadOnlyList<int> columns, string name)
    {
        string output = ctx.AddIntermediateVariable(null!, name, skip: true);
        string indices = ctx.AddInitializer(columns.Select(c => (long)c), [columns.Count], name + "Indices");
        Write(ctx, "Gather", [x, indices], output).AddAttribute("axis", 1L);
        return output;
    }

    // Swaps the first two axes of a rank-3 tensor.
    private static string Transpose(OnnxContext ctx, string x, string name)
    {
        string output = ctx.AddIntermediateVariable(null!, name, skip: true);
        Write(ctx, "Transpose", [x], output).AddAttribute("perm", new long[] { 1, 0, 2 });
        return output;
    }

    private static string Concat(OnnxContext ctx, string[] inputs, long axis, string name)
    {
        string output = ctx.AddIntermediateVariable(null!, name, skip: true);
        Write(ctx, "Concat", inputs, output).AddAttribute("axis", axis);
        return output;
    }

    /// <summary>
    /// γ ⊙ (z − μ)/√(σ² + ε) + β over each row's units, from operators every opset since 9 has (LayerNormalization
    /// itself needs opset 17).
    /// </summary>
    private static string WriteLayerNorm(OnnxContext ctx, DenseLayer layer, string z, string name)
    {
        string centred = Node(ctx, "Sub", [z, RowMean(ctx, z, name + "Mean")], name + "Centred");
        string variance = RowMean(ctx, Node(ctx, "Mul", [centred, centred], name + "Squares"), name + "Variance");
        string shifted = Node(ctx, "Add", [variance, ctx.AddInitializer(DenseLayer.NormalizationEpsilon, name + "Epsilon")], name + "Shifted");
        string standardised = Node(ctx, "Div", [centred, Node(ctx, "Sqrt", [shifted], name + "Deviation")], name + "Standardised");
        string scale = ctx.AddInitializer(layer.NormalizationScale.ToArray(), [layer.OutputSize], name + "Scale");
        string shift = ctx.AddInitializer(layer.NormalizationShift.ToArray(), [layer.OutputSize], name + "Shift");
        return Node(ctx, "Add", [Node(ctx, "Mul", [standardised, scale], name + "Scaled"), shift], name);
    }

    /// <summary>γ ⊙ (z − running mean)/√(running variance + ε) + β per unit: ONNX's BatchNormalization in inference.</summary>
    private static string WriteBatchNorm(OnnxContext ctx, DenseLayer layer, string z, string name)
    {
        long[] shape = [layer.OutputSize];
        string[] inputs = [z,
            ctx.AddInitializer(layer.NormalizationScale.ToArray(), shape, name + "Scale"),
            ctx.AddInitializer(layer.NormalizationShift.ToArray(), shape, name + "Shift"),
            ctx.AddInitializer(layer.RunningMean.ToArray(), shape, name + "Mean"),
            ctx.AddInitializer(layer.RunningVariance.ToArray(), shape, name + "Variance")];
        string output = ctx.AddIntermediateVariable(null!, name, skip: true);
        Write(ctx, "BatchNormalization", inputs, output).AddAttribute("epsilon", (double)DenseLayer.NormalizationEpsilon);
        return output;
    }

    // The mean of each row (the last axis), kept as a rows × 1 column.
    private static string RowMean(OnnxContext ctx, string x, string name)
    {
        string output = ctx.AddIntermediateVariable(null!, name, skip: true);
        Write(ctx, "ReduceMean", [x], output).AddAttribute("axes", new long[] { -1 });
        return output;
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

    private static string WriteActivation(OnnxContext ctx, Activation activation, string z, string name)
    {
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
            case ActivationKind.Selu:
            {
                string output = ctx.AddIntermediateVariable(null!, name, skip: true);
                var selu = Write(ctx, "Selu", [z], output);
                selu.AddAttribute("alpha", (double)Activation.SeluAlpha);
                selu.AddAttribute("gamma", (double)Activation.SeluScale);
                return output;
            }
            case ActivationKind.Mish:
            {
                // z·tanh(softplus(z)) from operators every opset since 9 has (Mish itself needs opset 18).
                string softPlus = Node(ctx, "Softplus", [z], name + "SoftPlus");
                return Node(ctx, "Mul", [z, Node(ctx, "Tanh", [softPlus], name + "Tanh")], name);
            }
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
