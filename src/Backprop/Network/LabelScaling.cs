namespace Backprop;

/// <summary>
/// The affine map between a regression label and the scale the network was trained on: the network learns
/// (y − <see cref="Offset"/>) / <see cref="Scale"/>, and predictions are mapped back as output·Scale + Offset.
/// </summary>
/// <param name="Offset">The training labels' (weighted) mean.</param>
/// <param name="Scale">The training labels' (weighted) standard deviation; 1 when they are constant.</param>
public readonly record struct LabelScaling(double Offset, double Scale)
{
    internal float ToNetwork(float label) => (float)((label - Offset) / Scale);

    internal float FromNetwork(float output) => (float)(output * Scale + Offset);
}
