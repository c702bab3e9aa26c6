using System.Numerics.Tensors;

namespace Backprop;

/// <summary>
/// An exponential moving average of a run's weights (and any running statistics), folded in at the end of every epoch:
/// average ← β·average + (1 − β)·weights, starting from the first epoch's weights. Averaging the last few epochs'
/// weights cancels much of the noise that mini-batch steps leave in any one of them.
/// </summary>
/// <param name="decay">β, in (0, 1): the weight the average keeps each epoch.</param>
internal sealed class WeightAverage(float decay)
{
    private float[]? _average;

    /// <summary>Folds <paramref name="parameters"/> into the average and returns the average.</summary>
    public float[] Update(float[] parameters)
    {
        if (_average is null)
            _average = (float[])parameters.Clone();
        else
            TensorPrimitives.Lerp(_average, parameters, 1f - decay, _average);
        return _average;
    }

    /// <summary>Copies the average into <paramref name="parameters"/>, if any epoch has been folded in.</summary>
    public void CopyTo(float[] parameters) => _average?.CopyTo(parameters, 0);
}
