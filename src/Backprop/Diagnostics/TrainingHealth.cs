using System.Globalization;

namespace Backprop;

/// <summary>
/// The rules that turn <see cref="TrainingDiagnostics"/>' measurements into <see cref="TrainingWarning"/>s with advice,
/// each kind raised at most once per layer in a run.
/// </summary>
/// <remarks>
/// The thresholds follow the usual rules of thumb: gradients that shrink by four orders of magnitude from the output
/// layer to the first stop it learning; a gradient a thousand times its size at the start of training is on its way to
/// overflow; a healthy step changes the weights by about a thousandth of their size, a tenth is far too much; a layer
/// with half its units dead or half its values saturated has lost half its capacity.
/// </remarks>
internal sealed class TrainingHealth(MlpTrainerOptions options, NetworkLayout layout)
{
    /// <summary>The first layer's gradient RMS below this fraction of the output layer's is vanishing: 1e-4.</summary>
    public const double VanishingRatio = 1e-4;

    /// <summary>Epochs in a row the gradient must vanish before the warning: 3.</summary>
    public const int VanishingEpochs = 3;

    /// <summary>A gradient norm this many times the run's first is exploding: 1,000.</summary>
    public const double ExplodingGrowth = 1_000;

    /// <summary>A layer with at least this share of dead units or saturated values is warned about: 0.5.</summary>
    public const double UnhealthyShare = 0.5;

    /// <summary>An update larger than this fraction of the weights is too large: 0.1.</summary>
    public const double LargeUpdateRatio = 0.1;

    private readonly HashSet<(TrainingWarningKind, int?)> _raised = [];
    private readonly List<TrainingWarning> _epochWarnings = [];
    private int _epoch, _vanishingEpochs;
    private double _startNorm = double.NaN;

    /// <summary>What the exploding-gradient warning saw, once raised, without its advice; a divergence message repeats it.</summary>
    public string? ExplodingFinding { get; private set; }

    public void BeginEpoch(int epoch) => _epoch = epoch;

    /// <summary>Checks one step's gradient norm against the run's first (raised within the step, before any divergence).</summary>
    public void ObserveGradientNorm(double norm)
    {
        if (double.IsNaN(_startNorm))
        {
            _startNorm = norm;
            return;
        }
        if (ExplodingFinding is null && norm > ExplodingGrowth * _startNorm)
            RaiseExploding(Format($"Exploding gradients: the gradient's norm reached {norm:G3} in epoch {_epoch}, {norm / _startNorm:G2} times its {_startNorm:G3} at the start."),
                Format($"Lower the learning rate (it is {options.LearningRate}), set GradientClipNorm (for example 1), or standardise the inputs and labels."));
    }

    /// <summary>Applies the per-epoch rules; returns the epoch's warnings, those raised during it included.</summary>
    public IReadOnlyList<TrainingWarning> EndEpoch(EpochDiagnostics diagnostics)
    {
        IReadOnlyList<LayerDiagnostics> layers = diagnostics.Layers;
        double first = layers[0].GradientRms, last = layers[^1].GradientRms;
        // A first layer with most units dead has no gradient for another reason, which its own warning names.
        bool vanishing = layers.Count > 1 && first < VanishingRatio * last && !(layers[0].DeadFraction >= UnhealthyShare);
        _vanishingEpochs = vanishing ? _vanishingEpochs + 1 : 0;
        if (_vanishingEpochs >= VanishingEpochs)
            Raise(TrainingWarningKind.VanishingGradients, 0, Format(
                $"Vanishing gradients: the first layer's weight gradient (RMS {first:G2}) has been below {VanishingRatio:G1} of the output layer's ({last:G2}) ",
                $"for {_vanishingEpochs} epochs, so the early layers barely learn. Try ReLU or GELU units with He initialisation, residual connections (Residual = true), or fewer layers."));

        if (options.GradientClipNorm is { } clip && diagnostics.ClippedFraction > UnhealthyShare)
            RaiseExploding(Format($"Exploding gradients: GradientClipNorm {clip} clipped {diagnostics.ClippedFraction:P0} of the steps of epoch {_epoch}."),
                Format($"Lower the learning rate (it is {options.LearningRate})."));

        foreach (LayerDiagnostics layer in layers)
        {
            string name = LayerName(layer.Layer);
            if (layer.DeadFraction is { } dead && dead >= UnhealthyShare)
                Raise(TrainingWarningKind.DeadUnits, layer.Layer, Format(
                    $"Dead units: {dead:P0} of {name}'s {layout.OutputWidth(layer.Layer)} ReLU units were zero on every sampled row in epoch {_epoch}, ",
                    $"so they no longer learn. Try LeakyReLU or GELU units, a smaller learning rate, or He initialisation."));
            if (layer.SaturatedFraction is { } saturated && saturated >= UnhealthyShare)
                Raise(TrainingWarningKind.SaturatedUnits, layer.Layer, Format(
                    $"Saturated units: {saturated:P0} of {name}'s {layout.HiddenActivations[layer.Layer]} values lay in its flat tails in epoch {_epoch}, ",
                    $"where its gradient nearly vanishes. Standardise the inputs, use Glorot initialisation, or ReLU or GELU units."));
            if (layer.UpdateRatio > LargeUpdateRatio)
                Raise(TrainingWarningKind.LargeUpdates, layer.Layer, Format(
                    $"Large updates: a step changed {name}'s weights by {layer.UpdateRatio:G2} of their size in epoch {_epoch} (about 1e-3 is healthy). ",
                    $"Lower the learning rate (it is {options.LearningRate})."));
        }

        TrainingWarning[] warnings = [.. _epochWarnings];
        _epochWarnings.Clear();
        return warnings;
    }

    private void RaiseExploding(string finding, string advice)
    {
        if (Raise(TrainingWarningKind.ExplodingGradients, null, $"{finding} {advice}"))
            ExplodingFinding = finding;
    }

    /// <summary>Raises a warning unless one of its kind was raised for the layer already; returns whether it did.</summary>
    private bool Raise(TrainingWarningKind kind, int? layer, string message)
    {
        if (!_raised.Add((kind, layer)))
            return false;
        var warning = new TrainingWarning(kind, _epoch, layer, message);
        _epochWarnings.Add(warning);
        options.WarningRaised?.Invoke(warning);
        return true;
    }

    private string LayerName(int layer) => layer == layout.LayerCount - 1 ? "the output layer" : $"hidden layer {layer + 1}";

    private static string Format(params FormattableString[] parts) => string.Concat(parts.Select(p => p.ToString(CultureInfo.InvariantCulture)));
}
