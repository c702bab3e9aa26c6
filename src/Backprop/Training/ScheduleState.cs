namespace Backprop;

/// <summary>What a stateful learning-rate schedule carries from epoch to epoch, and across warm starts.</summary>
internal sealed class ScheduleState
{
    /// <summary>The factor applied to the scheduled rate (reduce-on-plateau lowers it).</summary>
    public double Scale { get; set; } = 1.0;

    /// <summary>The best monitored value seen.</summary>
    public double Best { get; set; } = double.PositiveInfinity;

    /// <summary>Epochs since <see cref="Best"/> last improved.</summary>
    public int EpochsWithoutImprovement { get; set; }

    public ScheduleState Clone() => new() { Scale = Scale, Best = Best, EpochsWithoutImprovement = EpochsWithoutImprovement };
}
