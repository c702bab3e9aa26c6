using Microsoft.ML;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// A trainer a comparison runs on every fold: its name in the leaderboard, and how to make it for a label and a
/// feature column. Backprop candidates also carry their hyperparameters.
/// </summary>
public sealed class CandidateTrainer
{
    private readonly Func<MLContext, string, string, int, IEstimator<ITransformer>> _create;

    /// <summary>A candidate made by <paramref name="create"/> (context, label column, feature column, seed).</summary>
    /// <param name="name">The name in the leaderboard.</param>
    /// <param name="create">Makes the trainer; it must read the given label and feature columns.</param>
    public CandidateTrainer(string name, Func<MLContext, string, string, int, IEstimator<ITransformer>> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        Name = name;
        _create = create;
    }

    /// <summary>The name in the leaderboard.</summary>
    public string Name { get; }

    /// <summary>The hyperparameters, for Backprop candidates; otherwise <see langword="null"/>.</summary>
    public BackpropConfiguration? Backprop { get; private init; }

    /// <summary>A Backprop trainer with the given hyperparameters.</summary>
    public static CandidateTrainer ForBackprop(string name, PredictionTask task, BackpropConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new CandidateTrainer(name, (ml, label, features, seed) => configuration.CreateTrainer(ml, task, label, features, seed))
        {
            Backprop = configuration,
        };
    }

    /// <summary>Makes the trainer.</summary>
    public IEstimator<ITransformer> Create(MLContext ml, string labelColumnName, string featureColumnName, int seed)
        => _create(ml, labelColumnName, featureColumnName, seed);

    /// <summary>
    /// The standard field for a task: Backprop with its defaults and one wider, more regularised network, then ML.NET's
    /// trainers that fit it — regression: SDCA, online gradient descent, L-BFGS Poisson regression (only for labels
    /// that are never negative), FastTree, FastForest, LightGbm; binary: SDCA and L-BFGS logistic regression, FastTree,
    /// FastForest, LightGbm; multiclass: SDCA and L-BFGS maximum entropy, one-versus-all FastTree and FastForest,
    /// LightGbm. Tree trainers keep ML.NET's defaults; the linear ones too.
    /// </summary>
    /// <param name="task">The task.</param>
    /// <param name="labelIsNonNegative">Regression: whether every label is 0 or more (Poisson regression needs it).</param>
    public static IReadOnlyList<CandidateTrainer> Standard(PredictionTask task, bool labelIsNonNegative = true)
    {
        var field = new List<CandidateTrainer>
        {
            ForBackprop("Backprop", task, BackpropConfiguration.DefaultFor(task)),
            ForBackprop("Backprop [256], L2 0.01", task, new BackpropConfiguration { HiddenLayers = [256], L2Regularization = 0.01f }),
        };
        switch (task)
        {
            case PredictionTask.Regression:
                field.Add(new("SDCA", (ml, l, f, _) => ml.Regression.Trainers.Sdca(l, f)));
                field.Add(new("OnlineGradientDescent", (ml, l, f, _) => ml.Regression.Trainers.OnlineGradientDescent(l, f)));
                if (labelIsNonNegative)
                    field.Add(new("LbfgsPoissonRegression", (ml, l, f, _) => ml.Regression.Trainers.LbfgsPoissonRegression(l, f)));
                field.Add(new("FastTree", (ml, l, f, _) => ml.Regression.Trainers.FastTree(l, f)));
                field.Add(new("FastForest", (ml, l, f, _) => ml.Regression.Trainers.FastForest(l, f)));
                field.Add(new("LightGbm", (ml, l, f, _) => ml.Regression.Trainers.LightGbm(l, f)));
                break;
            case PredictionTask.BinaryClassification:
                field.Add(new("SdcaLogisticRegression", (ml, l, f, _) => ml.BinaryClassification.Trainers.SdcaLogisticRegression(l, f)));
                field.Add(new("LbfgsLogisticRegression", (ml, l, f, _) => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(l, f)));
                field.Add(new("FastTree", (ml, l, f, _) => ml.BinaryClassification.Trainers.FastTree(l, f)));
                field.Add(new("FastForest", (ml, l, f, _) => ml.BinaryClassification.Trainers.FastForest(l, f)));
                field.Add(new("LightGbm", (ml, l, f, _) => ml.BinaryClassification.Trainers.LightGbm(l, f)));
                break;
            default:
                field.Add(new("SdcaMaximumEntropy", (ml, l, f, _) => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(l, f)));
                field.Add(new("LbfgsMaximumEntropy", (ml, l, f, _) => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(l, f)));
                field.Add(new("FastTree (one-versus-all)", (ml, l, f, _) => ml.MulticlassClassification.Trainers.OneVersusAll(
                    ml.BinaryClassification.Trainers.FastTree(featureColumnName: f), l)));
                field.Add(new("FastForest (one-versus-all)", (ml, l, f, _) => ml.MulticlassClassification.Trainers.OneVersusAll(
                    ml.BinaryClassification.Trainers.FastForest(featureColumnName: f), l)));
                field.Add(new("LightGbm", (ml, l, f, _) => ml.MulticlassClassification.Trainers.LightGbm(l, f)));
                break;
        }
        return field;
    }
}
