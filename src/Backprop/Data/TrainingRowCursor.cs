namespace Backprop;

/// <summary>One pass over the rows of a <see cref="TrainingRowSource"/>; dispose it when done.</summary>
public abstract class TrainingRowCursor : IDisposable
{
    /// <summary>Reads the next row.</summary>
    /// <param name="features">Receives the row's <see cref="TrainingRowSource.FeatureCount"/> features.</param>
    /// <param name="label">The row's label: the target value, 0/1 for binary classification, or the class index.</param>
    /// <param name="weight">The row's sample weight; 1 when the source has none.</param>
    /// <param name="rowId">
    /// An identifier of the row, the same on every cursor of the source (its index, for example): the seeded hash of it
    /// decides which rows are held out for early stopping.
    /// </param>
    /// <returns><see langword="false"/> after the last row.</returns>
    public abstract bool MoveNext(Span<float> features, out float label, out float weight, out long rowId);

    /// <summary>Releases what the cursor holds.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the cursor holds; does nothing by default.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
