namespace Backprop.MLNet.Comparison;

/// <summary>A named run of epochs to plot, with the epoch whose weights were kept.</summary>
/// <param name="Name">The legend's name.</param>
/// <param name="Epochs">The epochs' losses, in order.</param>
/// <param name="BestEpoch">The epoch whose weights were kept, marked on the validation curve; <see langword="null"/> for none.</param>
public sealed record LossCurve(string Name, IReadOnlyList<EpochRecord> Epochs, int? BestEpoch = null)
{
    /// <summary>The curve of a trained model's history.</summary>
    public static LossCurve From(string name, TrainingHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return new LossCurve(name, history.Epochs, history.BestEpoch);
    }
}
