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

    /// <summary>
    /// A run on held-out rows chose the epoch count, and this network was trained again for that many epochs on
    /// every row (<see cref="MlpTrainerOptions.RefitOnAllRows"/>).
    /// </summary>
    Refitted = 3,
}
