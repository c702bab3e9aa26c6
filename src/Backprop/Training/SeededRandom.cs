using System.Numerics;

namespace Backprop;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a small, fast generator whose sequence is fixed by this code alone,
/// so a seed gives the same model on every .NET version. Each concern (initialisation, shuffling, dropout, the
/// validation split) draws from its own stream, so turning one on does not change the others.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    private SeededRandom(ulong seed)
    {
        _s0 = SplitMix64(ref seed);
        _s1 = SplitMix64(ref seed);
        _s2 = SplitMix64(ref seed);
        _s3 = SplitMix64(ref seed);
    }

    /// <summary>The generator for one named stream of a seed.</summary>
    public static SeededRandom ForStream(int seed, RandomStream stream, long index = 0)
    {
        ulong mixed = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL
                               ^ ((ulong)stream + 1) * 0xD1B54A32D192ED03UL
                               ^ (ulong)index * 0xBF58476D1CE4E5B9UL);
        return new SeededRandom(mixed);
    }

    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="exclusiveMax"/>) by Lemire's multiply-shift (bias below 2⁻³²·n).</summary>
    public int NextInt(int exclusiveMax) => (int)(((NextUInt64() >> 32) * (ulong)exclusiveMax) >> 32);

    /// <summary>A standard normal deviate (Box–Muller).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log never sees 0
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates shuffle.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>The independent random streams one seed drives.</summary>
internal enum RandomStream
{
    Initialization = 0,
    ValidationSplit = 1,
    Shuffle = 2,
    Dropout = 3,
    HoldOut = 4,
    SourceBlocks = 5,
    Sample = 6,
}
