namespace Backprop;

/// <summary>
/// ℓ = c_y · Σⱼ −qⱼ·log softmax(z)ⱼ with q = (1 − ε)·onehot(y) + ε/k and class weight c_y.
/// See <see cref="LossFunction.SoftmaxCrossEntropy"/>.
/// </summary>
public sealed class SoftmaxCrossEntropyLoss : LossFunction
{
    private readonly float[]? _classWeights;

    internal SoftmaxCrossEntropyLoss(IReadOnlyList<float>? classWeights, float labelSmoothing)
    {
        if (!float.IsFinite(labelSmoothing) || labelSmoothing < 0f || labelSmoothing >= 1f)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing,
                "Label smoothing must be in [0, 1), for example 0.1.");
        if (classWeights is not null)
        {
            if (classWeights.Count < 2)
                throw new ArgumentException("classWeights needs one weight per class, and a classifier has at least 2 classes.", nameof(classWeights));
            for (int c = 0; c < classWeights.Count; c++)
                if (!float.IsFinite(classWeights[c]) || classWeights[c] < 0f)
                    throw new ArgumentException($"classWeights[{c}] is {classWeights[c]}; class weights must be finite and non-negative.", nameof(classWeights));
            _classWeights = [.. classWeights];
        }
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The weight of each class's examples, or <see langword="null"/> when all are 1.</summary>
    public IReadOnlyList<float>? ClassWeights => _classWeights;

    /// <summary>ε, the label-smoothing mass spread evenly over the classes.</summary>
    public float LabelSmoothing { get; }

    /// <inheritdoc/>
    public override string Name => "SoftmaxCrossEntropy";

    /// <inheritdoc/>
    public override OutputTransform OutputTransform => OutputTransform.Softmax;

    /// <inheritdoc/>
    public override bool IsClassification => true;

    internal override int OutputWidth(int classCount) => classCount;

    internal override void ValidateTargets(ReadOnlySpan<float> targets, int classCount, string name, long firstIndex = 0)
    {
        RequireFinite(targets, name, firstIndex);
        for (int i = 0; i < targets.Length; i++)
        {
            float y = targets[i];
            if (y < 0f || y >= classCount || y != MathF.Floor(y))
                throw new ArgumentException(
                    $"{name}[{firstIndex + i}] is {y}; softmax cross-entropy needs class indices 0…{classCount - 1}.", name);
        }
    }

    internal override void ValidateClassCount(int classCount)
    {
        if (_classWeights is not null && _classWeights.Length != classCount)
            throw new ArgumentException(
                $"classWeights has {_classWeights.Length} weights but the data has {classCount} classes; give one weight per class.", "classWeights");
    }

    internal override double Evaluate(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights,
        int rows, Span<float> gradient, float gradientScale)
    {
        int k = outputs.Length / Math.Max(rows, 1);
        float offTarget = LabelSmoothing / k;
        float onTarget = 1f - LabelSmoothing + offTarget;
        double sum = 0;
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> z = outputs.Slice(i * k, k);
            int y = (int)targets[i];
            float w = (weights.IsEmpty ? 1f : weights[i]) * (_classWeights is null ? 1f : _classWeights[y]);

            float max = float.NegativeInfinity;
            for (int j = 0; j < k; j++)
                max = MathF.Max(max, z[j]);
            double expSum = 0;
            for (int j = 0; j < k; j++)
                expSum += Math.Exp(z[j] - max);
            double logSumExp = max + Math.Log(expSum);

            // −Σ qⱼ·(zⱼ − lse) = lse − Σ qⱼ·zⱼ, since Σ qⱼ = 1.
            double dot = 0;
            for (int j = 0; j < k; j++)
                dot += (j == y ? onTarget : offTarget) * (double)z[j];
            sum += w * (logSumExp - dot);

            if (!gradient.IsEmpty)
            {
                Span<float> g = gradient.Slice(i * k, k);
                for (int j = 0; j < k; j++)
                {
                    double probability = Math.Exp(z[j] - logSumExp);
                    g[j] = (float)(gradientScale * w * (probability - (j == y ? onTarget : offTarget)));
                }
            }
        }
        return sum;
    }
}
