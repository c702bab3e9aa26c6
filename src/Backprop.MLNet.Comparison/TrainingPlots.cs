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
        SaveCurves(path, title, yLabel, curves, Alignment.UpperRight, width, height, (plot, curve, color) =>
        {
            AddCurve(plot, curve.Epochs, e => e.TrainingLoss, $"{curve.Name}: training", color, LinePattern.Dashed, bestEpoch: null);
            AddCurve(plot, curve.Epochs, e => e.ValidationLoss, $"{curve.Name}: validation", color, LinePattern.Solid, curve.BestEpoch);
        });
    }

    /// <summary>
    /// Draws each curve's validation metric per epoch (the history's <see cref="TrainingHistory.MetricName"/>: R²,
    /// accuracy or AUC), one colour per curve, marks each best epoch, and saves the plot as a PNG. Curves without
    /// validation figures are left out, as are values that are not finite.
    /// </summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="title">The plot's title.</param>
    /// <param name="yLabel">The metric's name, e.g. "validation accuracy".</param>
    /// <param name="curves">The named curves, e.g. <see cref="LossCurve.From"/> a model's <see cref="IBackpropModelParameters.History"/>.</param>
    /// <param name="width">The width in pixels; default 900.</param>
    /// <param name="height">The height in pixels; default 520.</param>
    public static void SaveMetricCurves(string path, string title, string yLabel, IEnumerable<LossCurve> curves,
        int width = 900, int height = 520)
    {
        SaveCurves(path, title, yLabel, curves, Alignment.LowerRight, width, height, (plot, curve, color) =>
            AddCurve(plot, curve.Epochs, e => e.ValidationMetric, curve.Name, color, LinePattern.Solid, curve.BestEpoch));
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
        Save(plot, path, title, "weight-gradient RMS (log scale)", Alignment.UpperRight, width, height);
        return true;
    }

    /// <summary>Draws each curve in a colour of its own with <paramref name="draw"/>, then saves the plot.</summary>
    private static void SaveCurves(string path, string title, string yLabel, IEnumerable<LossCurve> curves, Alignment legend,
        int width, int height, Action<Plot, LossCurve, Color> draw)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(curves);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (LossCurve curve in curves)
            draw(plot, curve, palette.GetColor(i++));
        Save(plot, path, title, yLabel, legend, width, height);
    }

    /// <summary>
    /// Adds one line of <paramref name="value"/> per epoch, leaving out epochs where it is missing or not finite, and
    /// marks <paramref name="bestEpoch"/> on it.
    /// </summary>
    private static void AddCurve(Plot plot, IEnumerable<EpochRecord> epochs, Func<EpochRecord, double?> value, string legend, Color color,
        LinePattern pattern, int? bestEpoch)
    {
        var points = epochs.Select(e => (e.Epoch, Value: value(e))).Where(p => p.Value is { } v && double.IsFinite(v)).ToArray();
        if (points.Length == 0)
            return;
        var line = plot.Add.ScatterLine(points.Select(p => (double)p.Epoch).ToArray(), points.Select(p => p.Value!.Value).ToArray());
        line.LegendText = legend;
        line.Color = color;
        line.LinePattern = pattern;
        if (bestEpoch is { } best && points.FirstOrDefault(p => p.Epoch == best) is { Value: { } kept })
        {
            var marker = plot.Add.Marker(best, kept);
            marker.Color = color;
            marker.Size = 10;
        }
    }

    /// <summary>Titles an epoch plot, places its legend and writes it, creating the folder.</summary>
    private static void Save(Plot plot, string path, string title, string yLabel, Alignment legend, int width, int height)
    {
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(legend);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }
}
