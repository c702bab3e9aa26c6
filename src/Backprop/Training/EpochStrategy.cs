namespace Backprop;

/// <summary>
/// How one epoch moves the parameters: the steps of a <see cref="MiniBatchOptimizer"/> over shuffled batches
/// (<see cref="MiniBatchEpochs"/>), or one full-batch L-BFGS iteration (<see cref="FullBatchEpochs"/>). The optimiser
/// makes its own (<see cref="Optimizer.CreateEpochs"/>), so neither is a special case of the other.
/// </summary>
internal abstract class EpochStrategy
{
    /// <summary>Called once before the first epoch, with the starting parameters.</summary>
    public virtual void Begin(float[] parameters)
    {
    }

    /// <summary>
    /// Runs epoch <paramref name="epoch"/> (from 0, counting a warm start's earlier epochs) at learning rate
    /// <paramref name="rate"/>, advancing <paramref name="state"/>.
    /// </summary>
    /// <returns>The epoch's training loss with the penalty, and whether the optimiser can still make progress.</returns>
    public abstract (double TrainingLoss, bool Progressed) Run(float[] parameters, int epoch, float rate, OptimizerProgress state);
}
