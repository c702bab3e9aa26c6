namespace Backprop;

/// <summary>A subset of a data set's rows, with the targets the network is trained on (scaled when standardising).</summary>
internal sealed class RowSet(TrainingData data, float[] targets, int[] rows)
{
    public TrainingData Data { get; } = data;

    public float[] Targets { get; } = targets;

    public int[] Rows { get; } = rows;

    public int Count => Rows.Length;

    public double TotalWeight { get; } = data.Weights is { } w ? rows.Sum(r => (double)w[r]) : rows.Length;

    /// <summary>The targets of <see cref="Rows"/>, in that order.</summary>
    public float[] RowTargets { get; } = rows.Select(r => targets[r]).ToArray();

    /// <summary>The weights of <see cref="Rows"/>, in that order, or empty when all are 1.</summary>
    public float[] RowWeights { get; } = data.Weights is { } w ? rows.Select(r => w[r]).ToArray() : [];
}
