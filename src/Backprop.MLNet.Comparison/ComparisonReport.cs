using System.Globalization;
using System.Text;
using ScottPlot;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// Writes a comparison as <c>report.md</c> with three PNG plots beside it: the ranking metric per trainer with its
/// standard deviation over the folds, Backprop's training and validation loss curves, and the search's trials.
/// </summary>
public static class ComparisonReport
{
    /// <summary>The leaderboard as rows of cells, the header first: rank, trainer, each metric (mean ± sd), train and score times.</summary>
    public static IReadOnlyList<string[]> Leaderboard(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string[] header = ["#", "Trainer", .. result.Metrics.Select(m => m.Name + (m.HigherIsBetter ? " ↑" : " ↓")), "Train s/fold", "Score µs/row"];
        var rows = new List<string[]> { header };
        int rank = 0;
        foreach (var trainer in result.Trainers)
        {
            rows.Add(trainer.Error is not null
                ? [ "–", trainer.Name, .. result.Metrics.Select(_ => "failed"), "–", "–" ]
                : [ (++rank).ToString(CultureInfo.InvariantCulture), trainer.Name, .. trainer.Metrics.Select(m => m.Format(Numbers.FormatFor(m.Mean))),
                    Numbers.Format(trainer.MeanTrainSeconds, "F2"), Numbers.Format(trainer.MeanScoreMicrosecondsPerRow, "F1") ]);
        }
        return rows;
    }

    /// <summary>
    /// Writes <c>report.md</c>, <c>metric.png</c>, <c>loss-curves.png</c> and <c>importance.png</c> (when a Backprop
    /// trainer ran) and <c>search.png</c> (when the search ran) into <paramref name="folder"/>, creating it. An unfinished comparison
    /// (<see cref="ComparisonResult.IsComplete"/> false) is reported as far as it got, and says so. Values that are not
    /// finite are shown as "—" (no value), "∞" or "−∞" and left off the plots, with a note naming them.
    /// </summary>
    /// <param name="folder">Where to write.</param>
    /// <param name="result">The comparison.</param>
    /// <param name="title">The report's heading, e.g. the data file's name.</param>
    /// <param name="featurization">Lines describing the data and its featurization (<see cref="TabularData.DescribeFeaturization"/>), or none.</param>
    /// <param name="command">The command that reproduces the report, or <see langword="null"/>.</param>
    /// <returns>The path of <c>report.md</c>.</returns>
    public static string Write(string folder, ComparisonResult result, string title, IReadOnlyList<string>? featurization = null, string? command = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(folder);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {title}: trainers compared");
        md.AppendLine();
        md.AppendLine(
            FormattableString.Invariant($"{result.NumberOfFolds}-fold cross-validation (seed {result.Seed}): every trainer fitted on the same folds with the same featurization, ") +
            FormattableString.Invariant($"ranked by {result.Metrics[0].Name}. Mean ± standard deviation over the folds; times are per fold (fitting featurizer and trainer) ") +
            "and per held-out row (featurizing and scoring).");
        if (!result.IsComplete)
        {
            md.AppendLine();
            md.AppendLine($"**Partial results**: the comparison did not finish ({result.Interruption ?? "it was still running"}). " +
                "Shown: the trainers that finished every fold" + (result.Search is not null ? " and the search's trials so far." : "."));
        }
        if (command is not null)
        {
            md.AppendLine();
            md.AppendLine("Reproduce with:");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"    {command}");
        }
        if (featurization is { Count: > 0 })
        {
            md.AppendLine();
            md.AppendLine("## Data and featurization");
            md.AppendLine();
            foreach (string line in featurization)
                md.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
        }

        md.AppendLine();
        md.AppendLine("## Leaderboard");
        md.AppendLine();
        var rows = Leaderboard(result);
        md.AppendLine("| " + string.Join(" | ", rows[0]) + " |");
        md.AppendLine("|" + string.Concat(rows[0].Select((_, i) => i < 2 ? "---|" : "---:|")));
        foreach (var row in rows.Skip(1))
            md.AppendLine("| " + string.Join(" | ", row) + " |");
        foreach (var failed in result.Trainers.Where(t => t.Error is not null))
            md.AppendLine(CultureInfo.InvariantCulture, $"\n{failed.Name} failed: {failed.Error}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"![{result.Metrics[0].Name} per trainer](metric.png)");
        var offScale = OffScale(result);
        if (offScale.Length > 0)
            md.AppendLine(CultureInfo.InvariantCulture,
                $"\nLeft off the plot, far below the rest: {string.Join(", ", offScale.Select(t => $"{t.Name} ({result.Metrics[0].Name} {Numbers.Format(t.Primary.Mean, Numbers.FormatFor(t.Primary.Mean))})"))}.");
        var notFinite = result.Trainers.Where(t => t.Error is null && !double.IsFinite(t.Primary.Mean)).ToArray();
        if (notFinite.Length > 0)
            md.AppendLine(CultureInfo.InvariantCulture,
                $"\nLeft off the plot, no finite {result.Metrics[0].Name} (a fold without a value or with an infinite one): {string.Join(", ", notFinite.Select(t => $"{t.Name} ({t.Primary.Format()})"))}.");
        WriteMetricPlot(Path.Combine(folder, "metric.png"), result, [.. offScale, .. notFinite]);

        if (WriteLossCurves(Path.Combine(folder, "loss-curves.png"), result))
        {
            md.AppendLine();
            md.AppendLine("## Backprop's training");
            md.AppendLine();
            md.AppendLine("Training and validation loss per epoch on fold 1 (validation: the 20 % of the fold's training rows held out for early stopping).");
            md.AppendLine();
            md.AppendLine("![Loss curves](loss-curves.png)");
            WriteTrainingHealth(md, Path.Combine(folder, "gradients.png"), result);
        }

        if (result.Trainers.FirstOrDefault(t => t.Error is null && t.Folds.Count > 0 && t.Folds[0].Importance is { Count: > 0 }) is { } explained)
            WriteImportance(md, Path.Combine(folder, "importance.png"), explained);

        if (result.Search is { } search)
            WriteSearch(md, Path.Combine(folder, "search.png"), result, search);

        string path = Path.Combine(folder, "report.md");
        File.WriteAllText(path, md.ToString());
        return path;
    }

    private static void WriteSearch(StringBuilder md, string plotPath, ComparisonResult result, SearchResult search)
    {
        md.AppendLine();
        md.AppendLine("## Hyperparameter search");
        md.AppendLine();
        md.Append(FormattableString.Invariant($"Random search with successive halving over the same folds: {search.Trials.Count} configurations in {search.Seconds:F0} s "));
        md.Append(search.StoppedBy == "running" ? "(not finished)" : $"(stopped by the {search.StoppedBy})");
        md.Append("; configuration 1 is the defaults. ");
        if (search.Best is { } best && result.Trainers.FirstOrDefault(t => t.Name == ComparisonResult.TunedName) is { } tuned)
        {
            var baseline = result.Trainers.FirstOrDefault(t => t.Name == "Backprop" && t.Error is null);
            md.AppendLine($"Best: {best.Describe()} — {result.Metrics[0].Name} {tuned.Primary.Format(Numbers.FormatFor(tuned.Primary.Mean))}" +
                (baseline is not null ? $" against the defaults' {baseline.Primary.Format(Numbers.FormatFor(baseline.Primary.Mean))}." : "."));
            md.AppendLine("The folds that chose it also score it, so its figure is optimistic by the selection.");
            md.AppendLine();
            md.AppendLine("```csharp");
            md.AppendLine(best.ToCode(result.Task, result.LabelColumnName, result.FeatureColumnName, result.Seed));
            md.AppendLine("```");
        }
        else
        {
            md.AppendLine(search.Trials.Count > 0 && search.Trials.All(t => t.Error is not null)
                ? "Every configuration failed, so there is no tuned entry."
                : "No configuration had been evaluated on every fold, so there is no tuned entry.");
        }
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| Trial | Configuration | Folds | {result.Metrics[0].Name} (mean over its folds) |");
        md.AppendLine("|---:|---|---:|---:|");
        foreach (var trial in search.Trials.OrderByDescending(t => t.Folds.Count).ThenByDescending(t => double.IsNaN(t.MeanPrimary) ? double.NegativeInfinity : t.MeanPrimary).Take(15))
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {trial.Number} | {trial.Configuration.Describe()} | {trial.Folds.Count} | {(trial.Error is null ? Numbers.Format(trial.MeanPrimary, "F4") : "failed")} |");
        if (search.Trials.Count > 15)
            md.AppendLine(CultureInfo.InvariantCulture, $"\n({search.Trials.Count - 15} more trials, stopped after fewer folds, not shown.)");
        foreach (var failed in search.Trials.Where(t => t.Error is not null))
            md.AppendLine(CultureInfo.InvariantCulture, $"\nConfiguration {failed.Number} failed: {failed.Error}");
        md.AppendLine();
        md.AppendLine("![Search trials](search.png)");
        WriteSearchPlot(plotPath, result, search);
    }

    // Trainers whose ranking metric is far below the field's (a diverged linear model's R² of −4,000, say), which
    // would squash every other bar into a line: left off the plot and named in the report.
    private static TrainerResult[] OffScale(ComparisonResult result)
    {
        var means = result.Trainers.Where(t => t.Error is null && double.IsFinite(t.Primary.Mean)).Select(t => t.Primary.Mean).Order().ToArray();
        if (means.Length < 3)
            return [];
        double median = means[means.Length / 2], spread = Math.Max(means[^1] - median, 1e-3);
        return result.Trainers.Where(t => t.Error is null && double.IsFinite(t.Primary.Mean) && t.Primary.Mean < median - 10 * spread).ToArray();
    }

    private static void WriteMetricPlot(string path, ComparisonResult result, TrainerResult[] leftOff)
    {
        var trainers = result.Trainers.Where(t => t.Error is null && !leftOff.Contains(t)).Reverse().ToArray();
        var plot = new Plot();
        plot.Title($"{result.Metrics[0].Name}, mean ± sd over {result.NumberOfFolds} folds (Backprop in red)");
        plot.XLabel(result.Metrics[0].Name);
        if (trainers.Length == 0)
        {
            plot.Add.Annotation($"No trainer has a finite {result.Metrics[0].Name} yet: see the report.");
            plot.SavePng(path, 900, 300);
            return;
        }
        var bars = trainers.Select((t, i) => new Bar
        {
            Position = i,
            Value = t.Primary.Mean,
            Error = t.Primary.StandardDeviation,
            FillColor = t.Candidate.Backprop is not null ? Colors.OrangeRed : Colors.SteelBlue,
        }).ToArray();
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        plot.Axes.Left.SetTicks(trainers.Select((_, i) => (double)i).ToArray(), trainers.Select(t => t.Name).ToArray());
        double low = trainers.Min(t => t.Primary.Mean - t.Primary.StandardDeviation);
        double high = trainers.Max(t => t.Primary.Mean + t.Primary.StandardDeviation);
        double pad = (high - low) * 0.1 + 1e-6;
        plot.Axes.SetLimitsX(Math.Max(low - pad, Math.Min(0, low)), high + pad);
        plot.SavePng(path, 900, 120 + 42 * trainers.Length);
    }

    private const int ImportanceShown = 15;

    private static void WriteImportance(StringBuilder md, string plotPath, TrainerResult trainer)
    {
        var top = trainer.Folds[0].Importance!.Take(ImportanceShown).ToArray();
        md.AppendLine();
        md.AppendLine("## Feature importance");
        md.AppendLine();
        md.AppendLine(FormattableString.Invariant(
            $"{trainer.Name} on fold 1: each feature slot's mean absolute contribution to the score over the held-out rows ") +
            "(integrated gradients from an average row; for classifiers, to the logit of each row's predicted class). " +
            FormattableString.Invariant($"The {top.Length} largest:"));
        md.AppendLine();
        md.AppendLine("| feature | mean abs. contribution |");
        md.AppendLine("|---|---:|");
        foreach (var feature in top)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {feature.Name.Replace("|", "\\|", StringComparison.Ordinal)} | {Numbers.Format(feature.MeanAbsoluteContribution, Numbers.FormatFor(feature.MeanAbsoluteContribution))} |");
        md.AppendLine();
        md.AppendLine("![Feature importance](importance.png)");

        var plot = new Plot();
        var shown = top.Reverse().ToArray();
        var bars = plot.Add.Bars(shown.Select((f, i) => new Bar { Position = i, Value = f.MeanAbsoluteContribution, FillColor = Colors.OrangeRed }).ToArray());
        bars.Horizontal = true;
        plot.Axes.Left.SetTicks(shown.Select((_, i) => (double)i).ToArray(), shown.Select(f => f.Name).ToArray());
        plot.Title($"{trainer.Name}: mean |contribution| per feature, fold 1");
        plot.XLabel("mean absolute contribution to the score");
        plot.SavePng(plotPath, 900, 120 + 32 * shown.Length);
    }

    private static bool WriteLossCurves(string path, ComparisonResult result)
    {
        var curves = result.Trainers.Where(t => t.Error is null && t.Folds.Count > 0 && t.Folds[0].History is not null).ToArray();
        if (curves.Length == 0)
            return false;
        TrainingPlots.SaveLossCurves(path, "Backprop loss per epoch, fold 1 (training dashed, best epoch marked)",
            TaskProfile.For(result.Task).LossName,
            curves.Select(t => LossCurve.From(t.Name, t.Folds[0].History!)));
        return true;
    }

    /// <summary>The first Backprop trainer's gradient profile on fold 1, and every warning its folds' training raised.</summary>
    private static void WriteTrainingHealth(StringBuilder md, string plotPath, ComparisonResult result)
    {
        var trained = result.Trainers.Where(t => t.Error is null && t.Folds.Count > 0 && t.Folds[0].History is not null).ToArray();
        TrainerResult first = trained[0];
        if (TrainingPlots.SaveGradientProfile(plotPath, $"{first.Name}: weight-gradient RMS per layer, fold 1", first.Folds[0].History!.Epochs))
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Each layer's weight-gradient RMS per epoch, {first.Name} on fold 1: lines orders of magnitude apart mean vanishing gradients.");
            md.AppendLine();
            md.AppendLine("![Gradient RMS per layer](gradients.png)");
        }
        var warnings = trained.SelectMany(t => t.Folds.Select((f, i) => (Trainer: t.Name, Fold: i + 1, f.History)))
            .Where(f => f.History is not null)
            .SelectMany(f => f.History!.Warnings.Select(w => (f.Trainer, f.Fold, Warning: w)))
            .ToArray();
        md.AppendLine();
        if (warnings.Length == 0)
        {
            md.AppendLine("The training diagnostics raised no warning.");
            return;
        }
        md.AppendLine("Warnings of the training diagnostics:");
        md.AppendLine();
        foreach (var (trainer, fold, warning) in warnings)
            md.AppendLine(CultureInfo.InvariantCulture, $"- {trainer}, fold {fold}, epoch {warning.Epoch}: {warning.Message}");
    }

    private static void WriteSearchPlot(string path, ComparisonResult result, SearchResult search)
    {
        var plot = new Plot();
        var plotted = search.Trials.Where(t => double.IsFinite(t.MeanPrimary)).ToArray();
        foreach (var group in plotted.GroupBy(t => t.Folds.Count).OrderBy(g => g.Key))
        {
            var points = plot.Add.ScatterPoints(group.Select(t => (double)t.Number).ToArray(), group.Select(t => t.MeanPrimary).ToArray());
            points.LegendText = $"stopped after {group.Key} fold(s)";
            points.MarkerSize = 4 + 2 * group.Key;
        }
        // Configurations that diverge would squash the others into a line; failed ones have no value to plot.
        var values = plotted.Select(t => t.MeanPrimary).Order().ToArray();
        if (values.Length > 0)
        {
            double floor = values[values.Length / 4];
            double top = values[^1];
            plot.Axes.SetLimitsY(floor - (top - floor) * 0.5, top + (top - floor) * 0.1 + 1e-6);
        }
        plot.Title($"Search trials: {result.Metrics[0].Name} over the folds each reached");
        plot.XLabel("trial");
        plot.YLabel(result.Metrics[0].Name);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 900, 450);
    }
}
