namespace Backprop;

/// <summary>
/// How the learning rate changes from epoch to epoch: the rate of epoch e (from 0, counting on across warm starts)
/// is the options' learning rate times the schedule's factor. Create one with <see cref="Constant"/> or the
/// constructors of <see cref="StepDecaySchedule"/>, <see cref="ExponentialDecaySchedule"/>,
/// <see cref="CosineSchedule"/>, <see cref="CosineLogSchedule"/>, <see cref="InverseScalingSchedule"/> and
/// <see cref="ReduceOnPlateauSchedule"/>.
/// </summary>
public abstract class LearningRateSchedule
{
    private protected LearningRateSchedule()
    {
    }

    /// <summary>The same rate every epoch. The default.</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>The factor for <paramref name="epoch"/> (from 0) in a run planned for <paramref name="plannedEpochs"/> epochs.</summary>
    internal abstract double Factor(int epoch, int plannedEpochs);

    /// <summary>Tells a stateful schedule the epoch's monitored value (lower is better).</summary>
    internal virtual void EpochEnded(double monitored, double baseLearningRate, ScheduleState state)
    {
    }

    private sealed class ConstantSchedule : LearningRateSchedule
    {
        internal override double Factor(int epoch, int plannedEpochs) => 1.0;

        public override string ToString() => "Constant";
    }
}
