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
    /// The standard field for a task (<see cref="TaskProfile.StandardCandidates"/>): Backprop with its defaults and one
    /// wider, more regularised network, then ML.NET's trainers that fit it — regression: SDCA, online gradient descent,
    /// L-BFGS Poisson regression (only for labels that are never negative), FastTree, FastForest, LightGbm; binary: SDCA
    /// and L-BFGS logistic regression, FastTree, FastForest, LightGbm; multiclass: SDCA and L-BFGS maximum entropy,
    /// one-versus-all FastTree and FastForest, LightGbm. Tree trainers keep ML.NET's defaults; the linear ones too.
    /// </summary>
    /// <param name="task">The task.</param>
    /// <param name="labelIsNonNegative">Regression: whether every label is 0 or more (Poisson regression needs it).</param>
    public static IReadOnlyList<CandidateTrainer> Standard(PredictionTask task, bool labelIsNonNegative = true)
        => TaskProfile.For(task).StandardCandidates(labelIsNonNegative);
}
