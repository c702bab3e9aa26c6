using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>Operations between the rows of a row-major matrix and one row vector: bias add and column sums.</summary>
internal static class RowVectorOps
{
    /// <summary>Adds <paramref name="vector"/> to each of the <paramref name="rows"/> rows of <paramref name="matrix"/>.</summary>
    public static void AddToEachRow(Span<float> matrix, int rows, ReadOnlySpan<float> vector)
    {
        int width = vector.Length;
        if (width == 1)
        {
            TensorPrimitives.Add(matrix[..rows], vector[0], matrix[..rows]);
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = matrix.Slice(r * width, width);
            TensorPrimitives.Add(row, vector, row);
        }
    }

    /// <summary>
    /// Writes the sum of the <paramref name="rows"/> rows of <paramref name="matrix"/> into <paramref name="destination"/>,
    /// or adds it there when <paramref name="accumulate"/> is set. Rows are added in order, so the result is reproducible.
    /// </summary>
    public static void SumRows(ReadOnlySpan<float> matrix, int rows, Span<float> destination, bool accumulate)
    {
        int width = destination.Length;
        if (!accumulate)
            destination.Clear();
        if (width == 1)
        {
            // A one-output layer's bias: the same additions in order, without a call per row.
            float sum = destination[0];
            for (int r = 0; r < rows; r++)
                sum += matrix[r];
            destination[0] = sum;
            return;
        }
        for (int r = 0; r < rows; r++)
            TensorPrimitives.Add(destination, matrix.Slice(r * width, width), destination);
    }
}
