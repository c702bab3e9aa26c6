namespace Backprop.MLNet.Internal;

/// <summary>
/// What the classifiers check of a set's labels, gathered as the rows are read so that streamed data need not be
/// held: the row count, the first label, and how many rows carry each value (the first 65,536 distinct values; a
/// classifier's labels are a few class indices), counted only when asked for, as a regression's many values need not be.
/// </summary>
/// <param name="countValues">Whether to count each value's rows.</param>
internal sealed class LabelSummary(bool countValues)
{
    private const int MostDistinct = 1 << 16;
    private readonly Dictionary<float, long> _counts = [];

    public long RowCount { get; private set; }

    public float FirstLabel { get; private set; }

    /// <summary>The distinct labels seen (up to 65,536).</summary>
    public IEnumerable<float> Values => _counts.Keys;

    public void Add(float label)
    {
        if (RowCount++ == 0)
            FirstLabel = label;
        if (countValues && (_counts.Count < MostDistinct || _counts.ContainsKey(label)))
            _counts[label] = _counts.GetValueOrDefault(label) + 1;
    }

    /// <summary>The number of rows labelled <paramref name="label"/>.</summary>
    public long Count(float label) => _counts.GetValueOrDefault(label);
}
