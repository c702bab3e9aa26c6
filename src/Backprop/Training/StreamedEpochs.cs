namespace Backprop;

/// <summary>
/// Epochs of a <see cref="MiniBatchOptimizer"/> over streamed rows: each epoch reads the source through a cursor (in a
/// seeded order with <see cref="MlpTrainerOptions.ShuffleSource"/>, when the buffer cannot hold every row) on a thread of its own (<see cref="RowPrefetcher"/>),
/// fills a buffer of
/// <see cref="MlpTrainerOptions.ShuffleBufferRows"/> rows, shuffles it with the epoch's stream and cuts it into
/// batches, so memory stays at the buffer's size.
/// </summary>
/// <remarks>
/// Batches run on across buffer fills and the shuffle draws from one stream per epoch, so when the buffer holds every
/// training row (and the source returns its rows in the order of a <see cref="TrainingData"/>), an epoch takes exactly
/// the steps of <see cref="MiniBatchEpochs"/> on those rows in memory.
/// </remarks>
internal sealed class StreamedEpochs : EpochStrategy
{
    private readonly TrainingContext _context;
    private readonly StreamedRows _train;
    private readonly TrainingStep _step;
    private readonly int _width;
    private readonly float[] _features;
    private readonly float[] _targets;
    private readonly float[] _weights;
    private readonly int[] _order;

    public StreamedEpochs(TrainingContext context, MiniBatchOptimizer optimizer, StreamedRows train)
    {
        _context = context;
        _train = train;
        _step = new TrainingStep(context, optimizer);
        _width = context.Layout.InputCount;
        int capacity = Math.Min(context.Options.ShuffleBufferRows, train.Count);
        if ((long)capacity * _width > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(MlpTrainerOptions.ShuffleBufferRows), context.Options.ShuffleBufferRows,
                $"A buffer of {capacity} rows of {_width} features holds more values than one array can ({Array.MaxLength}); " +
                $"use at most {Array.MaxLength / _width} rows.");
        _features = new float[capacity * _width];
        _targets = new float[capacity];
        _weights = new float[capacity];
        _order = new int[capacity];
    }

    /// <summary>Whether the buffer holds every training row, so that the source's own order is shuffled whole.</summary>
    private bool HoldsEveryRow => _order.Length >= _train.Count;

    public override (double TrainingLoss, bool Progressed) Run(float[] parameters, int epoch, float rate, OptimizerProgress state)
    {
        var (options, batch) = (_context.Options, _context.Batch);
        int? blockSeed = options.Shuffle && options.ShuffleSource && !HoldsEveryRow
            ? (int)SeededRandom.ForStream(options.Seed, RandomStream.SourceBlocks, epoch).NextUInt64()
            : null;
        SeededRandom? shuffle = options.Shuffle ? SeededRandom.ForStream(options.Seed, RandomStream.Shuffle, epoch) : null;
        SeededRandom dropoutRandom = SeededRandom.ForStream(options.Seed, RandomStream.Dropout, epoch);
        _context.Diagnostics?.BeginEpoch(epoch + 1, (_train.Count + batch.Capacity - 1) / batch.Capacity);

        double lossSum = 0, weightSum = 0, batchWeight = 0;
        int inBatch = 0, batchIndex = 0, read = 0;
        using var rows = new RowPrefetcher(_train, blockSeed);
        for (int filled; (filled = Fill(rows)) > 0; read += filled)
        {
            Span<int> order = _order.AsSpan(0, filled);
            for (int i = 0; i < filled; i++)
                order[i] = i;
            shuffle?.Shuffle(order);
            foreach (int p in order)
            {
                batch.Put(inBatch++, _features.AsSpan(p * _width, _width), _targets[p], _weights[p], _train.HasWeights);
                batchWeight += _weights[p];
                if (inBatch == batch.Capacity)
                    Step();
            }
        }
        if (inBatch > 0)
            Step();
        _train.RequireCount(read, $"in epoch {epoch + 1}");
        return (lossSum / weightSum + _context.Objective.Penalty(parameters), true);

        void Step()
        {
            _context.Cancellation.ThrowIfCancellationRequested();
            // A batch whose every row has weight 0 has nothing to learn from; it still counts as a batch.
            if (batchWeight > 0)
            {
                lossSum += _step.Run(parameters, inBatch, batchWeight, rate, state, dropoutRandom, epoch, batchIndex);
                weightSum += batchWeight;
            }
            (inBatch, batchWeight) = (0, 0);
            batchIndex++;
        }
    }

    /// <summary>Reads up to a buffer of training rows; returns how many.</summary>
    private int Fill(RowPrefetcher rows)
    {
        int count = 0;
        while (count < _order.Length && rows.Next(_features.AsSpan(count * _width, _width), out _targets[count], out _weights[count]))
            count++;
        return count;
    }
}
