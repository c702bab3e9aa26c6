namespace Backprop;

/// <summary>
/// Epochs of <see cref="LbfgsOptimizer"/>: each is one quasi-Newton iteration on the objective over every training
/// row, whose line search chooses the step (the learning rate does not apply).
/// </summary>
internal sealed class FullBatchEpochs(TrainingContext context, LbfgsOptimizer optimizer) : EpochStrategy
{
    private readonly float[] _gradient = new float[context.Layout.ParameterCount];
    private double _loss;

    public override void Begin(float[] parameters)
    {
        _loss = Objective(parameters, _gradient);
        if (!double.IsFinite(_loss))
            throw new TrainingDivergedException($"Training cannot start: the initial loss is {_loss}. {context.DivergenceAdvice}");
    }

    public override (double TrainingLoss, bool Progressed) Run(float[] parameters, int epoch, float rate, OptimizerProgress state)
    {
        float[][] history = state.Buffers;
        bool progressed = optimizer.Iterate(parameters, _gradient, ref _loss, ref history, Objective);
        state.Buffers = history;
        state.Steps++;
        context.Cancellation.ThrowIfCancellationRequested();
        return (_loss, progressed);
    }

    /// <summary>The weighted mean loss over every training row plus the penalty, with its gradient.</summary>
    private double Objective(float[] parameters, float[] gradient)
    {
        var (train, batch) = (context.Train, context.Batch);
        double totalWeight = train.TotalWeight;
        double lossSum = 0;
        int[] rows = train.Rows;
        for (int start = 0; start < rows.Length; start += batch.Capacity)
        {
            int count = Math.Min(batch.Capacity, rows.Length - start);
            batch.Gather(train, rows.AsSpan(start, count));
            lossSum += context.Objective.Batch(batch.Propagator, parameters, count, batch.Targets(count), batch.Weights(train, count),
                (float)(1.0 / totalWeight), gradient, accumulate: start > 0);
        }
        return lossSum / totalWeight + context.Objective.Penalty(parameters, gradient);
    }
}
