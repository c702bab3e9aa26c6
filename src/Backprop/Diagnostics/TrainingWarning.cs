namespace Backprop;

/// <summary>
/// A problem the training diagnostics saw, with what to try. Raised once per kind and layer in a run, through
/// <see cref="MlpTrainerOptions.WarningRaised"/> as soon as it is seen and in the epoch's <see cref="EpochRecord.Warnings"/>.
/// </summary>
/// <param name="Kind">What the warning is about.</param>
/// <param name="Epoch">The epoch it was seen in, from 1, as <see cref="EpochRecord.Epoch"/> counts.</param>
/// <param name="Layer">The layer it concerns (0 for the first hidden layer), or <see langword="null"/> for the whole network.</param>
/// <param name="Message">The figures that raised it and the advice, in one sentence or two.</param>
public sealed record TrainingWarning(TrainingWarningKind Kind, int Epoch, int? Layer, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Message;
}
