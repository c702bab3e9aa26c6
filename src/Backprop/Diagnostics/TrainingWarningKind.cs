namespace Backprop;

/// <summary>What a <see cref="TrainingWarning"/> is about.</summary>
public enum TrainingWarningKind
{
    /// <summary>The first layer's weight gradient stayed below 1e-4 of the output layer's: the early layers barely learn.</summary>
    VanishingGradients,

    /// <summary>The gradient grew by orders of magnitude, or clipping was active on most steps.</summary>
    ExplodingGradients,

    /// <summary>Most units of a ReLU layer were zero on every sampled row: they no longer learn.</summary>
    DeadUnits,

    /// <summary>Most values of a sigmoid or tanh layer lay in its flat tails, where its gradient nearly vanishes.</summary>
    SaturatedUnits,

    /// <summary>A layer's weights changed by more than a tenth of their size in one step: the learning rate is too high.</summary>
    LargeUpdates,
}
