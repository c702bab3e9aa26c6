namespace Backprop;

/// <summary>
/// Rows a run trains on or scores: a <see cref="RowSet"/> of a data set in memory, or the <see cref="StreamedRows"/> of
/// a <see cref="TrainingRowSource"/> on one side of the hold-out.
/// </summary>
internal abstract class RowCollection
{
    /// <summary>The number of rows.</summary>
    public abstract int Count { get; }

    /// <summary>The sum of the rows' weights (their count when unweighted).</summary>
    public abstract double TotalWeight { get; }

    /// <summary>Whether the rows carry weights; without, every weight is 1.</summary>
    public abstract bool HasWeights { get; }
}
