using System.Buffers;

namespace Backprop;

/// <summary>
/// Networks of one shape trained on different splits or seeds (<see cref="MlpTrainer.TrainEnsemble"/>), scored as one
/// model: the members' raw outputs (the regression value on the network's scale, a classifier's logits) are averaged,
/// then the shared output transform is applied once. Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// Averaging before the transform keeps one rule for every task and one ONNX graph shape: a regression ensemble's
/// prediction is the mean of its members' predictions (they share one label scaling), a classifier's probabilities are
/// the sigmoid or softmax of the mean logits, and a log-link (Poisson) ensemble predicts the geometric mean. To keep
/// an ensemble, save each member (<see cref="MultilayerPerceptron.Save(Stream)"/>) and rebuild it from the loaded
/// members in the same order; the ML.NET trainers keep all of them in one model file.
/// </remarks>
public sealed class MlpEnsemble
{
    /// <summary>Makes an ensemble of <paramref name="members"/>, which must agree on their inputs, outputs and label scaling.</summary>
    /// <exception cref="ArgumentException">The list is empty or the members cannot be averaged.</exception>
    public MlpEnsemble(IReadOnlyList<MultilayerPerceptron> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0)
            throw new ArgumentException("An ensemble needs at least one network.", nameof(members));
        MultilayerPerceptron first = members[0];
        for (int i = 1; i < members.Count; i++)
        {
            MultilayerPerceptron m = members[i];
            if (m.InputCount != first.InputCount || m.OutputCount != first.OutputCount || m.OutputTransform != first.OutputTransform ||
                m.LabelScaling != first.LabelScaling)
                throw new ArgumentException(
                    $"Member {i} ({m}, label scaling {m.LabelScaling?.ToString() ?? "none"}) cannot be averaged with member 0 " +
                    $"({first}, label scaling {first.LabelScaling?.ToString() ?? "none"}): members need the same inputs, outputs and label scaling.",
                    nameof(members));
        }
        Members = [.. members];
    }

    /// <summary>The networks, in the order they were trained (member j was seeded with the options' seed + j).</summary>
    public IReadOnlyList<MultilayerPerceptron> Members { get; }

    /// <summary>The number of features a row must have.</summary>
    public int InputCount => Members[0].InputCount;

    /// <summary>The number of predictions per row: 1, or the number of classes under softmax.</summary>
    public int OutputCount => Members[0].OutputCount;

    /// <summary>How the averaged raw outputs become predictions.</summary>
    public OutputTransform OutputTransform => Members[0].OutputTransform;

    /// <summary>
    /// Predicts for a row-major block of rows, like <see cref="MultilayerPerceptron.Predict(ReadOnlySpan{float}, Span{float}, int)"/>,
    /// from the members' averaged raw outputs.
    /// </summary>
    /// <param name="features">rows × <see cref="InputCount"/> values.</param>
    /// <param name="predictions">rows × <see cref="OutputCount"/> values to write.</param>
    /// <param name="threads">The most threads each member's scoring uses; default 1.</param>
    public void Predict(ReadOnlySpan<float> features, Span<float> predictions, int threads = 1)
    {
        PredictRaw(features, predictions, threads);
        int rows = features.Length / InputCount;
        Members[0].ApplyOutputTransform(predictions[..(rows * OutputCount)]);
    }

    /// <summary>
    /// Writes the mean of the members' raw outputs (<see cref="MultilayerPerceptron.PredictRaw"/>): a binary
    /// classifier's mean logit, the mean class logits under softmax.
    /// </summary>
    public void PredictRaw(ReadOnlySpan<float> features, Span<float> outputs, int threads = 1)
    {
        Members[0].PredictRaw(features, outputs, threads);
        if (Members.Count == 1)
            return;
        int length = features.Length / InputCount * OutputCount;
        Span<float> sum = outputs[..length];
        float[] rented = ArrayPool<float>.Shared.Rent(length);
        try
        {
            Span<float> member = rented.AsSpan(0, length);
            for (int m = 1; m < Members.Count; m++)
            {
                Members[m].PredictRaw(features, member, threads);
                System.Numerics.Tensors.TensorPrimitives.Add(sum, member, sum);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
        System.Numerics.Tensors.TensorPrimitives.Multiply(sum, 1f / Members.Count, sum);
    }

    /// <inheritdoc/>
    public override string ToString() => $"MlpEnsemble of {Members.Count} × {Members[0]}";
}
