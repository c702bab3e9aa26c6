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
    private readonly Action<SearchResult> _progress;

    /// <param name="folds">The comparison's folds.</param>
    /// <param name="options">The budget and seed.</param>
    /// <param name="log">Receives a line per rung.</param>
    /// <param name="progress">Receives the search so far after each evaluation, so a caller can save it.</param>
    public BackpropSearch(CrossValidationFolds folds, SearchOptions options, Action<string>? log, Action<SearchResult>? progress = null)
    {
        _folds = folds;
        _options = options;
        _log = log ?? (_ => { });
        _progress = progress ?? (_ => { });
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
        var trials = new List<Trial>();
        bool limitedByTrials = _options.MaxTrials is not null;
        bool OutOfTime() => !limitedByTrials && watch.Elapsed >= _options.TimeBudget;
        bool OutOfTrials() => limitedByTrials && trials.Count >= _options.MaxTrials!.Value;
        void Advance(Trial trial)
        {
            Evaluate(trial, cancellation);
            _progress(Result(trials, watch, "running"));
        }

        while (!OutOfTime() && !OutOfTrials())
        {
            var bracket = new List<Trial>();
            while (bracket.Count < bracketSize && !OutOfTrials())
            {
                var trial = new Trial(trials.Count + 1, trials.Count == 0 ? BackpropConfiguration.DefaultFor(_folds.Task) : Draw(random));
                trials.Add(trial);
                bracket.Add(trial);
            }
            foreach (int rung in rungs)
            {
                foreach (var trial in bracket)
                {
                    while (trial.Folds.Count < rung && trial.Error is null && !OutOfTime())
                        Advance(trial);
                }
                if (OutOfTime())
                    break;
                _log(FormattableString.Invariant(
                    $"search: {bracket.Count} configuration(s) on {rung} fold(s), best {Numbers.Format(bracket.Max(t => t.Rank), "F4")} ({watch.Elapsed.TotalSeconds:F0} s)"));
                bracket = bracket.OrderByDescending(t => t.Rank).Take((bracket.Count + 2) / 3).ToList();
            }
        }

        if (!trials.Any(t => t.IsComplete(_folds.Count)))
        {
            // The budget ran out before any configuration had every fold: finish the most promising one that has not failed.
            var leader = trials.Where(t => t.Error is null).OrderByDescending(t => t.Folds.Count).ThenByDescending(t => t.Rank).FirstOrDefault();
            if (leader is not null)
            {
                _log($"search: the time budget ended before any configuration had every fold; finishing configuration {leader.Number}");
                while (leader.Folds.Count < _folds.Count && leader.Error is null)
                    Advance(leader);
            }
        }
        return Result(trials, watch, limitedByTrials ? "trials" : "time budget");
    }

    private SearchResult Result(List<Trial> trials, Stopwatch watch, string stoppedBy)
    {
        var best = trials.Where(t => t.IsComplete(_folds.Count)).OrderByDescending(t => t.Rank).ThenBy(t => t.Number).FirstOrDefault();
        var tried = trials.Where(t => t.Folds.Count > 0 || t.Error is not null)
            .Select(t => new SearchTrial(t.Number, t.Configuration, t.Folds.ToArray(), t.Error)).ToArray();
        return new SearchResult(best?.Configuration, best?.Folds.ToArray() ?? [], tried, watch.Elapsed.TotalSeconds, stoppedBy);
    }

    // A configuration that fails on a fold (its network diverged, say) is out of the search, not the end of it.
    private void Evaluate(Trial trial, CancellationToken cancellation)
    {
        try
        {
            trial.Folds.Add(_folds.Evaluate(CandidateTrainer.ForBackprop("search", _folds.Task, trial.Configuration), trial.Folds.Count, cancellation));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            trial.Error = $"{e.GetType().Name}: {e.Message}";
            _log($"search: configuration {trial.Number} failed on fold {trial.Folds.Count + 1} ({trial.Error})");
        }
    }

    private sealed class Trial(int number, BackpropConfiguration configuration)
    {
        public int Number { get; } = number;

        public BackpropConfiguration Configuration { get; } = configuration;

        public List<FoldResult> Folds { get; } = [];

        public string? Error { get; set; }

        public bool IsComplete(int folds) => Error is null && Folds.Count == folds;

        // The ranking metric's mean over the folds so far; a failed or unevaluated configuration, or one whose metric
        // is not a number, ranks last.
        public double Rank
        {
            get
            {
                double mean = Error is null && Folds.Count > 0 ? Folds.Average(f => f.Metrics[0]) : double.NaN;
                return double.IsNaN(mean) ? double.NegativeInfinity : mean;
            }
        }
    }

    private static double LogUniform(Random random, double low, double high)
        => Math.Exp(Math.Log(low) + random.NextDouble() * (Math.Log(high) - Math.Log(low)));
}
