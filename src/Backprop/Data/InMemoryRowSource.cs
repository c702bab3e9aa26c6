namespace Backprop;

/// <summary>
/// <see cref="TrainingRowSource.FromData"/>: rows in memory read through cursors, in order or, seeded, by blocks in a
/// seeded order (a file's blocks, read in a shuffled order, behave alike).
/// </summary>
internal sealed class InMemoryRowSource(TrainingData data, int blockRows) : TrainingRowSource(data.FeatureCount, data.Weights is not null)
{
    public override TrainingRowCursor GetCursor(int? shuffleSeed)
    {
        int blocks = (data.RowCount + blockRows - 1) / blockRows;
        int[] order = Enumerable.Range(0, blocks).ToArray();
        if (shuffleSeed is { } seed)
            SeededRandom.ForStream(seed, RandomStream.SourceBlocks).Shuffle(order);
        return new Cursor(data, blockRows, order);
    }

    private sealed class Cursor(TrainingData data, int blockRows, int[] blockOrder) : TrainingRowCursor
    {
        private int _block = -1, _row, _end;

        public override bool MoveNext(Span<float> features, out float label, out float weight, out long rowId)
        {
            while (_row >= _end)
            {
                if (++_block >= blockOrder.Length)
                {
                    (label, weight, rowId) = (0f, 0f, -1);
                    return false;
                }
                _row = blockOrder[_block] * blockRows;
                _end = Math.Min(_row + blockRows, data.RowCount);
            }
            int width = data.FeatureCount;
            data.Features.AsSpan(_row * width, width).CopyTo(features);
            label = data.Labels[_row];
            weight = data.Weights?[_row] ?? 1f;
            rowId = _row++;
            return true;
        }
    }
}
