namespace Backprop;

/// <summary>An optimiser's moving state during a run: its buffers (moments, or L-BFGS's history) and the steps taken.</summary>
internal sealed class OptimizerProgress(float[][] buffers, long steps)
{
    public float[][] Buffers { get; set; } = buffers;

    public long Steps { get; set; } = steps;
}
