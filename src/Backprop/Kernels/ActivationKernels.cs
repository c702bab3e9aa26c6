using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// Element-wise activation functions and their derivatives. Each <c>...Backward</c> multiplies an incoming gradient,
/// in place, by the derivative at the pre-activation <c>z</c> (and, where cheaper, the activation output <c>a</c>).
/// </summary>
internal static class ActivationKernels
{
    private const double InverseSqrt2 = 0.70710678118654752440;
    private const double InverseSqrt2Pi = 0.39894228040143267794;

    public static void Relu(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Max(z, 0f, a);

    /// <summary>
    /// Keeps the gradient where z &gt; 0 and zeroes it elsewhere (NaN included). Branch-free: with the signs of z mixed, as
    /// in training, a branch per element mispredicts about half the time and costs several times the arithmetic.
    /// </summary>
    public static void ReluBackward(ReadOnlySpan<float> z, Span<float> gradient)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= gradient.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var mask = Vector512.GreaterThan(Vector512.Create(z.Slice(i, Vector512<float>.Count)), Vector512<float>.Zero);
                (mask & Vector512.Create((ReadOnlySpan<float>)gradient.Slice(i, Vector512<float>.Count))).CopyTo(gradient.Slice(i));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= gradient.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var mask = Vector256.GreaterThan(Vector256.Create(z.Slice(i, Vector256<float>.Count)), Vector256<float>.Zero);
                (mask & Vector256.Create((ReadOnlySpan<float>)gradient.Slice(i, Vector256<float>.Count))).CopyTo(gradient.Slice(i));
            }
        }
        for (; i < gradient.Length; i++)
            if (!(z[i] > 0f))
                gradient[i] = 0f;
    }

    public static void LeakyRelu(ReadOnlySpan<float> z, Span<float> a, float negativeSlope)
    {
        for (int i = 0; i < a.Length; i++)
            a[i] = z[i] > 0f ? z[i] : negativeSlope * z[i];
    }

    /// <summary>Keeps the gradient where z &gt; 0 and scales it by the slope elsewhere; branch-free like <see cref="ReluBackward"/>.</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> z, Span<float> gradient, float negativeSlope)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= gradient.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var g = Vector512.Create((ReadOnlySpan<float>)gradient.Slice(i, Vector512<float>.Count));
                var mask = Vector512.GreaterThan(Vector512.Create(z.Slice(i, Vector512<float>.Count)), Vector512<float>.Zero);
                Vector512.ConditionalSelect(mask, g, g * negativeSlope).CopyTo(gradient.Slice(i));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= gradient.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var g = Vector256.Create((ReadOnlySpan<float>)gradient.Slice(i, Vector256<float>.Count));
                var mask = Vector256.GreaterThan(Vector256.Create(z.Slice(i, Vector256<float>.Count)), Vector256<float>.Zero);
                Vector256.ConditionalSelect(mask, g, g * negativeSlope).CopyTo(gradient.Slice(i));
            }
        }
        for (; i < gradient.Length; i++)
            if (!(z[i] > 0f))
                gradient[i] *= negativeSlope;
    }

    public static void Tanh(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Tanh(z, a);

    /// <summary>tanh'(z) = 1 − a².</summary>
    public static void TanhBackward(ReadOnlySpan<float> a, Span<float> gradient)
    {
        for (int i = 0; i < gradient.Length; i++)
            gradient[i] *= 1f - a[i] * a[i];
    }

    public static void Sigmoid(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Sigmoid(z, a);

    /// <summary>σ'(z) = a·(1 − a).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> a, Span<float> gradient)
    {
        for (int i = 0; i < gradient.Length; i++)
            gradient[i] *= a[i] * (1f - a[i]);
    }

    /// <summary>The exact GELU, z·Φ(z), as PyTorch's and Keras's defaults (not the tanh approximation).</summary>
    public static void Gelu(ReadOnlySpan<float> z, Span<float> a)
    {
        for (int i = 0; i < a.Length; i++)
        {
            double x = z[i];
            a[i] = (float)(x * NormalCdf(x));
        }
    }

    /// <summary>GELU'(z) = Φ(z) + z·φ(z).</summary>
    public static void GeluBackward(ReadOnlySpan<float> z, Span<float> gradient)
    {
        for (int i = 0; i < gradient.Length; i++)
        {
            double x = z[i];
            double derivative = NormalCdf(x) + x * InverseSqrt2Pi * Math.Exp(-0.5 * x * x);
            gradient[i] = (float)(gradient[i] * derivative);
        }
    }

    /// <summary>softplus(z) = log(1 + eᶻ), computed as max(z, 0) + log(1 + e^−|z|) so it never overflows.</summary>
    public static void SoftPlus(ReadOnlySpan<float> z, Span<float> a)
    {
        for (int i = 0; i < a.Length; i++)
            a[i] = SoftPlus(z[i]);
    }

    /// <summary>softplus'(z) = σ(z).</summary>
    public static void SoftPlusBackward(ReadOnlySpan<float> z, Span<float> gradient)
    {
        for (int i = 0; i < gradient.Length; i++)
            gradient[i] *= Sigmoid(z[i]);
    }

    private const float SeluScale = Activation.SeluScale;
    private const float SeluAlpha = Activation.SeluAlpha;

    /// <summary>selu(z) = λ·z for z &gt; 0, λ·α·(eᶻ − 1) otherwise.</summary>
    public static void Selu(ReadOnlySpan<float> z, Span<float> a)
    {
        for (int i = 0; i < a.Length; i++)
        {
            float x = z[i];
            a[i] = x > 0f ? SeluScale * x : SeluScale * SeluAlpha * (MathF.Exp(x) - 1f);
        }
    }

    /// <summary>selu'(z) = λ for z &gt; 0, else λ·α·eᶻ = a + λ·α.</summary>
    public static void SeluBackward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, Span<float> gradient)
    {
        for (int i = 0; i < gradient.Length; i++)
            gradient[i] *= z[i] > 0f ? SeluScale : a[i] + SeluScale * SeluAlpha;
    }

    /// <summary>
    /// mish(z) = z·tanh(softplus(z)), from one exponential: with e = eᶻ and n = e·(e + 2), tanh(softplus(z)) = n / (n + 2).
    /// Above z = 20 that ratio is 1 in float (and n would overflow), so mish(z) = z there.
    /// </summary>
    public static void Mish(ReadOnlySpan<float> z, Span<float> a)
    {
        for (int i = 0; i < a.Length; i++)
        {
            float x = z[i];
            a[i] = x > MishLinearAbove ? x : x * MishTanhSoftPlus(MathF.Exp(x));
        }
    }

    /// <summary>mish'(z) = t + z·(1 − t²)·σ(z), with t = tanh(softplus(z)) and σ(z) = e / (1 + e), all from e = eᶻ.</summary>
    public static void MishBackward(ReadOnlySpan<float> z, Span<float> gradient)
    {
        for (int i = 0; i < gradient.Length; i++)
        {
            float x = z[i];
            if (x > MishLinearAbove)
                continue;
            float e = MathF.Exp(x);
            float t = MishTanhSoftPlus(e);
            gradient[i] *= t + x * (1f - t * t) * (e / (1f + e));
        }
    }

    private const float MishLinearAbove = 20f;

    private static float MishTanhSoftPlus(float e)
    {
        float n = e * (e + 2f);
        return n / (n + 2f);
    }

    /// <summary>Replaces each row of a rows×width matrix by its softmax, shifting by the row maximum so exp never overflows.</summary>
    public static void SoftmaxRows(ReadOnlySpan<float> z, Span<float> probabilities, int rows, int width)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> zRow = z.Slice(r * width, width);
            Span<float> pRow = probabilities.Slice(r * width, width);
            float max = TensorPrimitives.Max(zRow);
            TensorPrimitives.Subtract(zRow, max, pRow);
            TensorPrimitives.Exp(pRow, pRow);
            float sum = 0f;
            for (int j = 0; j < width; j++)
                sum += pRow[j];
            TensorPrimitives.Divide(pRow, sum, pRow);
        }
    }

    /// <summary>log(1 + eˣ) without overflow or loss of precision for large |x|.</summary>
    public static float SoftPlus(float x) => MathF.Max(x, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(x)));

    /// <summary>The logistic function, evaluated so that exp never overflows.</summary>
    public static float Sigmoid(float x)
    {
        if (x >= 0f)
            return 1f / (1f + MathF.Exp(-x));
        float e = MathF.Exp(x);
        return e / (1f + e);
    }

    /// <summary>Φ(x), the standard normal CDF, through erfc.</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x * InverseSqrt2);

    /// <summary>
    /// The complementary error function with fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev
    /// fit), which is below float32 resolution.
    /// </summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
            t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
