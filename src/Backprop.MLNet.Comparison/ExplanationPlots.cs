using ScottPlot;

namespace Backprop.MLNet.Comparison;

/// <summary>PNG plots of feature contributions.</summary>
public static class ExplanationPlots
{
    /// <summary>
    /// Draws a waterfall: a bar for <paramref name="start"/> (an average row's score), then one bar per contribution
    /// from where the previous ended (green up, red down), then a bar for the sum, the row's score; saves it as a PNG.
    /// </summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="title">The plot's title.</param>
    /// <param name="valueLabel">The score's name and units, e.g. "price (USD)".</param>
    /// <param name="startLabel">What <paramref name="start"/> is, e.g. "average home".</param>
    /// <param name="start">The score the contributions start from.</param>
    /// <param name="contributions">Each feature's (or group's) name and contribution, in the order to draw, first on top.</param>
    /// <param name="endLabel">What the sum is, e.g. "this home".</param>
    /// <param name="width">The width in pixels; default 900.</param>
    public static void SaveWaterfall(string path, string title, string valueLabel, string startLabel, double start,
        IReadOnlyList<(string Name, double Contribution)> contributions, string endLabel, int width = 900)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(contributions);
        int count = contributions.Count + 2;
        var bars = new List<Bar>(count);
        double running = start;
        // Drawn from the top: the start at position count − 1, the end at 0.
        bars.Add(new Bar { Position = count - 1, ValueBase = 0, Value = start, FillColor = Colors.Gray });
        for (int i = 0; i < contributions.Count; i++)
        {
            double next = running + contributions[i].Contribution;
            bars.Add(new Bar
            {
                Position = count - 2 - i,
                ValueBase = running,
                Value = next,
                FillColor = contributions[i].Contribution >= 0 ? Colors.SeaGreen : Colors.OrangeRed,
            });
            running = next;
        }
        bars.Add(new Bar { Position = 0, ValueBase = 0, Value = running, FillColor = Colors.SteelBlue });

        var plot = new Plot();
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        string[] labels = [endLabel, .. contributions.Select(c => c.Name).Reverse(), startLabel];
        plot.Axes.Left.SetTicks(Enumerable.Range(0, count).Select(i => (double)i).ToArray(), labels);
        plot.Title(title);
        plot.XLabel(valueLabel);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, 120 + 40 * count);
    }
}
