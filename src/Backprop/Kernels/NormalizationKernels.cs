using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// Layer normalisation of each row and batch normalisation of each column of a rows × width matrix, forward and
/// backward, vectorised along the rows.
/// </summary>
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

    /// <summary>
    /// Normalises each column of <paramref name="z"/> in place by the batch's statistics: y = γ ⊙ ẑ + β with
    /// ẑ = (z − μ) ⊙ r, r = 1/√(σ² + ε), μ and σ² (biased) each unit's mean and variance over the rows, summed in row
    /// order. Keeps ẑ, μ, σ² and r for the backward pass and the running statistics.
    /// </summary>
    public static void BatchNormForward(Span<float> z, int rows, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift,
        Span<float> normalized, Span<float> mean, Span<float> variance, Span<float> inverseDeviations, float epsilon)
    {
        int width = scale.Length;
        RowVectorOps.SumRows(z[..(rows * width)], rows, mean, accumulate: false);
        TensorPrimitives.Divide(mean, rows, mean);
        variance.Clear();
        for (int r = 0; r < rows; r++)
        {
            Span<float> hat = normalized.Slice(r * width, width);
            TensorPrimitives.Subtract(z.Slice(r * width, width), mean, hat);
            TensorPrimitives.MultiplyAdd(hat, hat, variance, variance);
        }
        TensorPrimitives.Divide(variance, rows, variance);
        InverseDeviations(variance, epsilon, inverseDeviations);
        for (int r = 0; r < rows; r++)
        {
            Span<float> hat = normalized.Slice(r * width, width);
            TensorPrimitives.Multiply(hat, inverseDeviations, hat);
            TensorPrimitives.MultiplyAdd(hat, scale, shift, z.Slice(r * width, width));
        }
    }

    /// <summary>
    /// Normalises each column of <paramref name="z"/> in place by fixed statistics, row by row:
    /// y = γ ⊙ ((z − μ) ⊙ r) + β, r from <see cref="InverseDeviations"/> of the running variance.
    /// </summary>
    public static void BatchNormInference(Span<float> z, int rows, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseDeviations)
    {
        int width = scale.Length;
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = z.Slice(r * width, width);
            TensorPrimitives.Subtract(row, mean, row);
            TensorPrimitives.Multiply(row, inverseDeviations, row);
            TensorPrimitives.MultiplyAdd(row, scale, shift, row);
        }
    }

    /// <summary>r = 1/√(σ² + ε) per unit.</summary>
    public static void InverseDeviations(ReadOnlySpan<float> variance, float epsilon, Span<float> inverseDeviations)
    {
        TensorPrimitives.Add(variance, epsilon, inverseDeviations);
        TensorPrimitives.Sqrt(inverseDeviations, inverseDeviations);
        TensorPrimitives.Reciprocal(inverseDeviations, inverseDeviations);
    }

    /// <summary>
    /// Turns ∂y into ∂z in place through a batch normalisation by the batch's statistics: with g = ∂y ⊙ γ,
    /// ∂z = r ⊙ (g − mean_rows(g) − ẑ ⊙ mean_rows(g ⊙ ẑ)). <paramref name="scratch"/> holds two rows of the width.
    /// </summary>
    public static void BatchNormBackward(Span<float> delta, int rows, ReadOnlySpan<float> scale, ReadOnlySpan<float> normalized,
        ReadOnlySpan<float> inverseDeviations, Span<float> scratch)
    {
        int width = scale.Length;
        Span<float> meanG = scratch[..width], negativeMeanGHat = scratch.Slice(width, width);
        negativeMeanGHat.Clear();
        for (int r = 0; r < rows; r++)
        {
            Span<float> g = delta.Slice(r * width, width);
            TensorPrimitives.Multiply(g, scale, g);
            TensorPrimitives.MultiplyAdd(g, normalized.Slice(r * width, width), negativeMeanGHat, negativeMeanGHat);
        }
        RowVectorOps.SumRows(delta[..(rows * width)], rows, meanG, accumulate: false);
        TensorPrimitives.Divide(meanG, rows, meanG);
        TensorPrimitives.Divide(negativeMeanGHat, -rows, negativeMeanGHat);
        for (int r = 0; r < rows; r++)
        {
            Span<float> g = delta.Slice(r * width, width);
            TensorPrimitives.Subtract(g, meanG, g);
            TensorPrimitives.MultiplyAdd(normalized.Slice(r * width, width), negativeMeanGHat, g, g);
            TensorPrimitives.Multiply(g, inverseDeviations, g);
        }
    }

    /// <summary>Turns ∂y into ∂z in place through a batch normalisation by fixed statistics: ∂z = ∂y ⊙ γ ⊙ r.</summary>
    public static void BatchNormInferenceBackward(Span<float> delta, int rows, ReadOnlySpan<float> scale, ReadOnlySpan<float> inverseDeviations)
    {
        int width = scale.Length;
        for (int r = 0; r < rows; r++)
        {
            Span<float> g = delta.Slice(r * width, width);
            TensorPrimitives.Multiply(g, scale, g);
            TensorPrimitives.Multiply(g, inverseDeviations, g);
        }
    }

    /// <summary>
    /// Moves the running statistics a <paramref name="momentum"/> share of the way to the batch's: the mean to μ, the
    /// variance to the unbiased σ²·n/(n − 1) of the batch's <paramref name="rows"/> rows (2 or more).
    /// </summary>
    public static void UpdateRunningStatistics(Span<float> runningMean, Span<float> runningVariance, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> biasedVariance, int rows, float momentum)
    {
        TensorPrimitives.Multiply(runningMean, 1f - momentum, runningMean);
        TensorPrimitives.MultiplyAdd(mean, momentum, runningMean, runningMean);
        TensorPrimitives.Multiply(runningVariance, 1f - momentum, runningVariance);
        TensorPrimitives.MultiplyAdd(biasedVariance, (float)(momentum * rows / (rows - 1.0)), runningVariance, runningVariance);
    }

    /// <summary>∂γ = Σ_rows ∂y ⊙ ẑ and ∂β = Σ_rows ∂y, in row order, written or added; for either normalisation.</summary>
    public static void ParameterGradient(ReadOnlySpan<float> outputDelta, ReadOnlySpan<float> normalized, int rows,
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
