using Backprop.Kernels;

namespace Backprop;

/// <summary>
/// ℓ = p·y·softplus(−z) + (1 − y)·softplus(z), the cross-entropy of σ(z) against y ∈ [0, 1] with positive-class
/// weight p. See <see cref="LossFunction.BinaryCrossEntropy"/>.
/// </summary>
public sealed class BinaryCrossEntropyLoss : LossFunction
{
    internal BinaryCrossEntropyLoss(float positiveClassWeight)
    {
        if (!float.IsFinite(positiveClassWeight) || positiveClassWeight <= 0f)
            throw new ArgumentOutOfRangeException(nameof(positiveClassWeight), positiveClassWeight,
                "The positive-class weight must be a positive number, for example negatives/positives for imbalanced data.");
        PositiveClassWeight = positiveClassWeight;
    }

    /// <summary>p, the weight of a positive example's loss.</summary>
    public float PositiveClassWeight { get; }

    /// <inheritdoc/>
    public override string Name => PositiveClassWeight == 1f ? "BinaryCrossEntropy" : $"BinaryCrossEntropy(pos_weight={PositiveClassWeight})";

    /// <inheritdoc/>
    public override OutputTransform OutputTransform => OutputTransform.Sigmoid;

    /// <inheritdoc/>
    public override bool IsClassification => true;

    internal override void ValidateTargets(ReadOnlySpan<float> targets, int classCount, string name, long firstIndex = 0)
    {
        RequireFinite(targets, name, firstIndex);
        for (int i = 0; i < targets.Length; i++)
            if (targets[i] is < 0f or > 1f)
                throw new ArgumentException(
                    $"{name}[{firstIndex + i}] is {targets[i]}; binary cross-entropy needs targets 0 (negative) or 1 (positive).", name);
    }

    internal override double Evaluate(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights,
        int rows, Span<float> gradient, float gradientScale)
    {
        double sum = 0;
        float p = PositiveClassWeight;
        for (int i = 0; i < rows; i++)
        {
            float w = weights.IsEmpty ? 1f : weights[i];
            float z = outputs[i], y = targets[i];
            sum += w * ((double)p * y * ActivationKernels.SoftPlus(-z) + (1.0 - y) * ActivationKernels.SoftPlus(z));
            if (!gradient.IsEmpty)
            {
                float s = ActivationKernels.Sigmoid(z);
                gradient[i] = gradientScale * w * (p * y * (s - 1f) + (1f - y) * s);
            }
        }
        return sum;
    }
}
