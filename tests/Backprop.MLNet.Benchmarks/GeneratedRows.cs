namespace Backprop.MLNet.Benchmarks;

/// <summary>Rows generated as they are read, for the memory and streaming commands: no copy of the data exists before a trainer makes one.</summary>
internal static class GeneratedRows
{
    /// <summary>Deterministic rows: features from a linear congruential stream, the label a fixed mix of them.</summary>
    public static IEnumerable<Row> Generate(int rows, int features)
    {
        ulong state = 1;
        for (int r = 0; r < rows; r++)
        {
            var x = new float[features];
            float y = 0;
            for (int f = 0; f < features; f++)
            {
                state = state * 6364136223846793005UL + 1442695040888963407UL;
                x[f] = (state >> 40) * (1f / (1 << 24)) * 2f - 1f;
                y += x[f] * ((f % 5) - 2);
            }
            yield return new Row { Features = x, Label = y };
        }
    }

    public sealed class Row
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
