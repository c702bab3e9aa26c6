using Microsoft.ML;
using Microsoft.ML.Internal.Utilities;

namespace Backprop.MLNet.Internal;

/// <summary>
/// Per-feature (x − centre) / scale, fitted on the training rows and kept in the model, then, for
/// <see cref="FeatureScaling.Robust"/>, the smooth clip v / √(1 + (v/3)²). ML.NET's default
/// <c>NormalizeMeanVariance</c> scales without centring (fixZero), and un-centred inputs slow and spoil gradient
/// descent; standardising inside the trainer makes it indifferent to the normaliser chosen upstream.
/// </summary>
/// <remarks>
/// The scale is the feature's deviation, except for a feature with exactly two values in the training rows (a one-hot
/// indicator, a flag): that one is scaled by half the gap between its values, the deviation it would have if both values
/// were equally common. Unit variance would put an indicator seen in 1 of n rows at about √n, a lever the network
/// uses to fit that one row's label; upstream <c>NormalizeMeanVariance</c> and the plain deviation both do that to a
/// rare city or zip code. Measured on 5 folds: Sacramento housing R² 0.655 → 0.704, adult income AUC 0.907 → 0.912.
/// </remarks>
internal sealed class FeatureStandardization
{
    private FeatureStandardization(float[] means, float[] scales, bool smoothClip)
    {
        Means = means;
        Scales = scales;
        SmoothClip = smoothClip;
    }

    /// <summary>What is subtracted from each feature: its mean, or its median under robust scaling.</summary>
    public float[] Means { get; }

    /// <summary>What each centred feature is divided by; 1 for a constant feature, which then passes through centred.</summary>
    public float[] Scales { get; }

    /// <summary>Whether each scaled value v becomes v / √(1 + (v/3)²).</summary>
    public bool SmoothClip { get; }

    public FeatureScaling Kind => SmoothClip ? FeatureScaling.Robust : FeatureScaling.Standard;

    /// <summary>Fits the scaling of <paramref name="kind"/>, or returns <see langword="null"/> for <see cref="FeatureScaling.None"/>.</summary>
    public static FeatureStandardization? Fit(TrainingData data, FeatureScaling kind) => kind switch
    {
        FeatureScaling.None => null,
        FeatureScaling.Standard => FitStandard(data),
        FeatureScaling.Robust => FitRobust(data),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown feature scaling; use None, Standard or Robust."),
    };

    private static FeatureStandardization FitStandard(TrainingData data)
    {
        int width = data.FeatureCount, rows = data.RowCount;
        var sum = new double[width];
        var sumOfSquares = new double[width];
        // The lowest and highest value of each feature so far, and whether it has shown more than those two.
        var low = new float[width];
        var high = new float[width];
        var moreThanTwoValues = new bool[width];
        float[] x = data.Features;
        x.AsSpan(0, width).CopyTo(low);
        x.AsSpan(0, width).CopyTo(high);
        for (int r = 0; r < rows; r++)
        {
            int offset = r * width;
            for (int j = 0; j < width; j++)
            {
                float v = x[offset + j];
                sum[j] += v;
                sumOfSquares[j] += (double)v * v;
                if (v == low[j] || v == high[j])
                    continue;
                // A value that is neither extreme: if there were two values already, this is a third.
                if (low[j] != high[j])
                    moreThanTwoValues[j] = true;
                if (v < low[j])
                    low[j] = v;
                else if (v > high[j])
                    high[j] = v;
            }
        }
        var means = new float[width];
        var scales = new float[width];
        for (int j = 0; j < width; j++)
        {
            double mean = sum[j] / rows;
            double variance = Math.Max(0, sumOfSquares[j] / rows - mean * mean);
            means[j] = (float)mean;
            scales[j] = variance <= 1e-24 ? 1f
                : moreThanTwoValues[j] ? (float)Math.Sqrt(variance)
                : 0.5f * (high[j] - low[j]);
        }
        return new FeatureStandardization(means, scales, smoothClip: false);
    }

    // Median and inter-quartile range (RealMLP's robust scaling, Holzmüller et al. 2024), with the two-valued rule of
    // the standard scaling kept: a one-hot indicator's quartiles coincide, and its median is one of its two values.
    private static FeatureStandardization FitRobust(TrainingData data)
    {
        FeatureStandardization standard = FitStandard(data);
        int width = data.FeatureCount, rows = data.RowCount;
        var column = new float[rows];
        var centres = new float[width];
        var scales = new float[width];
        for (int j = 0; j < width; j++)
        {
            for (int r = 0; r < rows; r++)
                column[r] = data.Features[r * width + j];
            Array.Sort(column);
            float low = column[0], high = column[^1];
            bool twoValued = Array.FindIndex(column, v => v != low && v != high) < 0;
            if (twoValued || low == high)
            {
                centres[j] = standard.Means[j];
                scales[j] = standard.Scales[j];
                continue;
            }
            float q1 = Quantile(column, 0.25), median = Quantile(column, 0.5), q3 = Quantile(column, 0.75);
            centres[j] = median;
            scales[j] = q3 > q1 ? q3 - q1 : 0.5f * (high - low);
        }
        return new FeatureStandardization(centres, scales, smoothClip: true);
    }

    // The q-quantile of sorted values by linear interpolation (numpy's default).
    private static float Quantile(float[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return (float)(sorted[below] + (position - below) * ((double)sorted[above] - sorted[below]));
    }

    /// <summary>Scales a row-major block of rows in place.</summary>
    public void Apply(Span<float> rows)
    {
        int width = Means.Length;
        for (int offset = 0; offset < rows.Length; offset += width)
        {
            Span<float> row = rows.Slice(offset, width);
            for (int j = 0; j < width; j++)
            {
                float v = (row[j] - Means[j]) / Scales[j];
                // The ONNX export computes v / sqrt(v·v·(1/9) + 1) in this order, so both round alike.
                row[j] = SmoothClip ? v / MathF.Sqrt(v * v * (1f / 9f) + 1f) : v;
            }
        }
    }

    /// <summary>Writes the centres and scales, then whether values are smoothly clipped.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.WriteSingleArray(Means);
        writer.WriteSingleArray(Scales);
        writer.WriteBoolByte(SmoothClip);
    }

    /// <param name="reader">The model's reader.</param>
    /// <param name="width">The network's input count.</param>
    /// <param name="hasKind">Whether the file stores the smooth-clip flag (files written before robust scaling do not).</param>
    /// <exception cref="InvalidDataException">A count, a value or the flag is not what a trained model holds.</exception>
    public static FeatureStandardization Load(BinaryReader reader, int width, bool hasKind)
    {
        float[] means = CheckedModelBlock.Floats(reader, width);
        float[] scales = CheckedModelBlock.Floats(reader, width);
        byte flag = hasKind ? CheckedModelBlock.ReadOrDamaged(reader.ReadByte) : (byte)0;
        if (flag > 1 || !means.All(float.IsFinite) || !scales.All(d => float.IsFinite(d) && d > 0f))
            throw new InvalidDataException("its feature standardisation holds values no trained model has.");
        return new FeatureStandardization(means, scales, flag == 1);
    }
}
