namespace Backprop;

/// <summary>What the training diagnostics measured in one epoch (see <see cref="MlpTrainerOptions.Diagnostics"/>).</summary>
/// <param name="Layers">One record per dense layer, the output layer last.</param>
/// <param name="GradientNorm">
/// The mean over the epoch's steps of the gradient's global L2 norm (every parameter, penalty included, before
/// clipping); for L-BFGS, of its one full-batch gradient.
/// </param>
/// <param name="ClippedFraction">The share of the epoch's steps whose gradient <see cref="MlpTrainerOptions.GradientClipNorm"/> clipped.</param>
/// <param name="SampledSteps">The steps the per-layer figures were measured on.</param>
public sealed record EpochDiagnostics(IReadOnlyList<LayerDiagnostics> Layers, double GradientNorm, double ClippedFraction, int SampledSteps)
{
    /// <summary>Equal when every figure is, layer by layer.</summary>
    public bool Equals(EpochDiagnostics? other) =>
        other is not null && Layers.SequenceEqual(other.Layers) && GradientNorm.Equals(other.GradientNorm) &&
        ClippedFraction.Equals(other.ClippedFraction) && SampledSteps == other.SampledSteps;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Layers.Count, GradientNorm, ClippedFraction, SampledSteps);
}
