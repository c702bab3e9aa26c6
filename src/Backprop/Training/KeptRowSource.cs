namespace Backprop;

/// <summary>
/// Rows copied out of another source as it was read, in chunks (no array as large as all of them, and no copy to make
/// one): the held-out rows a <see cref="SourceScan"/> keeps, read back in the order they came with their own row ids.
/// </summary>
internal sealed class KeptRowSource(int featureCount, bool hasWeights) : TrainingRowSource(featureCount, hasWeights)
{
    private const int ChunkRows = 4096;
    private readonly List<Chunk> _chunks = [];
    private long _count;

    /// <summary>Keeps a row, unless that would take the rows' features past <paramref name="limitBytes"/>.</summary>
    /// <returns>Whether the row was kept.</returns>
    public bool Add(ReadOnlySpan<float> features, float label, float weight, long rowId, long limitBytes)
    {
        if ((_count + 1) * FeatureCount * sizeof(float) > limitBytes)
            return false;
        int slot = (int)(_count % ChunkRows);
        if (slot == 0)
            _chunks.Add(new Chunk(FeatureCount));
        Chunk chunk = _chunks[^1];
        features.CopyTo(chunk.Features.AsSpan(slot * FeatureCount));
        (chunk.Labels[slot], chunk.Weights[slot], chunk.Ids[slot]) = (label, weight, rowId);
        _count++;
        return true;
    }

    public override TrainingRowCursor GetCursor(int? shuffleSeed) => new Cursor(this);

    private sealed class Chunk(int width)
    {
        public readonly float[] Features = new float[ChunkRows * width];
        public readonly float[] Labels = new float[ChunkRows];
        public readonly float[] Weights = new float[ChunkRows];
        public readonly long[] Ids = new long[ChunkRows];
    }

    private sealed class Cursor(KeptRowSource source) : TrainingRowCursor
    {
        private long _next;

        public override bool MoveNext(Span<float> features, out float label, out float weight, out long rowId)
        {
            if (_next == source._count)
            {
                (label, weight, rowId) = (0f, 0f, -1);
                return false;
            }
            Chunk chunk = source._chunks[(int)(_next / ChunkRows)];
            int slot = (int)(_next++ % ChunkRows);
            int width = source.FeatureCount;
            chunk.Features.AsSpan(slot * width, width).CopyTo(features);
            (label, weight, rowId) = (chunk.Labels[slot], chunk.Weights[slot], chunk.Ids[slot]);
            return true;
        }
    }
}
