using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// Runs candidate trainers on the same cross-validation folds with the same featurization — Backprop in a few
/// configurations, a searched one, and ML.NET's own trainers — and ranks them by the task's metric.
/// </summary>
/// <example><code>
/// var ml = new MLContext(seed: 1);
/// var data = TabularData.LoadCsv(ml, "houses.csv", labelColumn: "price");
/// ComparisonResult result = new TrainerComparison(ml).Run(data);
/// foreach (var trainer in result.Trainers)
///     Console.WriteLine($"{trainer.Name}: R² {trainer.Primary.Format()}");
/// </code></example>
public sealed class TrainerComparison
{
    private readonly MLContext _ml;
    private readonly ComparisonOptions _options;

    /// <summary>A comparison in <paramref name="ml"/> with <paramref name="options"/> (default: 5 folds, seed 1, a 60-second search).</summary>
    public TrainerComparison(MLContext ml, ComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        _ml = ml;
        _options = options ?? new ComparisonOptions();
        if (_options.NumberOfFolds < 2)
            throw new ArgumentOutOfRangeException(nameof(options), _options.NumberOfFolds,
                "ComparisonOptions.NumberOfFolds must be at least 2, for example 5.");
        if (_options.FitTimeLimit is { } limit && limit <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), limit,
                "ComparisonOptions.FitTimeLimit must be positive, for example 60 seconds, or null for no limit.");
    }

    /// <summary>Compares the candidates on a CSV file loaded by <see cref="TabularData.LoadCsv"/>, with its featurization.</summary>
    public ComparisonResult Run(TabularData data, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.RowCount < 2 * _options.NumberOfFolds)
            throw new ComparisonInputException(
                $"'{data.Path}' has {data.RowCount} rows, too few for {_options.NumberOfFolds}-fold cross-validation; use fewer folds or more rows.");
        return Run(data.Data, data.Task, data.LabelColumnName, TabularData.FeatureColumnName, data.Featurizer(_ml),
            data.Task == PredictionTask.Regression && !NonNegativeLabels(data), cancellation);
    }

    /// <summary>
    /// Compares the candidates on <paramref name="data"/>: each is appended to <paramref name="featurizer"/> and fitted
    /// on every fold's training rows, then scored on its held-out rows.
    /// </summary>
    /// <param name="data">The rows.</param>
    /// <param name="task">The task.</param>
    /// <param name="labelColumnName">The label column after featurization: Single for regression, Boolean for binary, a key for multiclass.</param>
    /// <param name="featureColumnName">The feature column after featurization: a known-size vector of Single.</param>
    /// <param name="featurizer">What turns the rows into those columns, or <see langword="null"/> when they are there already.</param>
    /// <param name="labelCanBeNegative">Regression: whether a label may be negative, which rules out Poisson regression.</param>
    /// <param name="cancellation">Stops the comparison between fits.</param>
    public ComparisonResult Run(IDataView data, PredictionTask task, string labelColumnName = "Label", string featureColumnName = "Features",
        IEstimator<ITransformer>? featurizer = null, bool labelCanBeNegative = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var folds = new CrossValidationFolds(_ml, _ml.Data.Cache(data), task, labelColumnName, featureColumnName,
            featurizer ?? new EstimatorChain<ITransformer>(), _options.NumberOfFolds, _options.Seed, _options.FitTimeLimit);
        var log = _options.Log ?? (_ => { });
        var results = new List<TrainerResult>();
        ComparisonResult Result(SearchResult? search, bool complete) => new(task, folds.Metrics, folds.Count, _options.Seed,
            labelColumnName, featureColumnName, Rank(results), search) { IsComplete = complete };
        void Progress(SearchResult? search) => _options.Progress?.Invoke(Result(search, complete: false));

        foreach (var candidate in _options.Candidates ?? CandidateTrainer.Standard(task, !labelCanBeNegative))
        {
            results.Add(Measure(folds, candidate, cancellation));
            var r = results[^1];
            log(r.Error is null
                ? FormattableString.Invariant($"{r.Name}: {folds.Metrics[0].Name} {r.Primary.Format()}, {r.MeanTrainSeconds:F2} s per fold")
                : $"{r.Name}: failed ({r.Error})");
            Progress(null);
        }

        SearchResult? search = null;
        if (_options.Search is { } searchOptions)
        {
            search = new BackpropSearch(folds, searchOptions, log, Progress).Run(cancellation);
            if (search.Best is { } best)
            {
                var tuned = CandidateTrainer.ForBackprop(ComparisonResult.TunedName, task, best);
                results.Add(new TrainerResult(tuned, folds.Metrics, search.BestFolds));
                log(FormattableString.Invariant($"{ComparisonResult.TunedName}: {search.Trials.Count} configurations in {search.Seconds:F0} s; ") +
                    $"best {best.Describe()}, {folds.Metrics[0].Name} {results[^1].Primary.Format()}");
            }
            else
            {
                log($"search: every one of the {search.Trials.Count} configurations failed; no tuned entry");
            }
        }
        return Result(search, complete: true);
    }

    // Best first by the ranking metric; then those whose mean is not a number to rank by (a fold diverged); failed last.
    private static TrainerResult[] Rank(IEnumerable<TrainerResult> results)
        => results.OrderBy(r => r.Error is not null ? 2 : double.IsFinite(r.Primary.Mean) ? 0 : 1)
            .ThenByDescending(r => double.IsFinite(r.Primary.Mean) ? r.Primary.Mean : 0).ToArray();

    // A candidate that throws (a trainer refusing this data, say) is reported as failed rather than ending the comparison.
    private static TrainerResult Measure(CrossValidationFolds folds, CandidateTrainer candidate, CancellationToken cancellation)
    {
        var results = new List<FoldResult>();
        try
        {
            for (int fold = 0; fold < folds.Count; fold++)
                results.Add(folds.Evaluate(candidate, fold, cancellation, explain: fold == 0));
            return new TrainerResult(candidate, folds.Metrics, results);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new TrainerResult(candidate, folds.Metrics, [], $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static bool NonNegativeLabels(TabularData data)
        => data.Data.GetColumn<float>(data.LabelColumn).All(v => v >= 0);
}
