using System.Collections.Concurrent;
using Backprop.Kernels;

namespace Backprop;

/// <summary>
/// A trained multilayer perceptron: dense layers, their activations, the output transform set by the loss, any label
/// scaling, the training history and the state a warm start continues from. Immutable and safe to share between
/// threads.
/// </summary>
public sealed class MultilayerPerceptron
{
    /// <summary>Rows scored per forward pass: bounds the scratch memory of a large <see cref="Predict(ReadOnlySpan{float}, Span{float}, int)"/> call.</summary>
    private const int ScoringChunkRows = 1024;

    private readonly float[] _parameters;

    /// <summary>One-row scratch buffers, reused so that scoring row by row does not allocate them per call.</summary>
    private readonly ConcurrentBag<Propagator> _rowPropagators = [];

    internal MultilayerPerceptron(NetworkLayout layout, float[] parameters, OutputTransform outputTransform,
        LabelScaling? labelScaling, TrainingHistory history, TrainingState? trainingState)
    {
        if (parameters.Length != layout.ValueCount)
            throw new ArgumentException($"Expected {layout.ValueCount} values, got {parameters.Length}.", nameof(parameters));
        if (outputTransform == OutputTransform.Softmax ? layout.OutputCount < 2 : layout.OutputCount != 1)
            throw new ArgumentException($"A {outputTransform} output cannot have {layout.OutputCount} units.", nameof(outputTransform));
        Layout = layout;
        _parameters = parameters;
        OutputTransform = outputTransform;
        LabelScaling = labelScaling;
        History = history;
        TrainingState = trainingState;
        Layers = Enumerable.Range(0, layout.LayerCount).Select(l =>
        {
            int width = layout.OutputWidth(l);
            // length values from skip past a block's offset in the stored values, or none where the layer lacks the block (−1).
            ReadOnlyMemory<float> Block(int offset, int length, int skip = 0) => offset < 0 ? default : new(parameters, offset + skip, length);
            return new DenseLayer(layout.InputWidth(l), width,
                l < layout.LayerCount - 1 ? layout.HiddenActivations[l] : null,
                Block(layout.WeightOffset(l), layout.WeightCount(l)),
                Block(layout.BiasOffset(l), width),
                layout.HasSkip(l),
                Block(layout.ProjectionOffset(l), layout.WeightCount(l)),
                Block(layout.NormalizationOffset(l), width),
                Block(layout.NormalizationOffset(l), width, skip: width),
                Block(layout.StatisticsOffset(l), width),
                Block(layout.StatisticsOffset(l), width, skip: width));
        }).ToArray();
        if (layout.Embedding is { } embedding)
            Embedding = new PeriodicEmbeddingLayer(embedding,
                new ReadOnlyMemory<float>(parameters, layout.EmbeddingOffset, embedding.ParameterCount));
    }

    /// <summary>The number of features a row must have.</summary>
    public int InputCount => Layout.InputCount;

    /// <summary>The number of predictions per row: 1, or the number of classes under softmax.</summary>
    public int OutputCount => Layout.OutputCount;

    /// <summary>The dense layers in order, the output layer last.</summary>
    public IReadOnlyList<DenseLayer> Layers { get; }

    /// <summary>The periodic embedding of the numeric features before the first layer, or <see langword="null"/>.</summary>
    public PeriodicEmbeddingLayer? Embedding { get; }

    /// <summary>How raw outputs become predictions.</summary>
    public OutputTransform OutputTransform { get; }

    /// <summary>The label standardisation undone at prediction, or <see langword="null"/> when the labels were used as given.</summary>
    public LabelScaling? LabelScaling { get; }

    /// <summary>The per-epoch training record.</summary>
    public TrainingHistory History { get; }

    /// <summary>The optimiser and schedule state a warm start continues from; <see langword="null"/> when not kept.</summary>
    public TrainingState? TrainingState { get; }

    /// <summary>
    /// The total number of trained parameters: weights and biases, the embedding's, projections and normalisation
    /// scales and shifts (not batch normalisation's running statistics, which no gradient reaches).
    /// </summary>
    public int ParameterCount => Layout.ParameterCount;

    internal NetworkLayout Layout { get; }

    /// <summary>The parameters followed by any running statistics (<see cref="NetworkLayout.ValueCount"/> values).</summary>
    internal ReadOnlySpan<float> Parameters => _parameters;

    /// <summary>
    /// Predicts for a row-major block of rows: regression values on the label's own scale, the positive-class
    /// probability under a sigmoid output, or one probability per class under softmax.
    /// </summary>
    /// <param name="features">rows × <see cref="InputCount"/> values.</param>
    /// <param name="predictions">rows × <see cref="OutputCount"/> values to write.</param>
    /// <param name="threads">The most threads to use; default 1.</param>
    public void Predict(ReadOnlySpan<float> features, Span<float> predictions, int threads = 1)
    {
        PredictRaw(features, predictions, threads);
        ApplyOutputTransform(predictions);
    }

    /// <summary>Predicts for one row; see <see cref="Predict(ReadOnlySpan{float}, Span{float}, int)"/>.</summary>
    public float[] Predict(ReadOnlySpan<float> row)
    {
        if (row.Length != InputCount)
            throw new ArgumentException($"The row has {row.Length} features but the network was trained on {InputCount}.", nameof(row));
        var output = new float[OutputCount];
        Predict(row, output);
        return output;
    }

    /// <summary>
    /// Writes the output layer's raw values before the output transform and label scaling: the margin (logit) of a
    /// binary classifier, the class logits under softmax.
    /// </summary>
    public void PredictRaw(ReadOnlySpan<float> features, Span<float> outputs, int threads = 1)
    {
        int rows = CheckShapes(features, outputs);
        bool singleRow = rows == 1;
        Propagator propagator = singleRow && _rowPropagators.TryTake(out Propagator? pooled) ? pooled
            : new Propagator(Layout, Math.Clamp(rows, 1, ScoringChunkRows), withDropout: false, Math.Max(1, threads), forTraining: false);
        for (int first = 0; first < rows; first += propagator.BatchCapacity)
        {
            int count = Math.Min(propagator.BatchCapacity, rows - first);
            features.Slice(first * InputCount, count * InputCount).CopyTo(propagator.Input);
            propagator.Forward(_parameters, count);
            propagator.Outputs(count).CopyTo(outputs.Slice(first * OutputCount, count * OutputCount));
        }
        if (singleRow)
            _rowPropagators.Add(propagator);
    }

    /// <summary>Writes the model in Backprop's versioned binary format.</summary>
    public void Save(Stream stream) => ModelSerializer.Write(this, stream);

    /// <summary>Writes the model to a file, replacing any file there.</summary>
    public void Save(string path)
    {
        using var stream = File.Create(path);
        Save(stream);
    }

    /// <summary>Reads a model written by <see cref="Save(Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">The data is not a Backprop model, is truncated or corrupt, or was written by a newer version.</exception>
    public static MultilayerPerceptron Load(Stream stream) => ModelSerializer.Read(stream);

    /// <summary>Reads a model file written by <see cref="Save(string)"/>.</summary>
    public static MultilayerPerceptron Load(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return Load(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Cannot load '{path}': {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"MultilayerPerceptron {Layout} → {OutputTransform}";

    /// <summary>
    /// Maps raw outputs from <see cref="PredictRaw"/> to predictions in place: the sigmoid of a binary classifier's
    /// logit, the softmax of each row's class logits, e^z under a log link, or the label scaling undone.
    /// <see cref="PredictRaw"/> followed by this equals <see cref="Predict(ReadOnlySpan{float}, Span{float}, int)"/>.
    /// </summary>
    /// <param name="values">Whole rows of <see cref="OutputCount"/> raw outputs.</param>
    public void ApplyOutputTransform(Span<float> values)
    {
        if (values.Length % OutputCount != 0)
            throw new ArgumentException(
                $"values has {values.Length} outputs, which is not a whole number of rows of {OutputCount}.", nameof(values));
        switch (OutputTransform)
        {
            case OutputTransform.Identity when LabelScaling is { } scaling:
                for (int i = 0; i < values.Length; i++)
                    values[i] = scaling.FromNetwork(values[i]);
                break;
            case OutputTransform.Identity:
                break;
            case OutputTransform.Exp:
                System.Numerics.Tensors.TensorPrimitives.Exp(values, values);
                break;
            case OutputTransform.Sigmoid:
                for (int i = 0; i < values.Length; i++)
                    values[i] = ActivationKernels.Sigmoid(values[i]);
                break;
            case OutputTransform.Softmax:
                ActivationKernels.SoftmaxRows(values, values, values.Length / OutputCount, OutputCount);
                break;
        }
    }

    private int CheckShapes(ReadOnlySpan<float> features, Span<float> outputs)
    {
        if (features.Length % InputCount != 0)
            throw new ArgumentException(
                $"features has {features.Length} values, which is not a whole number of rows of {InputCount} features.", nameof(features));
        int rows = features.Length / InputCount;
        if (outputs.Length < rows * OutputCount)
            throw new ArgumentException(
                $"The output buffer holds {outputs.Length} values but {rows} rows need {rows * OutputCount}.", nameof(outputs));
        return rows;
    }
}
