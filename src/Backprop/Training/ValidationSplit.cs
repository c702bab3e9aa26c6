namespace Backprop;

/// <summary>Holds out a seeded fraction of the training rows, class by class for classification.</summary>
internal static class ValidationSplit
{
    /// <summary>
    /// Splits the rows into <paramref name="count"/> seeded folds (class by class when stratified, dealt round-robin so
    /// every fold gets its share of each class) and returns the rows outside fold <paramref name="index"/> and those in
    /// it, each in ascending order. Every member of an ensemble draws the same split from the same stream.
    /// </summary>
    public static (int[] Train, int[] HeldOut) Fold(float[] labels, int index, int count, bool stratify, SeededRandom random)
    {
        int n = labels.Length;
        if (n < count)
            throw new ArgumentException(
                $"{n} training rows cannot be split into {count} folds for an ensemble; use NumberOfModels of at most {n}, " +
                "or pass a validation set.", nameof(MlpTrainerOptions.NumberOfModels));
        var held = new bool[n];
        int position = 0;
        foreach (int[] group in Groups(labels, stratify))
        {
            random.Shuffle(group);
            foreach (int row in group)
                held[row] = position++ % count == index;
        }
        return Partition(held);
    }

    /// <summary>Returns the training and held-out row indices, each in ascending order.</summary>
    /// <param name="labels">One label per row; with <paramref name="stratify"/>, the class (rounded) of each row.</param>
    /// <param name="fraction">The share to hold out, in (0, 1); each class holds out round(fraction·count) rows.</param>
    /// <param name="stratify">Split each class separately, so both parts keep the class proportions.</param>
    /// <param name="random">The split's stream.</param>
    public static (int[] Train, int[] HeldOut) Split(float[] labels, float fraction, bool stratify, SeededRandom random)
    {
        int n = labels.Length;
        var held = new bool[n];
        int heldCount = 0;
        foreach (int[] group in Groups(labels, stratify))
        {
            random.Shuffle(group);
            int take = (int)Math.Round(group.Length * (double)fraction);
            for (int i = 0; i < take; i++)
                held[group[i]] = true;
            heldCount += take;
        }
        if (heldCount == 0 || heldCount == n)
            throw new ArgumentException(
                $"ValidationFraction {fraction} of {n} rows leaves {(heldCount == 0 ? "no validation" : "no training")} rows; " +
                "use more data, another fraction, or pass a validation set.", nameof(MlpTrainerOptions.ValidationFraction));
        return Partition(held);
    }

    // The rows not held and those held, each in ascending order, in arrays of their final size.
    private static (int[] Train, int[] HeldOut) Partition(bool[] held)
    {
        int heldCount = held.Count(h => h);
        var train = new int[held.Length - heldCount];
        var heldOut = new int[heldCount];
        for (int r = 0, t = 0, h = 0; r < held.Length; r++)
        {
            if (held[r])
                heldOut[h++] = r;
            else
                train[t++] = r;
        }
        return (train, heldOut);
    }

    // The row indices of each class in class order, or all rows as one group.
    private static IEnumerable<int[]> Groups(float[] labels, bool stratify) => stratify
        ? Enumerable.Range(0, labels.Length).GroupBy(r => (int)MathF.Round(labels[r])).OrderBy(g => g.Key).Select(g => g.ToArray())
        : [Enumerable.Range(0, labels.Length).ToArray()];
}
