namespace Microsoft.ML;

/// <summary>Cancellation of running training from another thread.</summary>
public static class MLContextCancellation
{
    /// <summary>
    /// Cancels the training running in <paramref name="mlContext"/>: a Backprop trainer stops after its current
    /// epoch and <c>Fit</c> throws <see cref="OperationCanceledException"/>; ML.NET's own trainers stop at their next
    /// check. The context stays cancelled, so make a new <see cref="MLContext"/> for further work.
    /// </summary>
    /// <remarks>ML.NET 5.0.1 has this method but keeps it internal; this extension calls it.</remarks>
    public static void CancelExecution(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        mlContext.CancelExecution();
    }
}
