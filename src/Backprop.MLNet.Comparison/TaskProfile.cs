using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// Everything a comparison does differently by task, in one place: the metrics (name, direction and how each is read
/// from ML.NET's evaluation), the standard field of candidate trainers, how the label is loaded and mapped, and
/// Backprop's trainer for the task. Adding a task or a metric is a change here and nowhere else.
/// </summary>
public abstract class TaskProfile
{
    private protected TaskProfile()
    {
    }

    /// <summary>Every task's profile: regression, binary, multiclass.</summary>
    public static IReadOnlyList<TaskProfile> All { get; } = [RegressionProfile.Instance, BinaryProfile.Instance, MulticlassProfile.Instance];

    /// <summary>The profile of <paramref name="task"/>.</summary>
    public static TaskProfile For(PredictionTask task) => task switch
    {
        PredictionTask.Regression => RegressionProfile.Instance,
        PredictionTask.BinaryClassification => BinaryProfile.Instance,
        PredictionTask.MulticlassClassification => MulticlassProfile.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task."),
    };

    /// <summary>The task.</summary>
    public abstract PredictionTask Task { get; }

    /// <summary>The task's name on the command line: regression, binary or multiclass.</summary>
    public abstract string Name { get; }

    /// <summary>The task's metrics; the first ranks the leaderboard.</summary>
    public abstract IReadOnlyList<Metric> Metrics { get; }

    /// <summary>
    /// The standard field: Backprop with its defaults and one wider, more regularised network, then ML.NET's trainers
    /// that fit the task, with ML.NET's defaults.
    /// </summary>
    /// <param name="labelIsNonNegative">Regression: whether every label is 0 or more (Poisson regression needs it).</param>
    public IReadOnlyList<CandidateTrainer> StandardCandidates(bool labelIsNonNegative = true) =>
    [
        CandidateTrainer.ForBackprop("Backprop", Task, BackpropConfiguration.DefaultFor(Task)),
        CandidateTrainer.ForBackprop("Backprop [256], L2 0.01", Task, new BackpropConfiguration { HiddenLayers = [256], L2Regularization = 0.01f }),
        .. MLNetCandidates(labelIsNonNegative),
    ];

    /// <summary>ML.NET's trainers for the task, in the leaderboard's order.</summary>
    private protected abstract IEnumerable<CandidateTrainer> MLNetCandidates(bool labelIsNonNegative);

    /// <summary>The metrics of a scored fold, in <see cref="Metrics"/>' order; NaN where the trainer cannot give one.</summary>
    internal abstract double[] Measure(MLContext ml, IDataView scored, string labelColumnName);

    /// <summary>Whether the Score column is a vector (one score per class) rather than one number.</summary>
    internal virtual bool ScoreIsVector => false;

    /// <summary>The options of Backprop's trainer for the task, with their defaults.</summary>
    internal abstract BackpropTrainerOptionsBase DefaultOptions();

    /// <summary>Backprop's trainer for the task in <paramref name="ml"/>, with <paramref name="options"/> from <see cref="DefaultOptions"/>.</summary>
    internal abstract IEstimator<ITransformer> Backprop(MLContext ml, BackpropTrainerOptionsBase options);

    /// <summary>The catalog property and the trainer type, for code that makes the trainer: ("Regression", "BackpropRegressionTrainer").</summary>
    internal abstract (string Catalog, string Trainer) CodeNames { get; }

    /// <summary>The name of the loss Backprop's history records, for plots.</summary>
    internal abstract string LossName { get; }

    /// <summary>How the label column is loaded from a CSV file: as numbers or as text.</summary>
    internal abstract DataKind LabelKind(bool numericLabel);

    /// <summary>The featurizer's last step: the file's label column mapped to <paramref name="output"/> as the task's trainers read it.</summary>
    internal abstract IEstimator<ITransformer> LabelMapping(MLContext ml, string output, string input, IReadOnlyList<string> classes, bool numericLabel);

    /// <summary>What a report says of the classes, e.g. ", positive class 'yes' (negative 'no')"; empty for regression.</summary>
    internal virtual string DescribeClasses(IReadOnlyList<string> classes) => "";

    /// <summary>The metrics of <paramref name="evaluation"/>, read by each metric's reader, in order.</summary>
    private protected static double[] Read<TMetrics>(TMetrics evaluation, IReadOnlyList<(Metric Metric, Func<TMetrics, double> Read)> columns)
        => columns.Select(c => c.Read(evaluation)).ToArray();
}
