namespace Backprop;

/// <summary>
/// A subset of a data set's rows, with the targets the network is trained on: the labels, standardised on the fly
/// when there is a label scaling, so no second copy of the labels is kept.
/// </summary>
internal sealed class RowSet(TrainingData data, LabelScaling? scaling, int[] rows) : RowCollection
{
    private float[]? _rowTargets, _rowWeights;

    public TrainingData Data { get; } = data;

    public int[] Rows { get; } = rows;

    public override int Count => Rows.Length;

    public override bool HasWeights => Data.Weights is not null;

    public override double TotalWeight { get; } = data.Weights is { } w ? rows.Sum(r => (double)w[r]) : rows.Length;

    /// <summary>The target of data row <paramref name="row"/>: its label, on the network's scale.</summary>
    public float Target(int row) => scaling is { } s ? s.ToNetwork(Data.Labels[row]) : Data.Labels[row];

    /// <summary>The targets of <see cref="Rows"/>, in that order; made when first asked for (validation metrics).</summary>
    public float[] RowTargets => _rowTargets ??= Rows.Select(Target).ToArray();

    /// <summary>The weights of <see cref="Rows"/>, in that order, or empty when all are 1; made when first asked for.</summary>
    public float[] RowWeights => _rowWeights ??= Data.Weights is { } w ? Rows.Select(r => w[r]).ToArray() : [];
}
