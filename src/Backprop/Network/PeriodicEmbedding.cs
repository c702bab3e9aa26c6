namespace Backprop;

/// <summary>
/// Periodic embeddings of the numeric features (Gorishniy et al. 2022; the "PBLD" form of RealMLP, Holzmüller et al.
/// 2024): before the first dense layer, every numeric feature — more than two distinct values on the training rows, none
/// of them in more than half of the rows — becomes <see cref="Size"/> learned values y = W·cos(2π·f·x + φ) + b, with
/// <see cref="Frequencies"/> learned frequencies f and phases φ, followed by the value x itself. The other features
/// (flags, one-hot indicators, features that are mostly one value such as n-gram counts) go to the first layer
/// unchanged. The network can then fit sharp or periodic responses to one feature that a ReLU network of
/// scaled inputs approximates only with many units.
/// </summary>
/// <remarks>
/// The frequencies start from a normal distribution with deviation <see cref="FrequencyScale"/>, the phases uniform in
/// [−π, π], W and b uniform in ±1/√<see cref="Frequencies"/>. The embedding's parameters are not penalised by L1, L2 or
/// weight decay. It expects scaled features (the ML.NET trainers scale them by default): the frequency scale is in
/// cycles per unit of the feature.
/// </remarks>
public sealed class PeriodicEmbedding
{
    /// <summary>The learned frequencies per feature, 1 or more; default 16.</summary>
    public int Frequencies { get; init; } = 16;

    /// <summary>The learned values per feature, 1 or more (the feature's own value follows them); default 3.</summary>
    public int Size { get; init; } = 3;

    /// <summary>The deviation of the initial frequencies, in cycles per unit of a scaled feature, positive; default 0.1.</summary>
    public float FrequencyScale { get; init; } = 0.1f;

    /// <summary>The first layer's inputs per embedded feature: <see cref="Size"/> + 1.</summary>
    public int Width => Size + 1;

    /// <summary>Throws an exception naming the option and the first value out of range.</summary>
    /// <param name="optionName">The option that holds this embedding, for the message.</param>
    public void Validate(string optionName)
    {
        if (Frequencies < 1)
            throw new ArgumentOutOfRangeException(optionName, Frequencies,
                $"{optionName}.Frequencies is {Frequencies}; it must be at least 1, for example 16.");
        if (Size < 1)
            throw new ArgumentOutOfRangeException(optionName, Size, $"{optionName}.Size is {Size}; it must be at least 1, for example 3.");
        if (!float.IsFinite(FrequencyScale) || FrequencyScale <= 0f)
            throw new ArgumentOutOfRangeException(optionName, FrequencyScale,
                $"{optionName}.FrequencyScale is {FrequencyScale}; it must be a positive number, for example 0.1.");
    }

    /// <inheritdoc/>
    public override string ToString() => $"Periodic({Frequencies} frequencies → {Size} + the value, scale {FrequencyScale:G3})";
}
