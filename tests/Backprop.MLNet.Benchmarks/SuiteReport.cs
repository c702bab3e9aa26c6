using System.Globalization;
using System.Text;
using Backprop.MLNet.Comparison;
using ScottPlot;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// <c>suite.md</c> and <c>ranks.png</c>: for each role (evaluation first) and task, a table of every candidate's ranking
/// metric (mean ± standard deviation over the folds, and the median seconds of a fit) per dataset, then each
/// candidate's mean rank over those datasets; the plot shows the mean ranks per role.
/// </summary>
internal static class SuiteReport
{
    /// <summary>One candidate on one dataset: its ranking metric over the folds and its median fit time.</summary>
    public sealed record Entry(string Name, double Mean, double StandardDeviation, double FitSeconds, bool Failed)
    {
        public bool Ranked => !Failed && double.IsFinite(Mean);
    }

    public static string Write(string folder, IReadOnlyList<SuiteResult> results, SuitePeers? peers, int folds, int seed, string command)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmark suite: Backprop beside ML.NET's trainers");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{folds}-fold cross-validation (seed {seed}) on every dataset, with the same featurization and the same folds for every candidate. ");
        md.AppendLine("Each cell: the task's ranking metric (R², AUC or macro accuracy), mean ± standard deviation over the folds, then the median seconds of one fit. " +
            "Ranks are per dataset (1 is best; a failed candidate ranks last), averaged over the datasets of the table.");
        md.AppendLine("*Evaluation* sets are only ever reported; *selection* sets may be used to choose defaults and recipes.");
        md.AppendLine();
        md.AppendLine("Reproduce with:");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"    {command}");

        var plotted = new List<(string Role, IReadOnlyDictionary<string, double> Ranks)>();
        foreach (string role in new[] { "evaluation", "selection" })
        {
            var ofRole = results.Where(r => r.Dataset.Role == role).ToArray();
            if (ofRole.Length == 0)
                continue;
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"## {char.ToUpperInvariant(role[0])}{role[1..]} sets");
            var familyRanks = new List<IReadOnlyDictionary<string, double>>();
            foreach (var group in ofRole.GroupBy(r => r.Comparison.Task))
            {
                var rows = group.Select(r => (r, Entries(r, peers))).ToArray();
                string[] names = rows.SelectMany(x => x.Item2.Select(e => e.Name)).Distinct().OrderBy(ColumnOrder).ToArray();
                md.AppendLine();
                md.AppendLine(CultureInfo.InvariantCulture, $"### {TaskProfile.For(group.Key).Name}: {group.First().Comparison.Metrics[0].Name}");
                md.AppendLine();
                md.AppendLine("| dataset | rows | " + string.Join(" | ", names) + " |");
                md.AppendLine("|---|---:|" + string.Concat(names.Select(_ => "---:|")));
                var rankSums = names.ToDictionary(n => n, _ => (Sum: 0.0, Count: 0));
                foreach (var (result, entries) in rows)
                {
                    var ranks = Ranks(entries);
                    foreach (var (name, rank) in ranks)
                        rankSums[name] = (rankSums[name].Sum + rank, rankSums[name].Count + 1);
                    familyRanks.Add(Ranks(entries.Select(e => e with { Name = Family(e.Name) })
                        .GroupBy(e => e.Name).Select(g => g.OrderByDescending(e => e.Ranked ? e.Mean : double.NegativeInfinity).First()).ToArray()));
                    string best = entries.Where(e => e.Ranked).MaxBy(e => e.Mean)?.Name ?? "";
                    md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {result.Dataset.Name} | {result.Rows:N0} | ") + string.Join(" | ", names.Select(n =>
                        entries.FirstOrDefault(e => e.Name == n) is { } e ? Cell(e, e.Name == best) : "")) + " |");
                }
                md.AppendLine("| **mean rank** | | " + string.Join(" | ", names.Select(n => rankSums[n].Count > 0
                    ? (rankSums[n].Sum / rankSums[n].Count).ToString("F2", CultureInfo.InvariantCulture) : "")) + " |");
            }
            var meanFamilyRanks = familyRanks.SelectMany(r => r).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Average(kv => kv.Value));
            plotted.Add((role, meanFamilyRanks));
            md.AppendLine();
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Mean rank over all {ofRole.Length} {role} sets, by trainer family: ") +
                string.Join(", ", meanFamilyRanks.OrderBy(kv => kv.Value).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:F2}"))) + ".");
        }
        WriteWarnings(md, results);
        md.AppendLine();
        md.AppendLine("![Mean rank by trainer family](ranks.png)");
        WriteRankPlot(Path.Combine(folder, "ranks.png"), plotted);

        string path = Path.Combine(folder, "suite.md");
        File.WriteAllText(path, md.ToString());
        return path;
    }

    /// <summary>The kinds of training-health warning each Backprop candidate raised per dataset, with how many folds raised each.</summary>
    private static void WriteWarnings(StringBuilder md, IReadOnlyList<SuiteResult> results)
    {
        var lines = (from result in results
                     from trainer in result.Comparison.Trainers
                     let kinds = trainer.Folds.Where(f => f.History is not null)
                         .SelectMany(f => f.History!.Warnings.Select(w => w.Kind).Distinct())
                         .GroupBy(kind => kind)
                         .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} ({g.Count()} of {trainer.Folds.Count} folds)"))
                         .ToArray()
                     where kinds.Length > 0
                     select $"- {result.Dataset.Name}, {trainer.Name}: {string.Join(", ", kinds)}").ToArray();
        md.AppendLine();
        md.AppendLine("## Training health");
        md.AppendLine();
        if (lines.Length == 0)
        {
            md.AppendLine("No Backprop candidate's training raised a warning.");
            return;
        }
        md.AppendLine("Warnings the training diagnostics raised:");
        md.AppendLine();
        foreach (string line in lines)
            md.AppendLine(line);
    }

    /// <summary>Ranks 1, 2, … by the ranking metric, ties sharing their average rank; failed candidates share the last ranks.</summary>
    public static IReadOnlyDictionary<string, double> Ranks(IReadOnlyList<Entry> entries)
    {
        var ordered = entries.OrderByDescending(e => e.Ranked ? e.Mean : double.NegativeInfinity).ToArray();
        var ranks = new Dictionary<string, double>();
        for (int i = 0; i < ordered.Length;)
        {
            double key = ordered[i].Ranked ? ordered[i].Mean : double.NegativeInfinity;
            int j = i;
            while (j < ordered.Length && (ordered[j].Ranked ? ordered[j].Mean : double.NegativeInfinity) == key)
                j++;
            double rank = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++)
                ranks[ordered[k].Name] = rank;
            i = j;
        }
        return ranks;
    }

    private static IReadOnlyList<Entry> Entries(SuiteResult result, SuitePeers? peers)
    {
        var entries = result.Comparison.Trainers.Select(t => new Entry(t.Name, t.Primary.Mean, t.Primary.StandardDeviation,
            Median(t.Folds.Select(f => f.TrainSeconds)), t.Error is not null)).ToList();
        if (peers is not null && peers.Datasets.TryGetValue(result.Dataset.Name, out var found))
        {
            foreach (var peer in found)
            {
                var summary = MetricSummary.Of(result.Comparison.Metrics[0], peer.Primary);
                entries.Add(new Entry(peer.Name, summary.Mean, summary.StandardDeviation, Median(peer.FitSeconds), peer.Error is not null));
            }
        }
        return entries;
    }

    // Backprop's defaults, then the named configurations, then ML.NET's trainers in the suite's order, then the peers.
    private static int ColumnOrder(string name) => name == "Backprop" ? 0
        : name.StartsWith("Backprop ", StringComparison.Ordinal) ? 1
        : Array.IndexOf(SuiteCommand.Baselines, name) is >= 0 and var i ? 2 + i
        : 100;

    // Trainers of one kind across tasks (SDCA is "SdcaLogisticRegression" for a binary task), for the role-wide ranks.
    private static string Family(string name) => name switch
    {
        _ when name.StartsWith("Sdca", StringComparison.OrdinalIgnoreCase) => "SDCA",
        _ when name.StartsWith("Lbfgs", StringComparison.Ordinal) => "L-BFGS",
        _ when name.StartsWith("FastTree", StringComparison.Ordinal) => "FastTree",
        _ => name,
    };

    private static string Cell(Entry e, bool best)
    {
        if (e.Failed)
            return "failed";
        string metric = double.IsFinite(e.Mean)
            ? string.Create(CultureInfo.InvariantCulture, $"{e.Mean:F3} ± {e.StandardDeviation:F3}")
            : "—";
        return (best ? $"**{metric}**" : metric) + string.Create(CultureInfo.InvariantCulture, $" · {e.FitSeconds:0.0#} s");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    // Horizontal bars, best family on top: long peer names fit on the left axis.
    private static void WriteRankPlot(string path, IReadOnlyList<(string Role, IReadOnlyDictionary<string, double> Ranks)> roles)
    {
        var plot = new Plot();
        string[] families = roles.SelectMany(r => r.Ranks.Keys).Distinct()
            .OrderByDescending(f => roles.Average(r => r.Ranks.GetValueOrDefault(f, 99))).ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        int group = roles.Count + 1;
        for (int r = 0; r < roles.Count; r++)
        {
            var bars = families.Select((f, i) => new Bar
            {
                Position = i * group + (roles.Count - 1 - r),
                Value = roles[r].Ranks.GetValueOrDefault(f, double.NaN),
                FillColor = palette.GetColor(r),
            }).Where(b => double.IsFinite(b.Value)).ToArray();
            var added = plot.Add.Bars(bars);
            added.Horizontal = true;
            added.LegendText = $"{roles[r].Role} sets";
        }
        plot.Axes.Left.SetTicks(families.Select((_, i) => i * group + (roles.Count - 1) / 2.0).ToArray(), families);
        plot.Title("Mean rank by trainer family (lower is better)");
        plot.XLabel("mean rank");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 1000, 80 + 28 * families.Length * group);
    }
}
