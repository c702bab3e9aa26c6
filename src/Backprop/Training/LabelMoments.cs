namespace Backprop;

/// <summary>
/// The weighted mean and deviation of labels in one pass (West's incremental update), so rows held in memory and rows
/// streamed from a source give the same <see cref="LabelScaling"/>, bit for bit, when seen in the same order.
/// </summary>
internal sealed class LabelMoments
{
    private double _weight, _mean, _squares;

    public void Add(float label, float weight)
    {
        if (weight == 0f)
            return;
        _weight += weight;
        double delta = label - _mean;
        _mean += weight / _weight * delta;
        _squares += weight * delta * (label - _mean);
    }

    /// <summary>The standardisation of the labels seen (a constant label keeps its scale).</summary>
    public LabelScaling Scaling()
    {
        double deviation = _weight > 0 ? Math.Sqrt(Math.Max(0, _squares) / _weight) : 0;
        return new LabelScaling(_mean, deviation > 0 ? deviation : 1.0);
    }
}
