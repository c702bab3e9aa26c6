using System.Numerics.Tensors;
using Backprop.Kernels;

namespace Backprop;

/// <summary>
/// Measures each layer's health during training (<see cref="MlpTrainerOptions.Diagnostics"/>): on up to
/// <see cref="SampledStepsPerEpoch"/> steps spread over an epoch, the weight gradient, the back-propagated delta, the
/// update, dead ReLU units and saturated sigmoid or tanh values; on every step, the gradient's norm and whether it was
/// clipped. It only reads the training's buffers, so the trained values are the same with it on or off; its own
/// buffers are allocated once per run.
/// </summary>
internal sealed class TrainingDiagnostics
{
    /// <summary>Steps measured per epoch: 8, which costs a few tenths of a percent of an epoch of 100 steps or more.</summary>
    public const int SampledStepsPerEpoch = 8;

    // Where the derivative falls below 0.01: tanh′(z) = 1 − tanh²(z) and σ′(z) = σ(z)(1 − σ(z)).
    private const float TanhTail = 2.993f;
    private const float SigmoidTail = 4.585f;

    private readonly NetworkLayout _layout;
    private readonly double[] _gradientSquares, _deltaSquares, _updateRatios;
    private readonly long[] _tailValues, _values;
    private readonly float[]?[] _largest;   // per ReLU layer: each unit's largest pre-activation on the sampled rows
    private readonly float[] _before;       // the parameters before a sampled step's update
    private int _stride, _sampled, _updates, _steps, _clipped;
    private double _normSum;

    public TrainingDiagnostics(NetworkLayout layout, TrainingHealth health)
    {
        _layout = layout;
        Health = health;
        int layers = layout.LayerCount;
        _gradientSquares = new double[layers];
        _deltaSquares = new double[layers];
        _updateRatios = new double[layers];
        _tailValues = new long[layers];
        _values = new long[layers];
        _largest = new float[]?[layers];
        for (int l = 0; l < layers - 1; l++)
            if (layout.HiddenActivations[l].Kind == ActivationKind.ReLU)
                _largest[l] = new float[layout.OutputWidth(l)];
        _before = new float[layout.ParameterCount];
    }

    /// <summary>The rules that turn the measurements into warnings.</summary>
    public TrainingHealth Health { get; }

    /// <summary>Starts an epoch of <paramref name="steps"/> steps.</summary>
    public void BeginEpoch(int epoch, int steps)
    {
        Health.BeginEpoch(epoch);
        _stride = Math.Max(1, (steps + SampledStepsPerEpoch - 1) / SampledStepsPerEpoch);
        _sampled = _updates = _steps = _clipped = 0;
        _normSum = 0;
        Array.Clear(_gradientSquares);
        Array.Clear(_deltaSquares);
        Array.Clear(_updateRatios);
        Array.Clear(_tailValues);
        Array.Clear(_values);
        foreach (float[]? largest in _largest)
            largest?.AsSpan().Fill(float.NegativeInfinity);
    }

    /// <summary>Whether step <paramref name="step"/> of the epoch (from 0) is measured.</summary>
    public bool Samples(int step) => step % _stride == 0;

    /// <summary>
    /// Measures a step's backward pass: <paramref name="gradient"/> holds the batch loss's gradient (no penalty yet)
    /// and <paramref name="propagator"/> the batch's pre-activations and deltas.
    /// </summary>
    public void ObserveBackward(Propagator propagator, int rows, ReadOnlySpan<float> gradient)
    {
        _sampled++;
        for (int l = 0; l < _layout.LayerCount; l++)
        {
            _gradientSquares[l] += MeanSquare(_layout.Weights(gradient, l));
            _deltaSquares[l] += MeanSquare(propagator.Delta(l, rows));
            if (l == _layout.LayerCount - 1)
                continue;
            ReadOnlySpan<float> z = propagator.PreActivations(l, rows);
            int width = _layout.OutputWidth(l);
            if (_largest[l] is { } largest)
                for (int r = 0; r < rows; r++)
                    TensorPrimitives.Max(z.Slice(r * width, width), largest, largest);
            float tail = _layout.HiddenActivations[l].Kind switch
            {
                ActivationKind.Tanh => TanhTail,
                ActivationKind.Sigmoid => SigmoidTail,
                _ => float.NaN,
            };
            if (!float.IsNaN(tail))
            {
                _tailValues[l] += DiagnosticKernels.CountBeyond(z, tail);
                _values[l] += z.Length;
            }
        }
    }

    /// <summary>Counts a step with the global norm of its gradient; warns at once if the gradient explodes.</summary>
    public void ObserveGradientNorm(double norm, bool clipped)
    {
        _steps++;
        _normSum += norm;
        if (clipped)
            _clipped++;
        Health.ObserveGradientNorm(norm);
    }

    /// <summary>Keeps the parameters before a measured step's update.</summary>
    public void BeforeUpdate(ReadOnlySpan<float> parameters) => parameters.CopyTo(_before);

    /// <summary>Measures a step's update against the parameters kept by <see cref="BeforeUpdate"/>.</summary>
    public void AfterUpdate(ReadOnlySpan<float> parameters)
    {
        _updates++;
        for (int l = 0; l < _layout.LayerCount; l++)
        {
            ReadOnlySpan<float> before = _layout.Weights(_before, l);
            double size = TensorPrimitives.Norm(before);
            _updateRatios[l] += size > 0 ? TensorPrimitives.Distance(_layout.Weights(parameters, l), before) / size : 0;
        }
    }

    /// <summary>Ends the epoch: its measurements, and the warnings they raise.</summary>
    public (EpochDiagnostics Diagnostics, IReadOnlyList<TrainingWarning> Warnings) EndEpoch(ReadOnlySpan<float> parameters)
    {
        var layers = new LayerDiagnostics[_layout.LayerCount];
        int sampled = Math.Max(1, _sampled), updates = Math.Max(1, _updates);
        for (int l = 0; l < layers.Length; l++)
        {
            double? dead = null;
            if (_largest[l] is { } largest)
            {
                int count = 0;
                foreach (float z in largest)
                    if (z <= 0f)
                        count++;
                dead = count / (double)largest.Length;
            }
            layers[l] = new LayerDiagnostics(l,
                Math.Sqrt(_gradientSquares[l] / sampled),
                Math.Sqrt(_deltaSquares[l] / sampled),
                Math.Sqrt(MeanSquare(_layout.Weights(parameters, l))),
                _updateRatios[l] / updates,
                dead,
                _values[l] > 0 ? _tailValues[l] / (double)_values[l] : null);
        }
        int steps = Math.Max(1, _steps);
        var diagnostics = new EpochDiagnostics(layers, _normSum / steps, _clipped / (double)steps, _sampled);
        return (diagnostics, Health.EndEpoch(diagnostics));
    }

    private static double MeanSquare(ReadOnlySpan<float> values) =>
        values.IsEmpty ? 0 : OptimizerKernels.SumOfSquares(values) / values.Length;
}
