namespace Backprop;

/// <summary>
/// How gradients become parameter updates. Choose one of <see cref="SgdOptimizer"/>, <see cref="AdamOptimizer"/>,
/// <see cref="AdamWOptimizer"/>, <see cref="RmsPropOptimizer"/> (a <see cref="MiniBatchOptimizer"/>) or
/// <see cref="LbfgsOptimizer"/> (full batch, for small data). The optimiser object holds only hyperparameters; its moving state lives in the
/// model's <see cref="TrainingState"/>, so a warm start continues it.
/// </summary>
public abstract class Optimizer
{
    private protected Optimizer()
    {
    }

    /// <summary>The optimiser's name, recorded in the training state.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the optimiser works on the whole training set per step rather than on mini-batches.</summary>
    internal virtual bool IsFullBatch => false;

    /// <summary>The decoupled weight decay used when the options leave it unset.</summary>
    internal virtual float DefaultWeightDecay => 0f;

    /// <summary>Fresh state vectors for <paramref name="parameterCount"/> parameters.</summary>
    internal abstract float[][] CreateBuffers(int parameterCount);

    /// <summary>How an epoch of this optimiser runs: mini-batch steps, or one full-batch iteration.</summary>
    internal abstract EpochStrategy CreateEpochs(TrainingContext context);

    /// <summary>Whether <paramref name="buffers"/> is state this optimiser can continue from.</summary>
    internal virtual bool CanContinue(float[][] buffers, int parameterCount)
    {
        float[][] fresh = CreateBuffers(parameterCount);
        return buffers.Length == fresh.Length && buffers.All(b => b.Length == parameterCount);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
