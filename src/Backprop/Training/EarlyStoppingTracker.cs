namespace Backprop;

/// <summary>
/// Early stopping: remembers the best epoch's monitored value and parameters, counts the epochs since it, says when
/// patience has run out, and puts the best parameters back at the end however the run ended.
/// </summary>
/// <param name="parameterCount">The size of the vector to remember: the parameters and any running statistics.</param>
/// <param name="patience">Epochs without improvement before stopping, 1 or more.</param>
/// <param name="minDelta">The least decrease of the monitored value that counts as an improvement.</param>
internal sealed class EarlyStoppingTracker(int parameterCount, int patience, double minDelta)
{
    private readonly float[] _best = new float[parameterCount];
    private double _bestValue = double.PositiveInfinity;
    private int _epochsWithoutImprovement;

    /// <summary>The epoch (from 1, counting a warm start's earlier epochs) whose parameters are kept, or <see langword="null"/> before any.</summary>
    public int? BestEpoch { get; private set; }

    /// <summary>
    /// Records epoch <paramref name="epochNumber"/>'s <paramref name="monitored"/> value (lower is better): an
    /// improvement keeps a copy of <paramref name="parameters"/>.
    /// </summary>
    /// <returns><see langword="true"/> when patience has run out and training should stop.</returns>
    public bool Observe(double monitored, int epochNumber, float[] parameters)
    {
        if (monitored < _bestValue - minDelta)
        {
            _bestValue = monitored;
            BestEpoch = epochNumber;
            parameters.CopyTo(_best, 0);
            _epochsWithoutImprovement = 0;
            return false;
        }
        return ++_epochsWithoutImprovement >= patience;
    }

    /// <summary>Puts the best epoch's parameters back, unless <paramref name="lastEpochNumber"/> was the best.</summary>
    public void RestoreBest(float[] parameters, int lastEpochNumber)
    {
        if (BestEpoch is { } best && best != lastEpochNumber)
            _best.CopyTo(parameters, 0);
    }
}
