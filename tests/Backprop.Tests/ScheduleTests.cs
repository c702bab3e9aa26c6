namespace Backprop.Tests;

public class ScheduleTests
{
    private static double[] Factors(LearningRateSchedule schedule, int epochs) =>
        Enumerable.Range(0, epochs).Select(e => Math.Round(schedule.Factor(e, epochs), 6)).ToArray();

    [Fact]
    public void Step_exponential_and_inverse_scaling_follow_their_formulas()
    {
        Assert.Equal([1, 1, 1, 1], Factors(LearningRateSchedule.Constant, 4));
        Assert.Equal([1, 1, 0.5, 0.5, 0.25], Factors(new StepDecaySchedule(2, 0.5), 5));
        Assert.Equal([1, 0.9, 0.81], Factors(new ExponentialDecaySchedule(0.9), 3));
        Assert.Equal([1, Math.Round(1 / Math.Sqrt(2), 6), Math.Round(1 / Math.Sqrt(3), 6), 0.5], Factors(new InverseScalingSchedule(), 4));
    }

    [Fact]
    public void Cosine_warms_up_linearly_then_anneals_to_the_minimum()
    {
        double[] f = Factors(new CosineSchedule(warmupEpochs: 2, minimumFactor: 0.1), 12);
        Assert.Equal(0.5, f[0]);
        Assert.Equal(1.0, f[1]);
        Assert.Equal(1.0, f[2]);
        Assert.Equal(Math.Round(0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * 5 / 9)), 6), f[7]); // t = (7 − 2) / (12 − 2 − 1)
        Assert.Equal(0.1, f[11]);
        Assert.True(f.Skip(2).Zip(f.Skip(3)).All(p => p.Second <= p.First), "annealing never rises");
    }

    [Fact]
    public void Cosine_log_runs_its_cycles_on_a_logarithmic_time_axis()
    {
        var schedule = new CosineLogSchedule(cycles: 4);
        double F(double t) => 0.5 - 0.5 * Math.Cos(2 * Math.PI * Math.Log2(1 + 15 * t));
        double[] f = Factors(schedule, 150);

        Assert.Equal(Math.Round(F(0.5 / 150), 6), f[0]);
        Assert.Equal(Math.Round(F(70.5 / 150), 6), f[70]);
        // Cycle c ends where 1 + 15t = 2^c: t = 1/15, 3/15, 7/15 and 1, epochs 10, 30 and 70 of 150, and the last.
        foreach (int end in new[] { 10, 30, 70 })
            Assert.True(Math.Min(f[end - 1], f[end]) < 0.02, $"no trough at epoch {end}: {f[end - 1]}, {f[end]}");
        Assert.True(f[^1] < 0.01);
        Assert.True(f.Max() > 0.99);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineLogSchedule(cycles: 0));
        Assert.Equal("periodEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineLogSchedule(periodEpochs: 0)).ParamName);
    }

    [Fact]
    public void Reduce_on_plateau_cuts_the_rate_after_patience_epochs_without_improvement()
    {
        var schedule = new ReduceOnPlateauSchedule(factor: 0.5, patience: 2, minimumLearningRate: 0.0003);
        var state = new ScheduleState();
        double[] scales = new[] { 1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95 }.Select(loss =>
        {
            schedule.EpochEnded(loss, 0.001, state);
            return state.Scale;
        }).ToArray();
        Assert.Equal([1, 1, 1, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3], scales.Select(s => Math.Round(s, 6)));
    }
}
