namespace Backprop;

/// <summary>
/// Where a batch of rows is gathered before it goes through the network: their features into the propagator's input,
/// their targets and weights beside them. Allocated once per run, at the batch size.
/// </summary>
internal sealed class BatchBuffer(Propagator propagator)
{
    private readonly float[] _targets = new float[propagator.BatchCapacity];
    private readonly float[] _weights = new float[propagator.BatchCapacity];

    public Propagator Propagator { get; } = propagator;

    /// <summary>The most rows a batch holds.</summary>
    public int Capacity => Propagator.BatchCapacity;

    /// <summary>Copies <paramref name="rows"/> of <paramref name="set"/> in; returns their total weight.</summary>
    public double Gather(RowSet set, ReadOnlySpan<int> rows)
    {
        int width = set.Data.FeatureCount;
        float[] features = set.Data.Features;
        float[]? weights = set.Data.Weights;
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

    /// <summary>The first <paramref name="count"/> gathered targets.</summary>
    public ReadOnlySpan<float> Targets(int count) => _targets.AsSpan(0, count);

    /// <summary>The first <paramref name="count"/> gathered weights, or empty when the set has none (every weight 1).</summary>
    public ReadOnlySpan<float> Weights(RowSet set, int count) => set.Data.Weights is null ? default : _weights.AsSpan(0, count);
}
