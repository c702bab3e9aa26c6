namespace Backprop;

/// <summary>Why training ended.</summary>
public enum StopReason
{
    /// <summary>Every requested epoch ran.</summary>
    Completed = 0,

    /// <summary>The monitored value did not improve for the patience window.</summary>
    EarlyStopped = 1,

    /// <summary>L-BFGS found no further descent: the gradient or the step became negligible.</summary>
    Converged = 2,
}
