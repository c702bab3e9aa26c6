namespace Backprop;

/// <summary>Training produced a NaN or infinite loss, gradient or weight; no model is returned.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException()
        : base("Training diverged.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
