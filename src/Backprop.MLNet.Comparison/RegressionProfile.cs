using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Comparison;

/// <summary>Regression: R², RMSE and MAE; SDCA, online gradient descent, Poisson regression and the tree ensembles.</summary>
internal sealed class RegressionProfile : TaskProfile
{
    private static readonly (Metric Metric, Func<RegressionMetrics, double> Read)[] Columns =
    [
        (new("R²", true), m => m.RSquared),
        (new("RMSE", false), m => m.RootMeanSquaredError),
        (new("MAE", false), m => m.MeanAbsoluteError),
    ];

    // After Columns: static fields initialise in order, and the instance reads Columns.
    public static readonly RegressionProfile Instance = new();

    public override PredictionTask Task => PredictionTask.Regression;

    public override string Name => "regression";

    public override IReadOnlyList<Metric> Metrics { get; } = Columns.Select(c => c.Metric).ToArray();

    private protected override IEnumerable<CandidateTrainer> MLNetCandidates(bool labelIsNonNegative)
    {
        yield return new("SDCA", (ml, l, f, _) => ml.Regression.Trainers.Sdca(l, f));
        yield return new("OnlineGradientDescent", (ml, l, f, _) => ml.Regression.Trainers.OnlineGradientDescent(l, f));
        if (labelIsNonNegative)
            yield return new("LbfgsPoissonRegression", (ml, l, f, _) => ml.Regression.Trainers.LbfgsPoissonRegression(l, f));
        yield return new("FastTree", (ml, l, f, _) => ml.Regression.Trainers.FastTree(l, f));
        yield return new("FastForest", (ml, l, f, _) => ml.Regression.Trainers.FastForest(l, f));
        yield return new("LightGbm", (ml, l, f, _) => ml.Regression.Trainers.LightGbm(l, f));
    }

    internal override double[] Measure(MLContext ml, IDataView scored, string labelColumnName)
        => Read(ml.Regression.Evaluate(scored, labelColumnName), Columns);

    internal override BackpropTrainerOptionsBase DefaultOptions() => new BackpropRegressionTrainer.Options();

    internal override IEstimator<ITransformer> Backprop(MLContext ml, BackpropTrainerOptionsBase options)
        => ml.Regression.Trainers.Backprop((BackpropRegressionTrainer.Options)options);

    internal override (string Catalog, string Trainer) CodeNames => ("Regression", nameof(BackpropRegressionTrainer));

    internal override string LossName => "loss (on the standardised label)";

    internal override DataKind LabelKind(bool numericLabel) => DataKind.Single;

    internal override IEstimator<ITransformer> LabelMapping(MLContext ml, string output, string input, IReadOnlyList<string> classes, bool numericLabel)
        => ml.Transforms.CopyColumns(output, input);
}
