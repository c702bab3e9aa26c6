namespace Backprop;

/// <summary>
/// An optimiser that updates the parameters after every mini-batch from that batch's gradient:
/// <see cref="SgdOptimizer"/>, <see cref="AdamOptimizer"/>, <see cref="AdamWOptimizer"/> or <see cref="RmsPropOptimizer"/>.
/// Each epoch shuffles the training rows and steps through them in batches of <see cref="MlpTrainerOptions.BatchSize"/>.
/// </summary>
public abstract class MiniBatchOptimizer : Optimizer
{
    private protected MiniBatchOptimizer()
    {
    }

    /// <summary>Applies one update. <paramref name="step"/> counts from 1.</summary>
    internal abstract void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, float[][] buffers, long step);

    internal sealed override EpochStrategy CreateEpochs(TrainingContext context) => new MiniBatchEpochs(context, this);
}
