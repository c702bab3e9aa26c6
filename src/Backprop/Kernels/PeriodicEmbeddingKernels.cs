using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// The periodic embedding of one input feature over a block of rows: y = W·cos(2π·f·x + φ) + b for each row's value x,
/// written beside x into the first dense layer's input row; and its gradient. Rows are taken in order, so sums over
/// rows are reproducible.
/// </summary>
internal static class PeriodicEmbeddingKernels
{
    private const float TwoPi = 2f * MathF.PI;

    /// <summary>
    /// Embeds input <paramref name="feature"/> of <paramref name="rows"/> rows: writes the angles and their cosines
    /// (rows × k, kept for the backward pass), then the m values and x itself at <paramref name="outputOffset"/> of each
    /// output row.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> input, int inputCount, int feature, int rows,
        ReadOnlySpan<float> frequencies, ReadOnlySpan<float> phases, ReadOnlySpan<float> weights, ReadOnlySpan<float> biases,
        Span<float> angles, Span<float> cosines, Span<float> output, int outputWidth, int outputOffset)
    {
        int k = frequencies.Length, m = biases.Length;
        for (int r = 0; r < rows; r++)
        {
            float x = input[r * inputCount + feature];
            Span<float> angle = angles.Slice(r * k, k);
            for (int j = 0; j < k; j++)
                angle[j] = x * frequencies[j] * TwoPi + phases[j];
        }
        TensorPrimitives.Cos(angles[..(rows * k)], cosines[..(rows * k)]);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> cosine = cosines.Slice(r * k, k);
            Span<float> y = output.Slice(r * outputWidth + outputOffset, m + 1);
            for (int l = 0; l < m; l++)
            {
                float sum = biases[l];
                for (int j = 0; j < k; j++)
                    sum += cosine[j] * weights[j * m + l];
                y[l] = sum;
            }
            y[m] = input[r * inputCount + feature];
        }
    }

    /// <summary>
    /// Adds the gradient of the embedding of input <paramref name="feature"/> to its parameters' gradients, given
    /// ∂loss/∂(first layer's input) in <paramref name="outputDelta"/> and the angles and cosines of the forward pass.
    /// <paramref name="sines"/> is scratch of rows × k.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> input, int inputCount, int feature, int rows, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> angles, ReadOnlySpan<float> cosines, Span<float> sines, ReadOnlySpan<float> outputDelta,
        int outputWidth, int outputOffset,
        Span<float> frequencyGradient, Span<float> phaseGradient, Span<float> weightGradient, Span<float> biasGradient)
    {
        int k = frequencyGradient.Length, m = biasGradient.Length;
        TensorPrimitives.Sin(angles[..(rows * k)], sines[..(rows * k)]);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> g = outputDelta.Slice(r * outputWidth + outputOffset, m);
            float x = input[r * inputCount + feature];
            for (int l = 0; l < m; l++)
                biasGradient[l] += g[l];
            for (int j = 0; j < k; j++)
            {
                float cosine = cosines[r * k + j], cosineGradient = 0f;
                for (int l = 0; l < m; l++)
                {
                    cosineGradient += weights[j * m + l] * g[l];
                    weightGradient[j * m + l] += cosine * g[l];
                }
                // ∂cos(t)/∂t = −sin t; t = 2π·f·x + φ.
                float angleGradient = -sines[r * k + j] * cosineGradient;
                phaseGradient[j] += angleGradient;
                frequencyGradient[j] += angleGradient * x * TwoPi;
            }
        }
    }

    /// <summary>
    /// Writes ∂/∂x of input <paramref name="feature"/> for each row into <paramref name="inputGradient"/> (rows ×
    /// <paramref name="inputCount"/>), given ∂/∂(first layer's input) in <paramref name="outputDelta"/>: the slot that
    /// carries x itself plus, through the m embedded values, Σⱼ −sin(2π·fⱼ·x + φⱼ)·2π·fⱼ·Σₗ Wⱼₗ·gₗ.
    /// <paramref name="sines"/> is scratch of rows × k.
    /// </summary>
    public static void InputGradient(int inputCount, int feature, int rows, ReadOnlySpan<float> frequencies, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> angles, Span<float> sines, ReadOnlySpan<float> outputDelta, int outputWidth, int outputOffset, int size,
        Span<float> inputGradient)
    {
        int k = frequencies.Length, m = size;
        TensorPrimitives.Sin(angles[..(rows * k)], sines[..(rows * k)]);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> g = outputDelta.Slice(r * outputWidth + outputOffset, m + 1);
            float sum = g[m];
            for (int j = 0; j < k; j++)
            {
                float cosineGradient = 0f;
                for (int l = 0; l < m; l++)
                    cosineGradient += weights[j * m + l] * g[l];
                sum -= sines[r * k + j] * frequencies[j] * TwoPi * cosineGradient;
            }
            inputGradient[r * inputCount + feature] = sum;
        }
    }

    /// <summary>Copies the inputs listed in <paramref name="features"/> to each output row from <paramref name="outputOffset"/>.</summary>
    public static void PassThrough(ReadOnlySpan<float> input, int inputCount, ReadOnlySpan<int> features, int rows,
        Span<float> output, int outputWidth, int outputOffset)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = input.Slice(r * inputCount, inputCount);
            Span<float> destination = output.Slice(r * outputWidth + outputOffset, features.Length);
            for (int i = 0; i < features.Length; i++)
                destination[i] = row[features[i]];
        }
    }
}
