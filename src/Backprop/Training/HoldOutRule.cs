namespace Backprop;

/// <summary>
/// Which streamed rows are held out for early stopping: those whose seeded hash of the row id, a number in [0, 1), falls
/// in [<paramref name="From"/>, <paramref name="To"/>). A fraction f holds out [0, f); fold j of k holds out [j/k, (j+1)/k),
/// so the members of an ensemble hold out disjoint folds. No state per row, so it holds for any number of rows.
/// </summary>
internal readonly record struct HoldOutRule(int Seed, double From, double To)
{
    public static HoldOutRule None => new(0, 0, 0);

    public bool HoldsOutAny => To > From;

    public bool IsHeldOut(long rowId)
    {
        if (!HoldsOutAny)
            return false;
        double u = Hash(rowId);
        return u >= From && u < To;
    }

    // SplitMix64's finaliser over the seed and the id: neighbouring ids land far apart.
    private double Hash(long rowId)
    {
        ulong z = unchecked((ulong)rowId * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)Seed * 0xD1B54A32D192ED03UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
