namespace Backprop;

/// <summary>Holds out a seeded fraction of the training rows, class by class for classification.</summary>
internal static class ValidationSplit
{
    /// <summary>Returns the training and held-out row indices, each in ascending order.</summary>
    /// <param name="labels">One label per row; with <paramref name="stratify"/>, the class (rounded) of each row.</param>
    /// <param name="fraction">The share to hold out, in (0, 1); each class holds out round(fraction·count) rows.</param>
    /// <param name="stratify">Split each class separately, so both parts keep the class proportions.</param>
    /// <param name="random">The split's stream.</param>
    public static (int[] Train, int[] HeldOut) Split(float[] labels, float fraction, bool stratify, SeededRandom random)
    {
        int n = labels.Length;
        IEnumerable<int[]> groups = stratify
            ? Enumerable.Range(0, n).GroupBy(r => (int)MathF.Round(labels[r])).OrderBy(g => g.Key).Select(g => g.ToArray())
            : [Enumerable.Range(0, n).ToArray()];
        var train = new List<int>(n);
        var heldOut = new List<int>();
        foreach (int[] group in groups)
        {
            random.Shuffle(group);
            int take = (int)Math.Round(group.Length * (double)fraction);
            heldOut.AddRange(group[..take]);
            train.AddRange(group[take..]);
        }
        if (heldOut.Count == 0 || train.Count == 0)
            throw new ArgumentException(
                $"ValidationFraction {fraction} of {n} rows leaves {(heldOut.Count == 0 ? "no validation" : "no training")} rows; " +
                "use more data, another fraction, or pass a validation set.", nameof(MlpTrainerOptions.ValidationFraction));
        train.Sort();
        heldOut.Sort();
        return ([.. train], [.. heldOut]);
    }
}
