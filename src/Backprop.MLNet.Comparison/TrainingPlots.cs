using ScottPlot;

namespace Backprop.MLNet.Comparison;

/// <summary>PNG plots of Backprop's training histories.</summary>
public static class TrainingPlots
{
    /// <summary>
    /// Draws each curve's training loss (dashed) and validation loss (solid, where there is one) per epoch, one colour
    /// per curve, marks each best epoch, and saves the plot as a PNG. Losses that are not finite (the epoch a network
    /// diverged in) have no place on the axis and are left out.
    /// </summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="title">The plot's title.</param>
    /// <param name="yLabel">The loss's name, e.g. "squared error (standardised price)".</param>
    /// <param name="curves">The named curves, e.g. <see cref="LossCurve.From"/> a model's <see cref="IBackpropModelParameters.History"/>.</param>
    /// <param name="width">The width in pixels; default 900.</param>
    /// <param name="height">The height in pixels; default 520.</param>
    public static void SaveLossCurves(string path, string title, string yLabel, IEnumerable<LossCurve> curves,
        int width = 900, int height = 520)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(curves);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var (name, epochs, bestEpoch) in curves)
        {
            var color = palette.GetColor(i++);
            var trained = epochs.Where(e => double.IsFinite(e.TrainingLoss)).ToArray();
            if (trained.Length > 0)
            {
                var training = plot.Add.ScatterLine(trained.Select(e => (double)e.Epoch).ToArray(), trained.Select(e => e.TrainingLoss).ToArray());
                training.LegendText = $"{name}: training";
                training.Color = color;
                training.LinePattern = LinePattern.Dashed;
            }
            var validated = epochs.Where(e => e.ValidationLoss is { } loss && double.IsFinite(loss)).ToArray();
            if (validated.Length == 0)
                continue;
            var validation = plot.Add.ScatterLine(validated.Select(e => (double)e.Epoch).ToArray(), validated.Select(e => e.ValidationLoss!.Value).ToArray());
            validation.LegendText = $"{name}: validation";
            validation.Color = color;
            if (bestEpoch is { } best && validated.FirstOrDefault(e => e.Epoch == best) is { } record)
            {
                var marker = plot.Add.Marker(best, record.ValidationLoss!.Value);
                marker.Color = color;
                marker.Size = 10;
            }
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }

    /// <summary>
    /// Draws each layer's weight-gradient RMS per epoch on a logarithmic axis, one line per layer from the first
    /// hidden layer (darkest) to the output layer, and saves the plot as a PNG: vanishing gradients show as lines
    /// orders of magnitude apart, exploding ones as lines that climb. Epochs without diagnostics are left out.
    /// </summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="title">The plot's title.</param>
    /// <param name="epochs">A run's epochs, e.g. a model's <see cref="IBackpropModelParameters.History"/>.Epochs.</param>
    /// <param name="width">The width in pixels; default 900.</param>
    /// <param name="height">The height in pixels; default 520.</param>
    /// <returns>Whether there was anything to draw (epochs with <see cref="EpochRecord.Diagnostics"/>).</returns>
    public static bool SaveGradientProfile(string path, string title, IReadOnlyList<EpochRecord> epochs, int width = 900, int height = 520)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(epochs);
        var measured = epochs.Where(e => e.Diagnostics is not null).ToArray();
        if (measured.Length == 0)
            return false;
        var plot = new Plot();
        int layers = measured[0].Diagnostics!.Layers.Count;
        var colormap = new ScottPlot.Colormaps.Viridis();
        for (int l = 0; l < layers; l++)
        {
            // Zero has no logarithm: a layer whose units are all dead has no line there.
            var points = measured.Where(e => e.Diagnostics!.Layers.Count == layers && e.Diagnostics.Layers[l].GradientRms > 0)
                .Select(e => (Epoch: (double)e.Epoch, Log: Math.Log10(e.Diagnostics!.Layers[l].GradientRms))).ToArray();
            if (points.Length == 0)
                continue;
            var line = plot.Add.ScatterLine(points.Select(p => p.Epoch).ToArray(), points.Select(p => p.Log).ToArray());
            line.LegendText = l == layers - 1 ? "output layer" : $"hidden layer {l + 1}";
            line.Color = colormap.GetColor(layers == 1 ? 0 : 0.9 * l / (layers - 1));
            line.LineWidth = 2;
        }
        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("0E+0", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Axes.Left.TickGenerator = ticks;
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("weight-gradient RMS (log scale)");
        plot.ShowLegend(Alignment.UpperRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
        return true;
    }
}
