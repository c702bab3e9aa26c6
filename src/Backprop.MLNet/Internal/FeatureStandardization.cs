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

    /// <summary>Fits the scaling of <paramref name="kind"/> on rows in memory, or returns <see langword="null"/> for <see cref="FeatureScaling.None"/>.</summary>
    public static FeatureStandardization? Fit(TrainingData data, FeatureScaling kind)
    {
        var fitter = new Fitter(data.FeatureCount, keepsSample: false, seed: 0);
        for (int offset = 0; offset < data.Features.Length; offset += data.FeatureCount)
            fitter.Add(data.Features.AsSpan(offset, data.FeatureCount));
        return kind switch
        {
            FeatureScaling.None => null,
            FeatureScaling.Standard => fitter.Standard(),
            FeatureScaling.Robust => FitRobust(fitter.Standard(), data.Features, data.FeatureCount),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown feature scaling; use None, Standard or Robust."),
        };
    }

    /// <summary>
    /// Fits a scaling on rows seen one at a time, for streamed training: the standard scaling exactly, the robust one's
    /// quartiles on a seeded uniform sample of <see cref="SampleRows"/> rows (exact on sets up to that size).
    /// </summary>
    public sealed class Fitter
    {
        /// <summary>The rows the robust scaling's sample keeps (at most 2²⁴ values).</summary>
        public const int SampleRows = 65_536;

        private readonly int _width;
        private readonly double[] _sum, _sumOfSquares;
        // The lowest and highest value of each feature so far, and whether it has shown more than those two.
        private readonly float[] _low, _high;
        private readonly bool[] _moreThanTwoValues;
        private readonly float[] _sample;
        private readonly int _sampleCapacity;
        private readonly Random _sampleRandom;
        private long _rows;

        /// <param name="width">The features per row.</param>
        /// <param name="keepsSample">Whether to keep the sample of <see cref="SampleRows"/> rows the robust scaling needs.</param>
        /// <param name="seed">The sample's seed.</param>
        public Fitter(int width, bool keepsSample, int seed)
        {
            _width = width;
            _sum = new double[width];
            _sumOfSquares = new double[width];
            _low = new float[width];
            _high = new float[width];
            _moreThanTwoValues = new bool[width];
            _sampleCapacity = keepsSample ? Math.Min(SampleRows, (1 << 24) / width) : 0;
            _sample = new float[_sampleCapacity * width];
            _sampleRandom = new Random(seed);
        }

        public void Add(ReadOnlySpan<float> row)
        {
            if (_rows == 0)
            {
                row.CopyTo(_low);
                row.CopyTo(_high);
            }
            for (int j = 0; j < _width; j++)
            {
                float v = row[j];
                _sum[j] += v;
                _sumOfSquares[j] += (double)v * v;
                if (v == _low[j] || v == _high[j])
                    continue;
                // A value that is neither extreme: if there were two values already, this is a third.
                if (_low[j] != _high[j])
                    _moreThanTwoValues[j] = true;
                if (v < _low[j])
                    _low[j] = v;
                else if (v > _high[j])
                    _high[j] = v;
            }
            // Reservoir sampling (Vitter's algorithm R): every row is kept with the same probability.
            long slot = _rows < _sampleCapacity ? _rows : _sampleCapacity == 0 ? -1 : _sampleRandom.NextInt64(_rows + 1);
            if (slot >= 0 && slot < _sampleCapacity)
                row.CopyTo(_sample.AsSpan((int)slot * _width));
            _rows++;
        }

        /// <summary>The scaling of <paramref name="kind"/> of the rows seen, or <see langword="null"/> for <see cref="FeatureScaling.None"/>.</summary>
        public FeatureStandardization? Fit(FeatureScaling kind) => kind switch
        {
            FeatureScaling.None => null,
            FeatureScaling.Standard => Standard(),
            FeatureScaling.Robust => FitRobust(Standard(), _sample.AsSpan(0, (int)Math.Min(_rows, _sampleCapacity) * _width).ToArray(), _width),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown feature scaling; use None, Standard or Robust."),
        };

        /// <summary>Mean and deviation, or half the gap of a two-valued feature.</summary>
        public FeatureStandardization Standard()
        {
            var means = new float[_width];
            var scales = new float[_width];
            for (int j = 0; j < _width; j++)
            {
                double mean = _sum[j] / _rows;
                double variance = Math.Max(0, _sumOfSquares[j] / _rows - mean * mean);
                means[j] = (float)mean;
                scales[j] = variance <= 1e-24 ? 1f
                    : _moreThanTwoValues[j] ? (float)Math.Sqrt(variance)
                    : 0.5f * (_high[j] - _low[j]);
            }
            return new FeatureStandardization(means, scales, smoothClip: false);
        }
    }

    // Median and inter-quartile range (RealMLP's robust scaling, Holzmüller et al. 2024), with the two-valued rule of
    // the standard scaling kept: a one-hot indicator's quartiles coincide, and its median is one of its two values.
    private static FeatureStandardization FitRobust(FeatureStandardization standard, float[] features, int width)
    {
        int rows = features.Length / width;
        var column = new float[rows];
        var centres = new float[width];
        var scales = new float[width];
        for (int j = 0; j < width; j++)
        {
            for (int r = 0; r < rows; r++)
                column[r] = features[r * width + j];
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
