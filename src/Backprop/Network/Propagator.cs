using Backprop.Kernels;

namespace Backprop;

/// <summary>
/// Forward and backward passes over whole mini-batch matrices, with buffers sized once for the largest batch.
/// Every step goes through the kernel layer; this class only sequences them.
/// </summary>
/// <remarks>
/// For layer l with input X (rows × in), weights W (in × out) and bias b:
/// forward Z = X·W + b, A = f(Z), and with dropout the next layer sees A ⊙ M;
/// backward ∂W = Xᵀ·∂Z, ∂b = Σ_rows ∂Z, ∂X = ∂Z·Wᵀ, and ∂Z_prev = ∂X ⊙ M ⊙ f′(Z_prev).
/// </remarks>
internal sealed class Propagator
{
    private readonly NetworkLayout _layout;
    private readonly float[][] _preActivations;   // Z per layer; the last is the network's raw output
    private readonly float[][] _activations;      // f(Z) per hidden layer
    private readonly float[]?[] _dropoutMasks;    // 0 or 1/(1 − p) per hidden unit, when dropout is on
    private readonly float[]?[] _droppedOutputs;  // f(Z) ⊙ M: what the next layer sees under dropout
    private readonly float[][] _deltas;           // ∂loss/∂Z per layer
    private readonly int _threads;
    private bool _dropoutApplied;

    public Propagator(NetworkLayout layout, int batchCapacity, bool withDropout, int threads)
    {
        _layout = layout;
        _threads = threads;
        BatchCapacity = batchCapacity;
        int layers = layout.LayerCount;
        Input = new float[batchCapacity * layout.InputCount];
        _preActivations = new float[layers][];
        _deltas = new float[layers][];
        _activations = new float[layers - 1][];
        _dropoutMasks = new float[]?[layers - 1];
        _droppedOutputs = new float[]?[layers - 1];
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
            }
        }
    }

    public int BatchCapacity { get; }

    /// <summary>The batch's inputs, rows × inputs; callers fill the first rows·inputs values.</summary>
    public float[] Input { get; }

    /// <summary>The raw network outputs of the last forward pass, rows × outputs.</summary>
    public Span<float> Outputs(int rows) => _preActivations[^1].AsSpan(0, rows * _layout.OutputCount);

    /// <summary>Where the loss writes ∂loss/∂output before <see cref="Backward"/>.</summary>
    public Span<float> OutputGradient(int rows) => _deltas[^1].AsSpan(0, rows * _layout.OutputCount);

    /// <summary>Runs the network on the first <paramref name="rows"/> rows of <see cref="Input"/>.</summary>
    /// <param name="parameters">The flat weights and biases.</param>
    /// <param name="rows">The batch's rows.</param>
    /// <param name="dropoutRate">Probability of zeroing a hidden unit; 0 for inference.</param>
    /// <param name="random">The dropout stream; required when <paramref name="dropoutRate"/> &gt; 0.</param>
    public void Forward(ReadOnlySpan<float> parameters, int rows, float dropoutRate = 0f, SeededRandom? random = null)
    {
        if (rows > BatchCapacity)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"The batch holds at most {BatchCapacity} rows.");
        _dropoutApplied = dropoutRate > 0f;
        if (_dropoutApplied && (random is null || _dropoutMasks.Length > 0 && _dropoutMasks[0] is null))
            throw new InvalidOperationException("Dropout needs a propagator built for it and a random stream.");

        ReadOnlySpan<float> layerInput = Input.AsSpan(0, rows * _layout.InputCount);
        for (int l = 0; l < _layout.LayerCount; l++)
        {
            int inWidth = _layout.InputWidth(l), outWidth = _layout.OutputWidth(l);
            Span<float> z = _preActivations[l].AsSpan(0, rows * outWidth);
            MatrixMultiply.Multiply(layerInput, false, _layout.Weights(parameters, l), false, z,
                rows, outWidth, inWidth, accumulate: false, _threads);
            RowVectorOps.AddToEachRow(z, rows, _layout.Biases(parameters, l));
            if (l == _layout.LayerCount - 1)
                break;

            Span<float> a = _activations[l].AsSpan(0, z.Length);
            ActivationFunctions.Forward(_layout.HiddenActivations[l], z, a);
            if (_dropoutApplied)
            {
                Span<float> mask = _dropoutMasks[l]!.AsSpan(0, z.Length);
                Span<float> dropped = _droppedOutputs[l]!.AsSpan(0, z.Length);
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
        }
    }

    /// <summary>
    /// Back-propagates the gradient in <see cref="OutputGradient"/> through the last forward pass, writing ∂loss/∂θ
    /// into <paramref name="gradient"/> (or adding to it when <paramref name="accumulate"/> is set).
    /// </summary>
    public void Backward(ReadOnlySpan<float> parameters, int rows, Span<float> gradient, bool accumulate)
    {
        for (int l = _layout.LayerCount - 1; l >= 0; l--)
        {
            int inWidth = _layout.InputWidth(l), outWidth = _layout.OutputWidth(l);
            ReadOnlySpan<float> delta = _deltas[l].AsSpan(0, rows * outWidth);
            ReadOnlySpan<float> layerInput = LayerInput(l, rows);

            MatrixMultiply.Multiply(layerInput, true, delta, false, _layout.Weights(gradient, l),
                inWidth, outWidth, rows, accumulate, _threads);
            RowVectorOps.SumRows(delta, rows, _layout.Biases(gradient, l), accumulate);
            if (l == 0)
                break;

            Span<float> previousDelta = _deltas[l - 1].AsSpan(0, rows * inWidth);
            MatrixMultiply.Multiply(delta, false, _layout.Weights(parameters, l), true, previousDelta,
                rows, inWidth, outWidth, accumulate: false, _threads);
            if (_dropoutApplied)
                System.Numerics.Tensors.TensorPrimitives.Multiply(previousDelta, _dropoutMasks[l - 1].AsSpan(0, previousDelta.Length), previousDelta);
            ActivationFunctions.Backward(_layout.HiddenActivations[l - 1],
                _preActivations[l - 1].AsSpan(0, previousDelta.Length),
                _activations[l - 1].AsSpan(0, previousDelta.Length),
                previousDelta);
        }
    }

    private ReadOnlySpan<float> LayerInput(int layer, int rows)
    {
        if (layer == 0)
            return Input.AsSpan(0, rows * _layout.InputCount);
        int length = rows * _layout.InputWidth(layer);
        return _dropoutApplied ? _droppedOutputs[layer - 1].AsSpan(0, length) : _activations[layer - 1].AsSpan(0, length);
    }
}
