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

    /// <summary>
    /// Applies one update to the parameters from <paramref name="offset"/> on (<paramref name="parameters"/> and
    /// <paramref name="gradient"/> are that slice; <paramref name="buffers"/> are whole). <paramref name="step"/> counts
    /// from 1. Every update is element by element, so slices can be updated on different threads.
    /// </summary>
    internal abstract void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, float[][] buffers, long step, int offset);

    internal sealed override EpochStrategy CreateEpochs(TrainingContext context) => context.Train switch
    {
        StreamedRows streamed => new StreamedEpochs(context, this, streamed),
        _ => new MiniBatchEpochs(context, this, (RowSet)context.Train),
    };
}
