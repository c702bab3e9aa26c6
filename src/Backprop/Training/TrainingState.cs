namespace Backprop;

/// <summary>
/// Where training stopped: the optimiser's moments or history, the step and epoch counts and the schedule's state.
/// A warm start from a model continues from here instead of resetting the optimiser.
/// </summary>
public sealed class TrainingState
{
    internal TrainingState(string optimizerName, long stepsCompleted, int epochsCompleted, float[][] optimizerBuffers, ScheduleState schedule)
    {
        OptimizerName = optimizerName;
        StepsCompleted = stepsCompleted;
        EpochsCompleted = epochsCompleted;
        OptimizerBuffers = optimizerBuffers;
        Schedule = schedule;
    }

    /// <summary>The optimiser that produced this state, for example "Adam".</summary>
    public string OptimizerName { get; }

    /// <summary>Optimiser steps taken so far (mini-batches, or L-BFGS iterations).</summary>
    public long StepsCompleted { get; }

    /// <summary>Epochs completed so far, across warm starts.</summary>
    public int EpochsCompleted { get; }

    /// <summary>The optimiser's vectors, for example Adam's first and second moments.</summary>
    internal float[][] OptimizerBuffers { get; }

    internal ScheduleState Schedule { get; }
}
