using Microsoft.ML;
using Microsoft.ML.Internal.Utilities;

namespace Backprop.MLNet.Internal;

/// <summary>
/// Per-feature (x − mean) / deviation, fitted on the training rows and kept in the model. ML.NET's default
/// <c>NormalizeMeanVariance</c> scales without centring (fixZero), and un-centred inputs slow and spoil gradient
/// descent; standardising inside the trainer makes it indifferent to the normaliser chosen upstream.
/// </summary>
internal sealed class FeatureStandardization
{
    private FeatureStandardization(float[] means, float[] deviations)
    {
        Means = means;
        Deviations = deviations;
    }

    public float[] Means { get; }

    /// <summary>The deviations; 1 for a constant feature, which then passes through centred.</summary>
    public float[] Deviations { get; }

    public static FeatureStandardization Fit(TrainingData data)
    {
        int width = data.FeatureCount, rows = data.RowCount;
        var sum = new double[width];
        var sumOfSquares = new double[width];
        float[] x = data.Features;
        for (int r = 0; r < rows; r++)
        {
            int offset = r * width;
            for (int j = 0; j < width; j++)
            {
                double v = x[offset + j];
                sum[j] += v;
                sumOfSquares[j] += v * v;
            }
        }
        var means = new float[width];
        var deviations = new float[width];
        for (int j = 0; j < width; j++)
        {
            double mean = sum[j] / rows;
            double variance = Math.Max(0, sumOfSquares[j] / rows - mean * mean);
            means[j] = (float)mean;
            deviations[j] = variance > 1e-24 ? (float)Math.Sqrt(variance) : 1f;
        }
        return new FeatureStandardization(means, deviations);
    }

    /// <summary>Standardises a row-major block of rows in place.</summary>
    public void Apply(Span<float> rows)
    {
        int width = Means.Length;
        for (int offset = 0; offset < rows.Length; offset += width)
        {
            Span<float> row = rows.Slice(offset, width);
            for (int j = 0; j < width; j++)
                row[j] = (row[j] - Means[j]) / Deviations[j];
        }
    }

    public void Save(BinaryWriter writer)
    {
        writer.WriteSingleArray(Means);
        writer.WriteSingleArray(Deviations);
    }

    public static FeatureStandardization Load(BinaryReader reader, int width)
    {
        float[] means = reader.ReadFloatArray();
        float[] deviations = reader.ReadFloatArray();
        if (means.Length != width || deviations.Length != width || !means.All(float.IsFinite) ||
            !deviations.All(d => float.IsFinite(d) && d > 0f))
            throw new InvalidDataException("The feature standardisation stored in this Backprop model is damaged.");
        return new FeatureStandardization(means, deviations);
    }
}
