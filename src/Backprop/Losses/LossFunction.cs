namespace Backprop;

/// <summary>
/// The training objective for one output. A loss fixes the network's task: its <see cref="OutputTransform"/>, its
/// output width, and which targets are valid. Create one through the static members, for example
/// <c>LossFunction.Huber(1f)</c> or <c>LossFunction.SoftmaxCrossEntropy(labelSmoothing: 0.1f)</c>.
/// </summary>
/// <remarks>
/// Over a mini-batch the objective is Σᵢ wᵢ·ℓᵢ / Σᵢ wᵢ, where wᵢ are the sample weights (1 when none are given);
/// class and positive-class weights scale ℓᵢ but not the denominator, as in PyTorch and Keras.
/// </remarks>
public abstract class LossFunction
{
    private protected LossFunction()
    {
    }

    /// <summary>Squared error (z − y)², reported as the mean squared error.</summary>
    public static LossFunction SquaredError { get; } = new SquaredErrorLoss();

    /// <summary>Absolute error |z − y|: the median regression, robust to outliers.</summary>
    public static LossFunction AbsoluteError { get; } = new AbsoluteErrorLoss();

    /// <summary>Poisson negative log-likelihood with log link, e^z − y·z, for non-negative counts or rates.</summary>
    public static LossFunction Poisson { get; } = new PoissonLoss();

    /// <summary>A short name for logs and reports.</summary>
    public abstract string Name { get; }

    /// <summary>How the network's raw output becomes a prediction under this loss.</summary>
    public abstract OutputTransform OutputTransform { get; }

    /// <summary>Whether this loss trains a classifier (targets are class labels).</summary>
    public virtual bool IsClassification => false;

    /// <summary>Huber loss: squared within ±δ of the target, linear beyond.</summary>
    /// <param name="delta">δ, finite and positive; default 1 (PyTorch's).</param>
    public static LossFunction Huber(float delta = 1f) => new HuberLoss(delta);

    /// <summary>Binary cross-entropy on logits, for 0/1 targets, computed through softplus so it never takes log(0).</summary>
    /// <param name="positiveClassWeight">Scales the loss of positive examples (PyTorch's <c>pos_weight</c>); default 1.</param>
    public static LossFunction BinaryCrossEntropy(float positiveClassWeight = 1f) => new BinaryCrossEntropyLoss(positiveClassWeight);

    /// <summary>Softmax cross-entropy for class indices 0…k−1, computed through log-sum-exp.</summary>
    /// <param name="classWeights">One weight per class scaling its examples' loss; default none (all 1).</param>
    /// <param name="labelSmoothing">ε in [0, 1): targets become (1 − ε)·onehot + ε/k; default 0.</param>
    public static LossFunction SoftmaxCrossEntropy(IReadOnlyList<float>? classWeights = null, float labelSmoothing = 0f) =>
        new SoftmaxCrossEntropyLoss(classWeights, labelSmoothing);

    /// <summary>The number of network outputs this loss needs for <paramref name="classCount"/> classes.</summary>
    internal virtual int OutputWidth(int classCount) => 1;

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="name"/> when a target does not fit this loss.</summary>
    /// <param name="targets">The targets to check.</param>
    /// <param name="classCount">The number of classes, for a softmax loss.</param>
    /// <param name="name">The data's name in the message, such as "labels".</param>
    /// <param name="firstIndex">The index in the whole data of <paramref name="targets"/>' first value, for the message.</param>
    internal abstract void ValidateTargets(ReadOnlySpan<float> targets, int classCount, string name, long firstIndex = 0);

    /// <summary>Throws an <see cref="ArgumentException"/> when the loss's own settings do not fit <paramref name="classCount"/> classes.</summary>
    internal virtual void ValidateClassCount(int classCount)
    {
    }

    /// <summary>
    /// Returns Σᵢ wᵢ·ℓᵢ over <paramref name="rows"/> rows of raw outputs and, when <paramref name="gradient"/> is not
    /// empty, writes <c><paramref name="gradientScale"/>·wᵢ·∂ℓᵢ/∂z</c> into it.
    /// </summary>
    /// <param name="outputs">Raw outputs, rows × width.</param>
    /// <param name="targets">One target per row.</param>
    /// <param name="weights">One sample weight per row, or empty for all 1.</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="gradient">Rows × width, or empty when only the loss is needed.</param>
    /// <param name="gradientScale">Multiplies every gradient value (1 / Σw for a mean).</param>
    internal abstract double Evaluate(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights,
        int rows, Span<float> gradient, float gradientScale);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Throws when any target is not finite: shared by every loss.</summary>
    private protected static void RequireFinite(ReadOnlySpan<float> targets, string name, long firstIndex)
    {
        for (int i = 0; i < targets.Length; i++)
            if (!float.IsFinite(targets[i]))
                throw new ArgumentException(
                    $"{name}[{firstIndex + i}] is {targets[i]}; every target must be a finite number. Remove or replace missing labels before training.",
                    name);
    }
}
