using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// The k folds every candidate is measured on — ML.NET's <c>CrossValidationSplit</c> with the comparison's seed, the
/// split <c>CrossValidate</c> makes with the same seed — and the one way a candidate is fitted, scored and evaluated on
/// a fold.
/// </summary>
internal sealed class CrossValidationFolds
{
    private readonly MLContext _ml;
    private readonly IEstimator<ITransformer> _featurizer;
    private readonly DataOperationsCatalog.TrainTestData[] _folds;
    private readonly TimeSpan? _fitTimeLimit;

    public CrossValidationFolds(MLContext ml, IDataView data, PredictionTask task, string labelColumnName, string featureColumnName,
        IEstimator<ITransformer> featurizer, int numberOfFolds, int seed, TimeSpan? fitTimeLimit = null)
    {
        _ml = ml;
        _fitTimeLimit = fitTimeLimit;
        Task = task;
        LabelColumnName = labelColumnName;
        FeatureColumnName = featureColumnName;
        _featurizer = featurizer;
        Seed = seed;
        _folds = ml.Data.CrossValidationSplit(data, numberOfFolds, seed: seed).ToArray();
        Profile = TaskProfile.For(task);
    }

    public PredictionTask Task { get; }

    public string LabelColumnName { get; }

    public string FeatureColumnName { get; }

    public int Seed { get; }

    public int Count => _folds.Length;

    public TaskProfile Profile { get; }

    public IReadOnlyList<Metric> Metrics => Profile.Metrics;

    /// <summary>The pipeline a candidate is measured as: the featurizer, then the candidate's trainer made in <paramref name="ml"/>.</summary>
    public IEstimator<ITransformer> Pipeline(CandidateTrainer candidate, MLContext? ml = null)
        => _featurizer.Append(candidate.Create(ml ?? _ml, LabelColumnName, FeatureColumnName, Seed));

    private const int ImportanceRows = 2_000;

    /// <summary>
    /// Fits <paramref name="candidate"/> on fold <paramref name="fold"/>'s training rows and measures it on its held-out
    /// rows; with <paramref name="explain"/>, a Backprop candidate's <see cref="FoldResult.Importance"/> too (the
    /// leaderboard's first fold; search trials skip it).
    /// </summary>
    public FoldResult Evaluate(CandidateTrainer candidate, int fold, CancellationToken cancellation, bool explain = false)
    {
        cancellation.ThrowIfCancellationRequested();
        var (train, test) = (_folds[fold].TrainSet, _folds[fold].TestSet);
        var watch = Stopwatch.StartNew();
        ITransformer model = _fitTimeLimit is { } limit ? FitWithin(candidate, train, fold, limit, cancellation) : Pipeline(candidate).Fit(train);
        double trainSeconds = watch.Elapsed.TotalSeconds;

        IDataView scored = model.Transform(test);
        var (rows, undefined) = CountUndefinedScores(scored);
        if (undefined > 0)
            throw new InvalidOperationException(
                $"it scored {undefined} of fold {fold + 1}'s {rows} held-out rows as NaN; ML.NET's evaluators leave such rows out, " +
                "so its metrics would describe only the rest.");
        double scoreMicroseconds = TimeScoring(scored, rows);

        var backprop = (model as IEnumerable<ITransformer>)?.LastOrDefault() as ISingleFeaturePredictionTransformer<IBackpropModelParameters>;
        return new FoldResult(fold, Measure(scored), trainSeconds, scoreMicroseconds, backprop?.Model.History)
        {
            // Explaining at most 2,000 rows keeps this a small share of the fold's time.
            Importance = backprop is not null && explain
                ? _ml.Transforms.CalculateBackpropFeatureImportance(backprop, _ml.Data.TakeRows(scored, ImportanceRows))
                : null,
        };
    }

    // The trainer is made in an MLContext of its own, seeded like the comparison, which a timer (or the caller's
    // cancellation) cancels: ML.NET's trainers and Backprop stop at their next check and throw. A context of its own
    // also makes the fit's random draws independent of what ran before it.
    private ITransformer FitWithin(CandidateTrainer candidate, IDataView train, int fold, TimeSpan limit, CancellationToken cancellation)
    {
        var context = new MLContext(Seed);
        using var timeout = new CancellationTokenSource(limit);
        using var overTime = timeout.Token.Register(context.CancelExecution);
        using var stop = cancellation.Register(context.CancelExecution);
        try
        {
            return Pipeline(candidate, context).Fit(train);
        }
        catch (Exception e) when (IsCancellation(e))
        {
            cancellation.ThrowIfCancellationRequested();
            if (!timeout.IsCancellationRequested)
                throw;
            throw new TimeoutException(FormattableString.Invariant(
                $"fitting took longer than the {limit.TotalSeconds:0.#} s limit on fold {fold + 1}, so it was stopped."));
        }
    }

    // One-versus-all trains its binary models in parallel and wraps each cancellation in an AggregateException.
    private static bool IsCancellation(Exception e) => e switch
    {
        OperationCanceledException => true,
        AggregateException a => a.Flatten().InnerExceptions.All(IsCancellation),
        _ => false,
    };

    // After the untimed pass that counted the rows (first-call costs), timed passes over the held-out rows until at
    // least 2,000 rows and 20 ms; the median pass, so a garbage collection or a busy core in one pass does not decide
    // the figure.
    private double TimeScoring(IDataView scored, long rows)
    {
        if (rows == 0)
            return double.NaN;
        var passes = new List<double>();
        var total = Stopwatch.StartNew();
        while (passes.Count < 3 || passes.Count * rows < 2000 || total.ElapsedMilliseconds < 20)
        {
            long start = Stopwatch.GetTimestamp();
            ReadScores(scored);
            passes.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / rows);
        }
        passes.Sort();
        return passes[passes.Count / 2];
    }

    // A model that predicts NaN (weights gone to NaN, say) must not be measured on the rows it could score.
    private (long Rows, long Undefined) CountUndefinedScores(IDataView scored)
    {
        var column = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([column]);
        long rows = 0, undefined = 0;
        if (Profile.ScoreIsVector)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> scores = default;
            while (cursor.MoveNext())
            {
                getter(ref scores);
                rows++;
                foreach (float score in scores.DenseValues())
                {
                    if (float.IsNaN(score))
                    {
                        undefined++;
                        break;
                    }
                }
            }
        }
        else
        {
            var getter = cursor.GetGetter<float>(column);
            float score = 0;
            while (cursor.MoveNext())
            {
                getter(ref score);
                rows++;
                if (float.IsNaN(score))
                    undefined++;
            }
        }
        return (rows, undefined);
    }

    // Scoring is lazy in ML.NET: reading the Score column of every row is what makes it happen.
    private long ReadScores(IDataView scored) => Profile.ScoreIsVector
        ? ReadEvery<VBuffer<float>>(scored, "Score")
        : ReadEvery<float>(scored, "Score");

    private static long ReadEvery<T>(IDataView data, string columnName)
    {
        var column = data.Schema[columnName];
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        long rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            rows++;
        }
        return rows;
    }

    private double[] Measure(IDataView scored) => Profile.Measure(_ml, scored, LabelColumnName);
}
