namespace Backprop;

/// <summary>
/// Epochs of <see cref="LbfgsOptimizer"/>: each is one quasi-Newton iteration on the objective over every training
/// row, whose line search chooses the step (the learning rate does not apply). Rows in memory only: a run refuses
/// L-BFGS on streamed rows.
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
        TrainingDiagnostics? diagnostics = context.Diagnostics;
        diagnostics?.BeginEpoch(epoch + 1, 1);
        diagnostics?.BeforeUpdate(parameters);
        bool progressed = optimizer.Iterate(parameters, _gradient, ref _loss, ref history, Objective);
        if (diagnostics is not null)
        {
            // The iteration's one step: the full objective's gradient at its end (penalty included), the last batch's
            // activations and deltas, and the change the line search made.
            diagnostics.AfterUpdate(parameters);
            diagnostics.ObserveBackward(context.Batch.Propagator, LastBatchRows, _gradient);
            diagnostics.ObserveGradientNorm(Math.Sqrt(Kernels.OptimizerKernels.SumOfSquares(_gradient)), clipped: false);
        }
        state.Buffers = history;
        state.Steps++;
        context.Cancellation.ThrowIfCancellationRequested();
        return (_loss, progressed);
    }

    /// <summary>The rows of the last batch of an objective evaluation, whose activations the propagator holds after it.</summary>
    private int LastBatchRows => (context.Train.Count - 1) % context.Batch.Capacity + 1;

    /// <summary>The weighted mean loss over every training row plus the penalty, with its gradient.</summary>
    private double Objective(float[] parameters, float[] gradient)
    {
        var (train, batch) = ((RowSet)context.Train, context.Batch);
        double totalWeight = train.TotalWeight;
        double lossSum = 0;
        int[] rows = train.Rows;
        for (int start = 0; start < rows.Length; start += batch.Capacity)
        {
            int count = Math.Min(batch.Capacity, rows.Length - start);
            batch.Gather(train, rows.AsSpan(start, count));
            lossSum += context.Objective.Batch(batch.Propagator, parameters, count, batch.Targets(count), batch.Weights(count),
                (float)(1.0 / totalWeight), gradient, accumulate: start > 0);
        }
        return lossSum / totalWeight + context.Objective.Penalty(parameters, gradient);
    }
}
