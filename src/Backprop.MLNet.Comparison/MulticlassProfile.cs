using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// Multiclass classification: macro and micro accuracy and log-loss; SDCA and L-BFGS maximum entropy, one-versus-all
/// tree ensembles and LightGbm. The label becomes a key over every class.
/// </summary>
internal sealed class MulticlassProfile : TaskProfile
{
    private static readonly (Metric Metric, Func<MulticlassClassificationMetrics, double> Read)[] Columns =
    [
        (new("Macro accuracy", true), m => m.MacroAccuracy),
        (new("Micro accuracy", true), m => m.MicroAccuracy),
        (new("Log-loss", false), m => m.LogLoss),
    ];

    // After Columns: static fields initialise in order, and the instance reads Columns.
    public static readonly MulticlassProfile Instance = new();

    public override PredictionTask Task => PredictionTask.MulticlassClassification;

    public override string Name => "multiclass";

    public override IReadOnlyList<Metric> Metrics { get; } = Columns.Select(c => c.Metric).ToArray();

    private protected override IEnumerable<CandidateTrainer> MLNetCandidates(bool labelIsNonNegative)
    {
        yield return new("SdcaMaximumEntropy", (ml, l, f, _) => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(l, f));
        yield return new("LbfgsMaximumEntropy", (ml, l, f, _) => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(l, f));
        yield return new("FastTree (one-versus-all)", (ml, l, f, _) => ml.MulticlassClassification.Trainers.OneVersusAll(
            ml.BinaryClassification.Trainers.FastTree(featureColumnName: f), l));
        yield return new("FastForest (one-versus-all)", (ml, l, f, _) => ml.MulticlassClassification.Trainers.OneVersusAll(
            ml.BinaryClassification.Trainers.FastForest(featureColumnName: f), l));
        yield return new("LightGbm", (ml, l, f, _) => ml.MulticlassClassification.Trainers.LightGbm(l, f));
    }

    internal override double[] Measure(MLContext ml, IDataView scored, string labelColumnName)
        => Read(ml.MulticlassClassification.Evaluate(scored, labelColumnName), Columns);

    internal override bool ScoreIsVector => true;

    internal override BackpropTrainerOptionsBase DefaultOptions() => new BackpropMulticlassTrainer.Options();

    internal override IEstimator<ITransformer> Backprop(MLContext ml, BackpropTrainerOptionsBase options)
        => ml.MulticlassClassification.Trainers.Backprop((BackpropMulticlassTrainer.Options)options);

    internal override (string Catalog, string Trainer) CodeNames => ("MulticlassClassification", nameof(BackpropMulticlassTrainer));

    internal override string LossName => "cross-entropy";

    internal override DataKind LabelKind(bool numericLabel) => DataKind.String;

    // The key values come from every class, not a fold's training rows, so every fold scores the same classes.
    internal override IEstimator<ITransformer> LabelMapping(MLContext ml, string output, string input, IReadOnlyList<string> classes, bool numericLabel)
        => ml.Transforms.Conversion.MapValueToKey(output, input, keyData: ml.Data.LoadFromEnumerable(classes.Select(c => new ClassName { Value = c })));

    internal override string DescribeClasses(IReadOnlyList<string> classes)
        => $", {classes.Count} classes ({string.Join(", ", classes.Take(12))}{(classes.Count > 12 ? ", …" : "")})";

    private sealed class ClassName
    {
        public string Value { get; set; } = "";
    }
}
