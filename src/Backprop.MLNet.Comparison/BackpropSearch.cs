using System.Diagnostics;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// A seeded random search over Backprop's hyperparameters with successive halving on the comparison's folds: each
/// bracket draws 3ʳ configurations (the first bracket starts with the defaults), evaluates them on one fold, keeps the
/// best third for three folds, and so on until the survivors have every fold. The best configuration evaluated on
/// every fold wins, by the task's ranking metric.
/// </summary>
/// <remarks>
/// The space: hidden layers from one layer of 32 to three layers of 256-128-64; ReLU (half the draws), Tanh or GELU; learning rate
/// log-uniform in [1e-4, 1e-2]; batch 16 to 256; L2 log-uniform in [1e-5, 0.3]; dropout 0 (half the draws), 0.1, 0.2
/// or 0.3. The folds that rank the configurations also measure the winner, so its score is optimistic by the
/// selection: compare it with the other trainers knowing that.
/// </remarks>
internal sealed class BackpropSearch
{
    private static readonly int[][] Shapes =
        [[32], [64], [128], [256], [512], [64, 32], [128, 64], [256, 128], [128, 128], [256, 128, 64]];
    private static readonly ActivationKind[] Activations = [ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.Tanh, ActivationKind.Gelu];
    private static readonly int[] BatchSizes = [16, 32, 64, 128, 256];
    private static readonly float[] Dropouts = [0f, 0f, 0f, 0.1f, 0.2f, 0.3f];

    private readonly CrossValidationFolds _folds;
    private readonly SearchOptions _options;
    private readonly Action<string> _log;

    public BackpropSearch(CrossValidationFolds folds, SearchOptions options, Action<string>? log)
    {
        _folds = folds;
        _options = options;
        _log = log ?? (_ => { });
    }

    /// <summary>The fold counts of successive rungs: 1, 3, 9, … and finally every fold.</summary>
    public static IReadOnlyList<int> Rungs(int folds)
    {
        var rungs = new List<int>();
        for (int r = 1; r < folds; r *= 3)
            rungs.Add(r);
        rungs.Add(folds);
        return rungs;
    }

    public static BackpropConfiguration Draw(Random random) => new()
    {
        HiddenLayers = Shapes[random.Next(Shapes.Length)],
        Activation = Activations[random.Next(Activations.Length)],
        LearningRate = (float)LogUniform(random, 1e-4, 1e-2),
        BatchSize = BatchSizes[random.Next(BatchSizes.Length)],
        L2Regularization = (float)LogUniform(random, 1e-5, 0.3),
        Dropout = Dropouts[random.Next(Dropouts.Length)],
    };

    public SearchResult Run(CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(_options.Seed);
        var rungs = Rungs(_folds.Count);
        int bracketSize = (int)Math.Pow(3, rungs.Count - 1);
        var trials = new List<(int Number, BackpropConfiguration Configuration, List<FoldResult> Folds)>();
        bool limitedByTrials = _options.MaxTrials is not null;
        bool OutOfTime() => !limitedByTrials && watch.Elapsed >= _options.TimeBudget;
        bool OutOfTrials() => limitedByTrials && trials.Count >= _options.MaxTrials!.Value;

        while (!OutOfTime() && !OutOfTrials())
        {
            var bracket = new List<(int Number, BackpropConfiguration Configuration, List<FoldResult> Folds)>();
            while (bracket.Count < bracketSize && !OutOfTrials())
            {
                var trial = (trials.Count + 1, trials.Count == 0 ? BackpropConfiguration.DefaultFor(_folds.Task) : Draw(random), new List<FoldResult>());
                trials.Add(trial);
                bracket.Add(trial);
            }
            foreach (int rung in rungs)
            {
                foreach (var trial in bracket)
                {
                    while (trial.Folds.Count < rung && !OutOfTime())
                        trial.Folds.Add(Evaluate(trial.Configuration, trial.Folds.Count, cancellation));
                }
                if (OutOfTime())
                    break;
                _log($"search: {bracket.Count} configuration(s) on {rung} fold(s), best {bracket.Max(t => Mean(t.Folds)):F4} ({watch.Elapsed.TotalSeconds:F0} s)");
                bracket = bracket.OrderByDescending(t => Mean(t.Folds)).Take((bracket.Count + 2) / 3).ToList();
            }
        }

        var complete = trials.Where(t => t.Folds.Count == _folds.Count).ToList();
        if (complete.Count == 0)
        {
            // The budget ran out before any configuration had every fold: finish the most promising one.
            var leader = trials.Where(t => t.Folds.Count > 0).OrderByDescending(t => t.Folds.Count).ThenByDescending(t => Mean(t.Folds))
                .DefaultIfEmpty(trials[0]).First();
            _log($"search: the time budget ended before any configuration had every fold; finishing configuration {leader.Number}");
            while (leader.Folds.Count < _folds.Count)
                leader.Folds.Add(Evaluate(leader.Configuration, leader.Folds.Count, cancellation));
            complete.Add(leader);
        }
        var best = complete.OrderByDescending(t => Mean(t.Folds)).ThenBy(t => t.Number).First();
        var tried = trials.Where(t => t.Folds.Count > 0).Select(t => new SearchTrial(t.Number, t.Configuration, t.Folds)).ToArray();
        return new SearchResult(best.Configuration, best.Folds, tried, watch.Elapsed.TotalSeconds, limitedByTrials ? "trials" : "time budget");
    }

    private FoldResult Evaluate(BackpropConfiguration configuration, int fold, CancellationToken cancellation)
        => _folds.Evaluate(CandidateTrainer.ForBackprop("search", _folds.Task, configuration), fold, cancellation);

    private static double Mean(List<FoldResult> folds) => folds.Count == 0 ? double.NegativeInfinity : folds.Average(f => f.Metrics[0]);

    private static double LogUniform(Random random, double low, double high)
        => Math.Exp(Math.Log(low) + random.NextDouble() * (Math.Log(high) - Math.Log(low)));
}
