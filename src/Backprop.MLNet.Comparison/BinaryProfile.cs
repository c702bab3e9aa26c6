using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// Binary classification: AUC, accuracy, F1 and log-loss; SDCA and L-BFGS logistic regression and the tree ensembles.
/// The label becomes a Boolean, true for the positive class.
/// </summary>
internal sealed class BinaryProfile : TaskProfile
{
    // An uncalibrated classifier (FastForest) has no probabilities, so no log-loss: NaN.
    private static readonly (Metric Metric, Func<BinaryClassificationMetrics, double> Read)[] Columns =
    [
        (new("AUC", true), m => m.AreaUnderRocCurve),
        (new("Accuracy", true), m => m.Accuracy),
        (new("F1", true), m => m.F1Score),
        (new("Log-loss", false), m => m is CalibratedBinaryClassificationMetrics calibrated ? calibrated.LogLoss : double.NaN),
    ];

    // After Columns: static fields initialise in order, and the instance reads Columns.
    public static readonly BinaryProfile Instance = new();

    public override PredictionTask Task => PredictionTask.BinaryClassification;

    public override string Name => "binary";

    public override IReadOnlyList<Metric> Metrics { get; } = Columns.Select(c => c.Metric).ToArray();

    private protected override IEnumerable<CandidateTrainer> MLNetCandidates(bool labelIsNonNegative)
    {
        yield return new("SdcaLogisticRegression", (ml, l, f, _) => ml.BinaryClassification.Trainers.SdcaLogisticRegression(l, f));
        yield return new("LbfgsLogisticRegression", (ml, l, f, _) => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(l, f));
        yield return new("FastTree", (ml, l, f, _) => ml.BinaryClassification.Trainers.FastTree(l, f));
        yield return new("FastForest", (ml, l, f, _) => ml.BinaryClassification.Trainers.FastForest(l, f));
        yield return new("LightGbm", (ml, l, f, _) => ml.BinaryClassification.Trainers.LightGbm(l, f));
    }

    internal override double[] Measure(MLContext ml, IDataView scored, string labelColumnName)
        => Read(scored.Schema.GetColumnOrNull("Probability") is not null
            ? ml.BinaryClassification.Evaluate(scored, labelColumnName)
            : ml.BinaryClassification.EvaluateNonCalibrated(scored, labelColumnName), Columns);

    internal override BackpropTrainerOptionsBase DefaultOptions() => new BackpropBinaryTrainer.Options();

    internal override IEstimator<ITransformer> Backprop(MLContext ml, BackpropTrainerOptionsBase options)
        => ml.BinaryClassification.Trainers.Backprop((BackpropBinaryTrainer.Options)options);

    internal override (string Catalog, string Trainer) CodeNames => ("BinaryClassification", nameof(BackpropBinaryTrainer));

    internal override string LossName => "cross-entropy";

    internal override DataKind LabelKind(bool numericLabel) => numericLabel ? DataKind.Single : DataKind.String;

    // classes holds the negative class, then the positive one.
    internal override IEstimator<ITransformer> LabelMapping(MLContext ml, string output, string input, IReadOnlyList<string> classes, bool numericLabel)
        => numericLabel
            ? ml.Transforms.Conversion.MapValue(output,
                classes.Select((c, i) => new KeyValuePair<float, bool>(float.Parse(c, CultureInfo.InvariantCulture), i == 1)), input)
            : ml.Transforms.Conversion.MapValue(output, classes.Select((c, i) => new KeyValuePair<string, bool>(c, i == 1)), input);

    internal override string DescribeClasses(IReadOnlyList<string> classes) => $", positive class '{classes[1]}' (negative '{classes[0]}')";
}
