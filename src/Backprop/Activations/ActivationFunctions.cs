using Backprop.Kernels;

namespace Backprop;

/// <summary>Maps an <see cref="Activation"/> onto its kernels.</summary>
internal static class ActivationFunctions
{
    public static void Forward(Activation activation, ReadOnlySpan<float> z, Span<float> a)
    {
        switch (activation.Kind)
        {
            case ActivationKind.Identity: z.CopyTo(a); break;
            case ActivationKind.ReLU: ActivationKernels.Relu(z, a); break;
            case ActivationKind.LeakyReLU: ActivationKernels.LeakyRelu(z, a, activation.NegativeSlope); break;
            case ActivationKind.Tanh: ActivationKernels.Tanh(z, a); break;
            case ActivationKind.Sigmoid: ActivationKernels.Sigmoid(z, a); break;
            case ActivationKind.Gelu: ActivationKernels.Gelu(z, a); break;
            case ActivationKind.SoftPlus: ActivationKernels.SoftPlus(z, a); break;
            case ActivationKind.Selu: ActivationKernels.Selu(z, a); break;
            case ActivationKind.Mish: ActivationKernels.Mish(z, a); break;
            default: throw new InvalidOperationException($"Unknown activation {activation.Kind}.");
        }
    }

    /// <summary>Multiplies <paramref name="gradient"/> by f′ at <paramref name="z"/>, where <paramref name="a"/> = f(z).</summary>
    public static void Backward(Activation activation, ReadOnlySpan<float> z, ReadOnlySpan<float> a, Span<float> gradient)
    {
        switch (activation.Kind)
        {
            case ActivationKind.Identity: break;
            case ActivationKind.ReLU: ActivationKernels.ReluBackward(z, gradient); break;
            case ActivationKind.LeakyReLU: ActivationKernels.LeakyReluBackward(z, gradient, activation.NegativeSlope); break;
            case ActivationKind.Tanh: ActivationKernels.TanhBackward(a, gradient); break;
            case ActivationKind.Sigmoid: ActivationKernels.SigmoidBackward(a, gradient); break;
            case ActivationKind.Gelu: ActivationKernels.GeluBackward(z, gradient); break;
            case ActivationKind.SoftPlus: ActivationKernels.SoftPlusBackward(z, gradient); break;
            case ActivationKind.Selu: ActivationKernels.SeluBackward(z, a, gradient); break;
            case ActivationKind.Mish: ActivationKernels.MishBackward(z, gradient); break;
            default: throw new InvalidOperationException($"Unknown activation {activation.Kind}.");
        }
    }
}
