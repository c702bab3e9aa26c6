namespace Backprop;

/// <summary>
/// The first pass over a <see cref="TrainingRowSource"/>: checks every row as <see cref="TrainingData"/> checks arrays
/// (finite features and weights, weights not negative, targets the loss accepts), counts and weighs both sides of the
/// hold-out, and gathers the label moments and the seeded sample of rows that training needs before its first epoch.
/// The held-out rows are kept too while they take at most a limit (<see cref="HeldOutBytes"/>): scoring them then needs no pass
/// over the source, which would read every row to find a fifth of them.
/// </summary>
internal sealed class SourceScan
{
    /// <summary>The most memory the held-out rows' features are kept in by default: 512 MB, 4 million rows of 32 features.</summary>
    public const long HeldOutBytes = 512L << 20;

    /// <summary>The most feature values the sample keeps (64 MB).</summary>
    private const int SampleValues = 1 << 24;

    /// <summary>The most rows the sample keeps: the embedding's choice of features is exact on sets up to this size.</summary>
    public const int SampleRows = 65_536;

    public int RowCount => TrainCount + HeldOutCount;

    public int TrainCount { get; private set; }

    public double TrainWeight { get; private set; }

    public int HeldOutCount { get; private set; }

    public double HeldOutWeight { get; private set; }

    public float FirstLabel { get; private set; }

    public bool SeveralLabels { get; private set; }

    public float MaxLabel { get; private set; } = float.NegativeInfinity;

    /// <summary>The moments of the labels asked for, or <see langword="null"/>.</summary>
    public LabelMoments? Moments { get; private set; }

    /// <summary>A seeded uniform sample of rows (reservoir sampling), row-major; empty unless asked for.</summary>
    public float[] Sample { get; private set; } = [];

    /// <summary>The held-out rows in source order, when they fit in the limit; else <see langword="null"/>.</summary>
    public TrainingRowSource? HeldOut { get; private set; }

    /// <param name="source">The rows.</param>
    /// <param name="rule">Which rows are held out.</param>
    /// <param name="loss">Checks each label.</param>
    /// <param name="classBound">The class count labels must stay below, when known before the pass.</param>
    /// <param name="moments">Which rows' label moments to gather: none, the training side, or every row.</param>
    /// <param name="sampleSeed">The seed of a sample of rows, or <see langword="null"/> for none.</param>
    /// <param name="heldOutLimit">The most bytes of features the held-out rows are kept in.</param>
    /// <param name="cancellation">Checked every 4,096 rows.</param>
    public static SourceScan Run(TrainingRowSource source, HoldOutRule rule, LossFunction loss, int classBound, MomentRows moments,
        int? sampleSeed, long heldOutLimit, CancellationToken cancellation)
    {
        var scan = new SourceScan { Moments = moments == MomentRows.None ? null : new LabelMoments() };
        int width = source.FeatureCount;
        int sampleCapacity = sampleSeed is null ? 0 : Math.Min(SampleRows, SampleValues / width);
        float[] sample = new float[sampleCapacity * width];
        SeededRandom? sampleRandom = sampleSeed is { } seed ? SeededRandom.ForStream(seed, RandomStream.Sample) : null;
        float[] row = new float[width];
        var heldOut = rule.HoldsOutAny ? new KeptRowSource(width, source.HasWeights) : null;
        long position = 0;
        using (TrainingRowCursor cursor = source.GetCursor(shuffleSeed: null))
        {
            while (cursor.MoveNext(row, out float label, out float weight, out long rowId))
            {
                if (position % 4096 == 0)
                    cancellation.ThrowIfCancellationRequested();
                if (position == int.MaxValue)
                    throw new ArgumentException(
                        $"The row source returned more than {int.MaxValue} rows, more than one run counts; train on a sample of the rows.", nameof(source));
                Check(row, label, weight, position, loss, classBound, source.HasWeights);
                bool isHeldOut = rule.IsHeldOut(rowId);
                scan.Observe(label, weight, isHeldOut, moments, first: position == 0);
                if (isHeldOut && heldOut is not null && !heldOut.Add(row, label, weight, rowId, heldOutLimit))
                    heldOut = null;
                if (sampleRandom is not null)
                    Keep(sample, sampleCapacity, row, position, sampleRandom);
                position++;
            }
        }
        scan.Sample = position < sampleCapacity ? sample[..(int)(position * width)] : sample;
        scan.RequireUsable(rule);
        scan.HeldOut = heldOut;
        return scan;
    }

    private void Observe(float label, float weight, bool heldOut, MomentRows moments, bool first)
    {
        if (first)
            FirstLabel = label;
        else if (label != FirstLabel)
            SeveralLabels = true;
        MaxLabel = Math.Max(MaxLabel, label);
        if (heldOut)
        {
            HeldOutCount++;
            HeldOutWeight += weight;
        }
        else
        {
            TrainCount++;
            TrainWeight += weight;
        }
        if (moments == MomentRows.All || (moments == MomentRows.Training && !heldOut))
            Moments!.Add(label, weight);
    }

    // Reservoir sampling (Vitter's algorithm R): every row is kept with the same probability.
    private static void Keep(float[] sample, int capacity, float[] row, long position, SeededRandom random)
    {
        long slot = position < capacity ? position : (long)(random.NextDouble() * (position + 1));
        if (slot < capacity)
            row.CopyTo(sample.AsSpan((int)slot * row.Length));
    }

    private static void Check(float[] row, float label, float weight, long position, LossFunction loss, int classBound, bool weighted)
    {
        for (int j = 0; j < row.Length; j++)
            if (!float.IsFinite(row[j]))
                throw new ArgumentException(
                    $"Row {position} of the row source has feature {j} = {row[j]}; every feature must be a finite number. " +
                    "Replace missing values (for example with the column mean) or remove those rows before training.", "training");
        loss.ValidateTargets([label], classBound, "labels", position);
        if (weighted && (!float.IsFinite(weight) || weight < 0f))
            throw new ArgumentException(
                $"Row {position} of the row source has weight {weight}; sample weights must be finite and 0 or more.", "training");
    }

    private void RequireUsable(HoldOutRule rule)
    {
        if (RowCount == 0)
            throw new ArgumentException("The row source returned no rows: give at least one labelled example.", "training");
        if (TrainCount == 0 || TrainWeight == 0)
            throw new ArgumentException(TrainCount == 0
                ? $"All {RowCount} rows fell in the held-out part; lower ValidationFraction or give a validation set."
                : "Every sample weight of the training rows is 0, so there is nothing to learn from.", "training");
        if (rule.HoldsOutAny && HeldOutCount == 0)
            throw new ArgumentException(
                $"None of the {RowCount} rows fell in the held-out part, so early stopping has nothing to watch; give more rows, " +
                "a validation set, or set ValidationFraction to 0.", "training");
    }
}

/// <summary>Whose label moments a <see cref="SourceScan"/> gathers.</summary>
internal enum MomentRows
{
    None,
    Training,
    All,
}
