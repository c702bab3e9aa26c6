namespace Backprop;

/// <summary>
/// A training set read row by row rather than held in memory: the trainer's streaming mode
/// (<see cref="MlpTrainer.TrainStreamed"/>) opens a
/// cursor for a first pass that checks the rows and gathers what training needs up front, then one cursor per epoch
/// (and one more to score the held-out rows when they outgrow the 512 MB they are kept in). Memory stays bounded by
/// <see cref="MlpTrainerOptions.ShuffleBufferRows"/> rows and the held-out rows kept, whatever the number of rows.
/// </summary>
/// <remarks>
/// Implement it over a file, a database query or an ML.NET <c>IDataView</c>. Every cursor must return the same rows with
/// the same values and row ids; a seeded cursor may return them in another order (blocks in a seeded random order, for
/// example), the same order for the same seed. Cursors may be open at the same time (the members of an ensemble train
/// concurrently, each with its own).
/// </remarks>
public abstract class TrainingRowSource
{
    /// <summary>Describes the rows every cursor returns.</summary>
    /// <param name="featureCount">The number of features per row, 1 or more.</param>
    /// <param name="hasWeights">Whether rows carry sample weights; without, every weight is 1.</param>
    protected TrainingRowSource(int featureCount, bool hasWeights)
    {
        if (featureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "Each row needs at least one feature.");
        FeatureCount = featureCount;
        HasWeights = hasWeights;
    }

    /// <summary>The number of features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>Whether rows carry sample weights.</summary>
    public bool HasWeights { get; }

    /// <summary>Opens a cursor over every row.</summary>
    /// <param name="shuffleSeed">
    /// <see langword="null"/> for the source's own order; otherwise a seed for an order the source chooses cheaply (for
    /// example its blocks in a seeded random order), the same for the same seed. A source that cannot reorder returns
    /// its own order. The trainer shuffles rows within its buffer either way.
    /// </param>
    public abstract TrainingRowCursor GetCursor(int? shuffleSeed);

    /// <summary>
    /// A source over rows already in memory, for tests and for code that switches between the modes: its cursors
    /// return the rows in order, or with a seed their blocks of <paramref name="blockRows"/> rows in a seeded order.
    /// </summary>
    /// <param name="data">The rows; each row's id is its index.</param>
    /// <param name="blockRows">The rows per block a seeded cursor reorders, 1 or more; default 1,024.</param>
    public static TrainingRowSource FromData(TrainingData data, int blockRows = 1024)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        return new InMemoryRowSource(data, blockRows);
    }
}
