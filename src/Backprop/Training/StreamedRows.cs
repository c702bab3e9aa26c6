namespace Backprop;

/// <summary>
/// The rows of a <see cref="TrainingRowSource"/> on one side of the hold-out (the rows trained on, or those held out),
/// with the scaling of their targets. Their count and weight come from the first pass (<see cref="SourceScan"/>); the
/// rows themselves are read again on every pass.
/// </summary>
internal sealed class StreamedRows(TrainingRowSource source, HoldOutRule rule, bool heldOut, LabelScaling? scaling, int count,
    double totalWeight) : RowCollection
{
    public TrainingRowSource Source { get; } = source;

    public override int Count { get; } = count;

    public override double TotalWeight { get; } = totalWeight;

    public override bool HasWeights => Source.HasWeights;

    /// <summary>
    /// Reads the cursor on to this side's next row: its features into <paramref name="features"/>, its target on the
    /// network's scale and its weight.
    /// </summary>
    /// <returns><see langword="false"/> after the last row.</returns>
    public bool Read(TrainingRowCursor cursor, Span<float> features, out float target, out float weight)
    {
        while (cursor.MoveNext(features, out float label, out weight, out long rowId))
        {
            if (rule.IsHeldOut(rowId) != heldOut)
                continue;
            target = scaling is { } s ? s.ToNetwork(label) : label;
            return true;
        }
        target = 0f;
        return false;
    }

    /// <summary>Throws unless a pass read as many rows as the first pass counted.</summary>
    public void RequireCount(int read, string pass)
    {
        if (read != Count)
            throw new InvalidOperationException(
                $"The row source returned {read} {(heldOut ? "held-out" : "training")} rows {pass} but {Count} in the first pass; " +
                "every cursor of a TrainingRowSource must return the same rows with the same ids.");
    }
}
