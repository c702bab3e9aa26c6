using Backprop.Kernels;

namespace Backprop;

/// <summary>
/// Forward and backward passes over whole mini-batch matrices, with buffers sized once for the largest batch.
/// Every step goes through the kernel layer; this class only sequences them.
/// </summary>
/// <remarks>
/// For layer l with input X (rows × in), weights W (in × out) and bias b:
/// forward Z = X·W + b, A = f(Z), and with dropout the next layer sees A ⊙ M;
/// backward ∂W = Xᵀ·∂Z, ∂b = Σ_rows ∂Z, ∂X = ∂Z·Wᵀ, and ∂Z_prev = ∂X ⊙ M ⊙ f′(Z_prev). With a periodic embedding the
/// first layer's X is the embedded input (<see cref="EmbeddingLayout"/>), and its ∂X flows on into the embedding.
/// A hidden layer with a residual connection outputs O = A (⊙ M) + X (or + X·P): its ∂O passes through the activation
/// into ∂Z and, unchanged (or times Pᵀ), straight to the layer below, and ∂P = Xᵀ·∂O. A layer-normalised layer keeps
/// Y = γ ⊙ Ẑ + β as its pre-activation (what the activation sees), with Ẑ and each row's 1/σ for the backward pass;
/// a batch-normalised one standardises each unit by the batch's mean and variance in a training pass (keeping Ẑ and each
/// unit's 1/σ, and the statistics for <see cref="UpdateRunningStatistics"/>), and by its running statistics otherwise.
/// A large step on two or more threads runs its forward pass as two row halves and each backward layer's ∂W beside
/// the ∂Z it passes down (<see cref="ParallelWork"/>); every value is computed exactly as on one thread. (A training pass
/// through batch normalisation needs every row's statistics at each layer, so it keeps its rows together.)
/// </remarks>
internal sealed unsafe class Propagator
{
    /// <summary>
    /// A step splits between two threads from this many multiply-adds in its forward pass (4M), and a layer's backward
    /// stage from <see cref="LayerParallelThreshold"/> in its products: forking and joining costs tens of microseconds
    /// on the machine measured. W1's 256-row batches (4.2M) split; 128-row ones (2.1M) ran 20–40 % slower split.
    /// </summary>
    private const long StageParallelThreshold = 1L << 22;

    /// <summary>A layer's backward products (rows × inputs × outputs) worth a second thread: 1M.</summary>
    private const long LayerParallelThreshold = 1L << 20;

    private const int MinRowsPerThread = 16;

    private readonly NetworkLayout _layout;
    private readonly float[][] _preActivations;   // Z per layer; the last is the network's raw output
    private readonly float[][] _activations;      // f(Z) per hidden layer
    private readonly float[]?[] _dropoutMasks;    // 0 or 1/(1 − p) per hidden unit, when dropout is on
    private readonly float[]?[] _droppedOutputs;  // f(Z) ⊙ M: what the next layer sees under dropout
    private readonly float[]?[] _outputs;         // A (⊙ M) + X (or + X·P): a residual layer's output
    private readonly float[]?[] _outputDeltas;    // ∂loss/∂(that output), for its connection's backward
    private readonly float[]?[] _normalized;      // Ẑ of a normalised layer
    private readonly float[]?[] _inverseDeviations; // its rows' 1/√(σ² + ε), or its units' under batch normalisation
    private readonly float[]?[] _batchMeans;      // a batch-normalised layer's μ over the last training batch
    private readonly float[]?[] _batchVariances;  // and its biased σ²
    private readonly float[]?[] _columnScratch;   // two rows of the width, for its backward pass
    private readonly float[]?[] _normOutputDeltas; // ∂loss/∂Y, kept for ∂γ and ∂β
    private readonly float[][] _deltas;           // ∂loss/∂Z per layer
    private readonly EmbeddingLayout? _embedding;
    private readonly float[] _embedded = [];      // the first layer's input under an embedding, rows × its width
    private readonly float[] _embeddedDelta = []; // ∂loss/∂(that input), when training
    private readonly float[] _angles = [], _cosines = [], _sines = []; // 2π·f·x + φ, its cosine and sine, rows × k
    private readonly bool _keepsAngles;           // training keeps every feature's angles for the backward pass
    private readonly int _threads;
    private readonly long _multiplyAddsPerRow;
    private readonly Halves _forwardHalves, _backwardHalves;
    private Stage _stage;
    private bool _dropoutApplied;
    private bool _batchStatistics;                // the last forward pass normalised by the batch's statistics

    /// <param name="layout">The network.</param>
    /// <param name="batchCapacity">The most rows a pass takes.</param>
    /// <param name="withDropout">Whether forward passes may apply dropout.</param>
    /// <param name="threads">The most threads a pass uses.</param>
    /// <param name="forTraining">Whether <see cref="Backward"/> will be called; scoring alone needs less memory.</param>
    public Propagator(NetworkLayout layout, int batchCapacity, bool withDropout, int threads, bool forTraining = true)
    {
        _layout = layout;
        _threads = threads;
        for (int l = 0; l < layout.LayerCount; l++)
            _multiplyAddsPerRow += (long)layout.InputWidth(l) * layout.OutputWidth(l);
        // Made once, so a parallel stage allocates nothing.
        _forwardHalves = new Halves(ForwardHalf);
        _backwardHalves = new Halves(BackwardHalf);
        BatchCapacity = batchCapacity;
        int layers = layout.LayerCount;
        Input = new float[batchCapacity * layout.InputCount];
        if (layout.Embedding is { } embedding)
        {
            _embedding = embedding;
            _keepsAngles = forTraining;
            _multiplyAddsPerRow += embedding.FrequencyCount * (long)embedding.Size;
            _embedded = new float[batchCapacity * embedding.OutputWidth];
            int angleRows = batchCapacity * (forTraining ? embedding.EmbeddedFeatures.Length : 1);
            _angles = new float[angleRows * embedding.Frequencies];
            _cosines = new float[_angles.Length];
            if (forTraining)
            {
                _embeddedDelta = new float[_embedded.Length];
                _sines = new float[batchCapacity * embedding.Frequencies];
            }
        }
        _preActivations = new float[layers][];
        _deltas = new float[layers][];
        _activations = new float[layers - 1][];
        _dropoutMasks = new float[]?[layers - 1];
        _droppedOutputs = new float[]?[layers - 1];
        _outputs = new float[]?[layers - 1];
        _outputDeltas = new float[]?[layers - 1];
        _normalized = new float[]?[layers - 1];
        _inverseDeviations = new float[]?[layers - 1];
        _normOutputDeltas = new float[]?[layers - 1];
        _batchMeans = new float[]?[layers - 1];
        _batchVariances = new float[]?[layers - 1];
        _columnScratch = new float[]?[layers - 1];
        for (int l = 0; l < layers; l++)
        {
            int size = batchCapacity * layout.OutputWidth(l);
            _preActivations[l] = new float[size];
            _deltas[l] = new float[size];
            if (l < layers - 1)
            {
                _activations[l] = new float[size];
                if (withDropout)
                {
                    _dropoutMasks[l] = new float[size];
                    _droppedOutputs[l] = new float[size];
                }
                if (layout.HasSkip(l))
                {
                    _outputs[l] = new float[size];
                    _outputDeltas[l] = forTraining ? new float[size] : null;
                }
                if (layout.IsNormalized(l))
                {
                    int width = layout.OutputWidth(l);
                    bool batchNorm = layout.IsBatchNormalized(l);
                    _normalized[l] = batchNorm && !forTraining ? null : new float[size];
                    _inverseDeviations[l] = new float[batchNorm ? width : batchCapacity];
                    _normOutputDeltas[l] = forTraining ? new float[size] : null;
                    if (batchNorm && forTraining)
                    {
                        _batchMeans[l] = new float[width];
                        _batchVariances[l] = new float[width];
                        _columnScratch[l] = new float[2 * width];
                    }
                }
            }
        }
    }

    public int BatchCapacity { get; }

    /// <summary>The batch's inputs, rows × inputs; callers fill the first rows·inputs values.</summary>
    public float[] Input { get; }

    /// <summary>The raw network outputs of the last forward pass, rows × outputs.</summary>
    public Span<float> Outputs(int rows) => _preActivations[^1].AsSpan(0, rows * _layout.OutputCount);

    /// <summary>
    /// What layer <paramref name="layer"/>'s activation saw in the last forward pass, rows × its width: Z, or
    /// Y = γ ⊙ Ẑ + β when the layer is normalised.
    /// </summary>
    public ReadOnlySpan<float> PreActivations(int layer, int rows) => _preActivations[layer].AsSpan(0, rows * _layout.OutputWidth(layer));

    /// <summary>Layer <paramref name="layer"/>'s ∂loss/∂Z of the last backward pass, rows × its width.</summary>
    public ReadOnlySpan<float> Delta(int layer, int rows) => _deltas[layer].AsSpan(0, rows * _layout.OutputWidth(layer));

    /// <summary>Where the loss writes ∂loss/∂output before <see cref="Backward"/>.</summary>
    public Span<float> OutputGradient(int rows) => _deltas[^1].AsSpan(0, rows * _layout.OutputCount);

    /// <summary>Runs the network on the first <paramref name="rows"/> rows of <see cref="Input"/>.</summary>
    /// <param name="parameters">
    /// The flat weights and biases, followed by the running statistics of batch normalisation when a pass that is not
    /// <paramref name="training"/> needs them (<see cref="NetworkLayout.ValueCount"/> values).
    /// </param>
    /// <param name="rows">The batch's rows.</param>
    /// <param name="dropoutRate">Probability of zeroing a hidden unit; 0 for inference.</param>
    /// <param name="random">The dropout stream; required when <paramref name="dropoutRate"/> &gt; 0.</param>
    /// <param name="training">
    /// Whether batch normalisation uses this batch's statistics (a training step) rather than its running statistics
    /// (scoring); default <see langword="false"/>.
    /// </param>
    public void Forward(ReadOnlySpan<float> parameters, int rows, float dropoutRate = 0f, SeededRandom? random = null, bool training = false)
    {
        if (rows > BatchCapacity)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"The batch holds at most {BatchCapacity} rows.");
        _dropoutApplied = dropoutRate > 0f;
        if (_dropoutApplied && (random is null || _dropoutMasks.Length > 0 && _dropoutMasks[0] is null))
            throw new InvalidOperationException("Dropout needs a propagator built for it and a random stream.");
        _batchStatistics = training && HasBatchNormalization;
        if (_batchStatistics && _batchMeans[0] is null)
            throw new InvalidOperationException("A training pass through batch normalisation needs a propagator built forTraining.");
        if (HasBatchNormalization && !_batchStatistics)
            for (int l = 0; l < _layout.LayerCount - 1; l++)
                NormalizationKernels.InverseDeviations(_layout.RunningVariance(parameters, l), NetworkLayout.NormalizationEpsilon, _inverseDeviations[l]);

        // Rows are independent through the forward pass, so two threads can each take half of them through every
        // layer. (With dropout the masks come from one stream in order, and batch statistics need every row, so those
        // passes keep their rows together.)
        if (!_dropoutApplied && !_batchStatistics && UsesTwoThreads(rows))
        {
            fixed (float* p = parameters)
            {
                _stage = new Stage((nint)p, parameters.Length, 0, 0, rows, 0, false);
                ParallelWork.ForCurrentThread.Run(_forwardHalves, parts: 2, threads: 2);
            }
            return;
        }
        ForwardRows(parameters, 0, rows, dropoutRate, random, _threads);
    }

    /// <summary>
    /// Back-propagates the gradient in <see cref="OutputGradient"/> through the last forward pass, writing ∂loss/∂θ
    /// into <paramref name="gradient"/> (or adding to it when <paramref name="accumulate"/> is set).
    /// </summary>
    public void Backward(ReadOnlySpan<float> parameters, int rows, Span<float> gradient, bool accumulate)
    {
        if (HasBatchNormalization && !_batchStatistics)
            throw new InvalidOperationException("Parameter gradients through batch normalisation need a forward pass with training set.");
        bool twoThreads = UsesTwoThreads(rows);
        for (int l = _layout.LayerCount - 1; l >= 0; l--)
        {
            if (twoThreads && l > 0 && (long)rows * _layout.InputWidth(l) * _layout.OutputWidth(l) >= LayerParallelThreshold)
            {
                // A layer's weight gradient and the delta it passes down read the same delta and write different
                // buffers: one thread each. Each is computed exactly as on one thread.
                fixed (float* p = parameters, g = gradient)
                {
                    _stage = new Stage((nint)p, parameters.Length, (nint)g, gradient.Length, rows, l, accumulate);
                    ParallelWork.ForCurrentThread.Run(_backwardHalves, parts: 2, threads: 2);
                }
                continue;
            }
            WeightGradient(l, rows, gradient, accumulate, _threads);
            if (l > 0)
                PropagateDelta(parameters, l, rows, _threads);
        }
        if (_embedding is not null)
            EmbeddingBackward(parameters, rows, gradient, accumulate);
    }

    /// <summary>
    /// Back-propagates the gradient in <see cref="OutputGradient"/> through the last forward pass (without dropout) to
    /// the network's inputs, writing ∂/∂x (rows × inputs) into <paramref name="inputGradient"/>; no parameter gradient
    /// is computed. Needs a propagator built <c>forTraining</c>.
    /// </summary>
    public void InputGradient(ReadOnlySpan<float> parameters, int rows, Span<float> inputGradient)
    {
        if (_dropoutApplied)
            throw new InvalidOperationException("Input gradients are of the network without dropout.");
        for (int l = _layout.LayerCount - 1; l > 0; l--)
            PropagateDelta(parameters, l, rows, _threads);
        ReadOnlySpan<float> delta = _deltas[0].AsSpan(0, rows * _layout.OutputWidth(0));
        if (_embedding is not { } e)
        {
            MatrixMultiply.Multiply(delta, false, _layout.Weights(parameters, 0), true, inputGradient[..(rows * _layout.InputCount)],
                rows, _layout.InputCount, _layout.OutputWidth(0), accumulate: false, _threads);
            return;
        }
        if (!_keepsAngles)
            throw new InvalidOperationException("This propagator was built for scoring; build it with forTraining to back-propagate.");
        int k = e.Frequencies, m = e.Size, width = e.OutputWidth;
        Span<float> embeddedDelta = _embeddedDelta.AsSpan(0, rows * width);
        MatrixMultiply.Multiply(delta, false, _layout.Weights(parameters, 0), true, embeddedDelta,
            rows, width, _layout.OutputWidth(0), accumulate: false, _threads);
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < e.PassedFeatures.Length; i++)
                inputGradient[r * e.InputCount + e.PassedFeatures[i]] = embeddedDelta[r * width + e.PassedOffset + i];
        ReadOnlySpan<float> p = _layout.EmbeddingParameters(parameters);
        var (frequencies, _, weights, _) = e.Offsets;
        for (int i = 0; i < e.EmbeddedFeatures.Length; i++)
            PeriodicEmbeddingKernels.InputGradient(e.InputCount, e.EmbeddedFeatures[i], rows, p.Slice(frequencies + i * k, k),
                p.Slice(weights + i * k * m, k * m), _angles.AsSpan(i * BatchCapacity * k, rows * k), _sines, embeddedDelta,
                width, i * (m + 1), m, inputGradient);
    }

    /// <summary>
    /// Moves every batch-normalised layer's running mean and variance (within <paramref name="values"/>) toward the
    /// statistics of the last training pass of <paramref name="rows"/> rows; a batch of one row has no variance and
    /// leaves them alone.
    /// </summary>
    public void UpdateRunningStatistics(Span<float> values, int rows)
    {
        if (!HasBatchNormalization || rows < 2)
            return;
        if (!_batchStatistics)
            throw new InvalidOperationException("The running statistics follow a forward pass with training set.");
        for (int l = 0; l < _layout.LayerCount - 1; l++)
            NormalizationKernels.UpdateRunningStatistics(_layout.RunningMean(values, l), _layout.RunningVariance(values, l),
                _batchMeans[l], _batchVariances[l], rows, NetworkLayout.RunningStatisticsMomentum);
    }

    /// <summary>The most threads a pass uses.</summary>
    public int Threads => _threads;

    /// <summary>Whether any hidden layer is batch-normalised (all are, or none).</summary>
    private bool HasBatchNormalization => _layout.IsBatchNormalized(0);

    /// <summary>Whether a batch of <paramref name="rows"/> is worth splitting between two threads.</summary>
    private bool UsesTwoThreads(int rows) => _threads > 1 && rows >= 2 * MinRowsPerThread && rows * _multiplyAddsPerRow >= StageParallelThreshold;

    private void ForwardRows(ReadOnlySpan<float> parameters, int first, int rows, float dropoutRate, SeededRandom? random, int threads)
    {
        ReadOnlySpan<float> layerInput = Input.AsSpan(first * _layout.InputCount, rows * _layout.InputCount);
        if (_embedding is not null)
        {
            EmbeddingForward(parameters, first, rows);
            layerInput = _embedded.AsSpan(first * _embedding.OutputWidth, rows * _embedding.OutputWidth);
        }
        for (int l = 0; l < _layout.LayerCount; l++)
        {
            int inWidth = _layout.InputWidth(l), outWidth = _layout.OutputWidth(l);
            ReadOnlySpan<float> x = layerInput;
            Span<float> z = _preActivations[l].AsSpan(first * outWidth, rows * outWidth);
            MatrixMultiply.Multiply(x, false, _layout.Weights(parameters, l), false, z,
                rows, outWidth, inWidth, accumulate: false, threads);
            RowVectorOps.AddToEachRow(z, rows, _layout.Biases(parameters, l));
            if (l == _layout.LayerCount - 1)
                break;
            if (_layout.IsBatchNormalized(l))
            {
                if (_batchStatistics)
                    NormalizationKernels.BatchNormForward(z, rows, _layout.NormalizationScale(parameters, l), _layout.NormalizationShift(parameters, l),
                        _normalized[l], _batchMeans[l], _batchVariances[l], _inverseDeviations[l], NetworkLayout.NormalizationEpsilon);
                else
                    NormalizationKernels.BatchNormInference(z, rows, _layout.NormalizationScale(parameters, l), _layout.NormalizationShift(parameters, l),
                        _layout.RunningMean(parameters, l), _inverseDeviations[l]);
            }
            else if (_layout.IsNormalized(l))
            {
                NormalizationKernels.LayerNormForward(z, rows, _layout.NormalizationScale(parameters, l), _layout.NormalizationShift(parameters, l),
                    _normalized[l].AsSpan(first * outWidth, z.Length), _inverseDeviations[l].AsSpan(first, rows), NetworkLayout.NormalizationEpsilon);
            }

            Span<float> a = _activations[l].AsSpan(first * outWidth, z.Length);
            ActivationFunctions.Forward(_layout.HiddenActivations[l], z, a);
            if (_dropoutApplied)
            {
                Span<float> mask = _dropoutMasks[l]!.AsSpan(first * outWidth, z.Length);
                Span<float> dropped = _droppedOutputs[l]!.AsSpan(first * outWidth, z.Length);
                float keepScale = 1f / (1f - dropoutRate);
                for (int i = 0; i < mask.Length; i++)
                    mask[i] = random!.NextSingle() < dropoutRate ? 0f : keepScale;
                System.Numerics.Tensors.TensorPrimitives.Multiply(a, mask, dropped);
                layerInput = dropped;
            }
            else
            {
                layerInput = a;
            }
            if (_layout.HasSkip(l))
            {
                Span<float> output = _outputs[l]!.AsSpan(first * outWidth, z.Length);
                if (_layout.HasProjection(l))
                {
                    layerInput.CopyTo(output);
                    MatrixMultiply.Multiply(x, false, _layout.Projection(parameters, l), false, output,
                        rows, outWidth, inWidth, accumulate: true, threads);
                }
                else
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(layerInput, x, output);
                }
                layerInput = output;
            }
        }
    }

    /// <summary>
    /// ∂W = Xᵀ·∂Z and ∂b = Σ_rows ∂Z of layer <paramref name="layer"/>, and ∂P = Xᵀ·∂O of its projection, over all
    /// rows in order.
    /// </summary>
    private void WeightGradient(int layer, int rows, Span<float> gradient, bool accumulate, int threads)
    {
        int inWidth = _layout.InputWidth(layer), outWidth = _layout.OutputWidth(layer);
        ReadOnlySpan<float> delta = _deltas[layer].AsSpan(0, rows * outWidth);
        MatrixMultiply.Multiply(LayerInput(layer, rows), true, delta, false, _layout.Weights(gradient, layer),
            inWidth, outWidth, rows, accumulate, threads);
        RowVectorOps.SumRows(delta, rows, _layout.Biases(gradient, layer), accumulate);
        if (_layout.HasProjection(layer))
            MatrixMultiply.Multiply(LayerInput(layer, rows), true, _outputDeltas[layer].AsSpan(0, rows * outWidth), false,
                _layout.Projection(gradient, layer), inWidth, outWidth, rows, accumulate, threads);
        if (_layout.IsNormalized(layer))
            NormalizationKernels.ParameterGradient(_normOutputDeltas[layer], _normalized[layer], rows,
                _layout.NormalizationScale(gradient, layer), _layout.NormalizationShift(gradient, layer), accumulate);
    }

    /// <summary>
    /// ∂Z of the layer below: ∂X = ∂Z·Wᵀ (plus ∂O, or ∂O·Pᵀ, through this layer's residual connection), kept as the
    /// layer below's ∂O when it has a connection of its own, times the dropout mask, times the activation's derivative.
    /// </summary>
    private void PropagateDelta(ReadOnlySpan<float> parameters, int layer, int rows, int threads)
    {
        int inWidth = _layout.InputWidth(layer), outWidth = _layout.OutputWidth(layer);
        ReadOnlySpan<float> delta = _deltas[layer].AsSpan(0, rows * outWidth);
        Span<float> previousDelta = _deltas[layer - 1].AsSpan(0, rows * inWidth);
        MatrixMultiply.Multiply(delta, false, _layout.Weights(parameters, layer), true, previousDelta,
            rows, inWidth, outWidth, accumulate: false, threads);
        if (_layout.HasSkip(layer))
        {
            ReadOnlySpan<float> outputDelta = _outputDeltas[layer].AsSpan(0, rows * outWidth);
            if (_layout.HasProjection(layer))
                MatrixMultiply.Multiply(outputDelta, false, _layout.Projection(parameters, layer), true, previousDelta,
                    rows, inWidth, outWidth, accumulate: true, threads);
            else
                System.Numerics.Tensors.TensorPrimitives.Add(previousDelta, outputDelta, previousDelta);
        }
        if (_layout.HasSkip(layer - 1))
            previousDelta.CopyTo(_outputDeltas[layer - 1]);
        if (_dropoutApplied)
            System.Numerics.Tensors.TensorPrimitives.Multiply(previousDelta, _dropoutMasks[layer - 1].AsSpan(0, previousDelta.Length), previousDelta);
        ActivationFunctions.Backward(_layout.HiddenActivations[layer - 1],
            _preActivations[layer - 1].AsSpan(0, previousDelta.Length),
            _activations[layer - 1].AsSpan(0, previousDelta.Length),
            previousDelta);
        int below = layer - 1;
        if (!_layout.IsNormalized(below))
            return;
        // ∂Y so far; ∂γ and ∂β need it, ∂Z goes on through the normalisation.
        if (_normOutputDeltas[below] is { } kept)
            previousDelta.CopyTo(kept);
        ReadOnlySpan<float> scale = _layout.NormalizationScale(parameters, below);
        if (!_layout.IsBatchNormalized(below))
            NormalizationKernels.LayerNormBackward(previousDelta, rows, scale, _normalized[below], _inverseDeviations[below]);
        else if (_batchStatistics)
            NormalizationKernels.BatchNormBackward(previousDelta, rows, scale, _normalized[below], _inverseDeviations[below], _columnScratch[below]);
        else
            NormalizationKernels.BatchNormInferenceBackward(previousDelta, rows, scale, _inverseDeviations[below]);
    }

    // The two halves of a parallel stage; each thread's products run on that thread alone.
    private void ForwardHalf(int half)
    {
        var stage = _stage;
        int first = half == 0 ? 0 : stage.Rows / 2, count = half == 0 ? stage.Rows / 2 : stage.Rows - stage.Rows / 2;
        ForwardRows(stage.Parameters, first, count, 0f, null, threads: 1);
    }

    private void BackwardHalf(int half)
    {
        var stage = _stage;
        if (half == 0)
            WeightGradient(stage.Layer, stage.Rows, stage.Gradient, stage.Accumulate, threads: 1);
        else
            PropagateDelta(stage.Parameters, stage.Layer, stage.Rows, threads: 1);
    }

    /// <summary>A stage's two halves, as parts for <see cref="ParallelWork"/>.</summary>
    private sealed class Halves(Action<int> half) : IPartedWork
    {
        public void Run(int part) => half(part);
    }

    /// <summary>What the two threads of a stage share: pinned buffers (the caller's <c>fixed</c> outlives the stage).</summary>
    private readonly record struct Stage(nint ParametersPointer, int ParameterCount, nint GradientPointer, int GradientCount,
        int Rows, int Layer, bool Accumulate)
    {
        public ReadOnlySpan<float> Parameters => new((void*)ParametersPointer, ParameterCount);

        public Span<float> Gradient => new((void*)GradientPointer, GradientCount);
    }

    /// <summary>Embeds rows [first, first + rows) of <see cref="Input"/> into the first layer's input.</summary>
    private void EmbeddingForward(ReadOnlySpan<float> parameters, int first, int rows)
    {
        EmbeddingLayout e = _embedding!;
        int k = e.Frequencies, m = e.Size, d = e.EmbeddedFeatures.Length, width = e.OutputWidth;
        ReadOnlySpan<float> p = _layout.EmbeddingParameters(parameters);
        var (frequencies, phases, weights, biases) = e.Offsets;
        ReadOnlySpan<float> input = Input.AsSpan(first * e.InputCount, rows * e.InputCount);
        Span<float> output = _embedded.AsSpan(first * width, rows * width);
        for (int i = 0; i < d; i++)
        {
            // Scoring reuses one feature's rows of angles; the two halves of a parallel pass use different rows.
            int angleStart = (_keepsAngles ? i * BatchCapacity + first : first) * k;
            PeriodicEmbeddingKernels.Forward(input, e.InputCount, e.EmbeddedFeatures[i], rows,
                p.Slice(frequencies + i * k, k), p.Slice(phases + i * k, k), p.Slice(weights + i * k * m, k * m), p.Slice(biases + i * m, m),
                _angles.AsSpan(angleStart, rows * k), _cosines.AsSpan(angleStart, rows * k), output, width, i * (m + 1));
        }
        PeriodicEmbeddingKernels.PassThrough(input, e.InputCount, e.PassedFeatures, rows, output, width, e.PassedOffset);
    }

    /// <summary>∂(first layer's input) = ∂Z·Wᵀ of the first layer, then the embedding's parameter gradients.</summary>
    private void EmbeddingBackward(ReadOnlySpan<float> parameters, int rows, Span<float> gradient, bool accumulate)
    {
        EmbeddingLayout e = _embedding!;
        if (!_keepsAngles)
            throw new InvalidOperationException("This propagator was built for scoring; build it with forTraining to back-propagate.");
        int k = e.Frequencies, m = e.Size, width = e.OutputWidth;
        Span<float> inputDelta = _embeddedDelta.AsSpan(0, rows * width);
        MatrixMultiply.Multiply(_deltas[0].AsSpan(0, rows * _layout.OutputWidth(0)), false, _layout.Weights(parameters, 0), true,
            inputDelta, rows, width, _layout.OutputWidth(0), accumulate: false, _threads);

        ReadOnlySpan<float> p = _layout.EmbeddingParameters(parameters);
        Span<float> g = _layout.EmbeddingParameters(gradient);
        if (!accumulate)
            g.Clear();
        var (frequencies, phases, weights, biases) = e.Offsets;
        for (int i = 0; i < e.EmbeddedFeatures.Length; i++)
        {
            int angleStart = i * BatchCapacity * k;
            PeriodicEmbeddingKernels.Backward(Input, e.InputCount, e.EmbeddedFeatures[i], rows, p.Slice(weights + i * k * m, k * m),
                _angles.AsSpan(angleStart, rows * k), _cosines.AsSpan(angleStart, rows * k), _sines, inputDelta, width, i * (m + 1),
                g.Slice(frequencies + i * k, k), g.Slice(phases + i * k, k), g.Slice(weights + i * k * m, k * m), g.Slice(biases + i * m, m));
        }
    }

    private ReadOnlySpan<float> LayerInput(int layer, int rows)
    {
        if (layer == 0)
            return _embedding is null ? Input.AsSpan(0, rows * _layout.InputCount) : _embedded.AsSpan(0, rows * _embedding.OutputWidth);
        int length = rows * _layout.InputWidth(layer);
        return _layout.HasSkip(layer - 1) ? _outputs[layer - 1].AsSpan(0, length)
            : _dropoutApplied ? _droppedOutputs[layer - 1].AsSpan(0, length) : _activations[layer - 1].AsSpan(0, length);
    }
}
