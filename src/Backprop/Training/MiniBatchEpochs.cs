namespace Backprop;

/// <summary>
/// Epochs of a <see cref="MiniBatchOptimizer"/>: the training rows in a seeded shuffled order, one
/// <see cref="TrainingStep"/> per batch.
/// </summary>
/// <remarks>
/// The epoch's order and dropout masks come from streams keyed by the epoch number alone, so a run of 5 + 5 epochs (a
/// warm start) takes exactly the steps of a run of 10.
/// </remarks>
internal sealed class MiniBatchEpochs(TrainingContext context, MiniBatchOptimizer optimizer, RowSet train) : EpochStrategy
{
    private readonly TrainingStep _step = new(context, optimizer);
    private readonly int[] _order = new int[train.Count];

    public override (double TrainingLoss, bool Progressed) Run(float[] parameters, int epoch, float rate, OptimizerProgress state)
    {
        var (options, batch) = (context.Options, context.Batch);
        train.Rows.CopyTo(_order, 0);
        if (options.Shuffle)
            SeededRandom.ForStream(options.Seed, RandomStream.Shuffle, epoch).Shuffle(_order);
        SeededRandom dropoutRandom = SeededRandom.ForStream(options.Seed, RandomStream.Dropout, epoch);
        context.Diagnostics?.BeginEpoch(epoch + 1, (_order.Length + batch.Capacity - 1) / batch.Capacity);

        double lossSum = 0, weightSum = 0;
        for (int start = 0, index = 0; start < _order.Length; start += batch.Capacity, index++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(batch.Capacity, _order.Length - start);
            double batchWeight = batch.Gather(train, _order.AsSpan(start, count));
            if (batchWeight == 0)
                continue; // every row in the batch has weight 0: nothing to learn from it

            lossSum += _step.Run(parameters, count, batchWeight, rate, state, dropoutRandom, epoch, index);
            weightSum += batchWeight;
        }
        return (lossSum / weightSum + context.Objective.Penalty(parameters), true);
    }
}
