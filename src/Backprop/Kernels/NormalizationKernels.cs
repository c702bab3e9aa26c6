using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>Layer normalisation of each row of a rows × width matrix, forward and backward, vectorised per row.</summary>
internal static class NormalizationKernels
{
    /// <summary>
    /// Normalises each row of <paramref name="z"/> in place: y = γ ⊙ ẑ + β with ẑ = (z − μ)·r, r = 1/√(σ² + ε), the
    /// row's mean and (biased) variance; keeps ẑ in <paramref name="normalized"/> and r in
    /// <paramref name="inverseDeviations"/> for the backward pass.
    /// </summary>
    public static void LayerNormForward(Span<float> z, int rows, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift,
        Span<float> normalized, Span<float> inverseDeviations, float epsilon)
    {
        int width = scale.Length;
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = z.Slice(r * width, width), hat = normalized.Slice(r * width, width);
            // In the order ONNX's and PyTorch's layer norms compute it: centre, mean square, divide by the deviation.
            float mean = TensorPrimitives.Sum(row) / width;
            TensorPrimitives.Subtract(row, mean, hat);
            float deviation = MathF.Sqrt(TensorPrimitives.SumOfSquares(hat) / width + epsilon);
            TensorPrimitives.Divide(hat, deviation, hat);
            inverseDeviations[r] = 1f / deviation;
            TensorPrimitives.MultiplyAdd(hat, scale, shift, row);
        }
    }

    /// <summary>
    /// Turns ∂y into ∂z in place, row by row: with g = ∂y ⊙ γ, ∂z = r·(g − mean(g) − ẑ·mean(g ⊙ ẑ)).
    /// </summary>
    public static void LayerNormBackward(Span<float> delta, int rows, ReadOnlySpan<float> scale, ReadOnlySpan<float> normalized,
        ReadOnlySpan<float> inverseDeviations)
    {
        int width = scale.Length;
        for (int r = 0; r < rows; r++)
        {
            Span<float> g = delta.Slice(r * width, width);
            ReadOnlySpan<float> hat = normalized.Slice(r * width, width);
            TensorPrimitives.Multiply(g, scale, g);
            float meanG = TensorPrimitives.Sum(g) / width, meanGHat = TensorPrimitives.Dot(g, hat) / width;
            // g − mean(g) − ẑ·mean(g ⊙ ẑ), then times r.
            TensorPrimitives.Subtract(g, meanG, g);
            TensorPrimitives.MultiplyAdd(hat, -meanGHat, g, g);
            TensorPrimitives.Multiply(g, inverseDeviations[r], g);
        }
    }

    /// <summary>∂γ = Σ_rows ∂y ⊙ ẑ and ∂β = Σ_rows ∂y, in row order, written or added.</summary>
    public static void LayerNormParameterGradient(ReadOnlySpan<float> outputDelta, ReadOnlySpan<float> normalized, int rows,
        Span<float> scaleGradient, Span<float> shiftGradient, bool accumulate)
    {
        int width = scaleGradient.Length;
        if (!accumulate)
            scaleGradient.Clear();
        for (int r = 0; r < rows; r++)
            TensorPrimitives.MultiplyAdd(outputDelta.Slice(r * width, width), normalized.Slice(r * width, width), scaleGradient, scaleGradient);
        RowVectorOps.SumRows(outputDelta[..(rows * width)], rows, shiftGradient, accumulate);
    }
}
