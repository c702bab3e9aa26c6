namespace Backprop;

/// <summary>
/// Where a batch of rows is gathered before it goes through the network: their features into the propagator's input,
/// their targets and weights beside them. Allocated once per run, at the batch size.
/// </summary>
internal sealed class BatchBuffer(Propagator propagator)
{
    private readonly float[] _targets = new float[propagator.BatchCapacity];
    private readonly float[] _weights = new float[propagator.BatchCapacity];
    private readonly int _width = propagator.Input.Length / propagator.BatchCapacity;
    private bool _weighted;

    public Propagator Propagator { get; } = propagator;

    /// <summary>The most rows a batch holds.</summary>
    public int Capacity => Propagator.BatchCapacity;

    /// <summary>Copies <paramref name="rows"/> of <paramref name="set"/> in; returns their total weight.</summary>
    public double Gather(RowSet set, ReadOnlySpan<int> rows)
    {
        int width = set.Data.FeatureCount;
        float[] features = set.Data.Features;
        float[]? weights = set.Data.Weights;
        _weighted = weights is not null;
        double total = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            int row = rows[i];
            Array.Copy(features, (long)row * width, Propagator.Input, (long)i * width, width);
            _targets[i] = set.Target(row);
            float w = weights?[row] ?? 1f;
            _weights[i] = w;
            total += w;
        }
        return total;
    }

    /// <summary>Where slot <paramref name="slot"/>'s features go, to be read into directly.</summary>
    public Span<float> FeatureSlot(int slot) => Propagator.Input.AsSpan(slot * _width, _width);

    /// <summary>Copies one row into slot <paramref name="slot"/>: its features, then its target and weight (<see cref="SetTarget"/>).</summary>
    public void Put(int slot, ReadOnlySpan<float> features, float target, float weight, bool weighted)
    {
        features.CopyTo(FeatureSlot(slot));
        SetTarget(slot, target, weight, weighted);
    }

    /// <summary>Sets slot <paramref name="slot"/>'s target on the network's scale and its weight.</summary>
    public void SetTarget(int slot, float target, float weight, bool weighted)
    {
        _targets[slot] = target;
        _weights[slot] = weight;
        _weighted = weighted;
    }

    /// <summary>The first <paramref name="count"/> gathered targets.</summary>
    public ReadOnlySpan<float> Targets(int count) => _targets.AsSpan(0, count);

    /// <summary>The first <paramref name="count"/> gathered weights, or empty when the rows have none (every weight 1).</summary>
    public ReadOnlySpan<float> Weights(int count) => _weighted ? _weights.AsSpan(0, count) : default;
}
