using System.Globalization;
using System.Text;
using Microsoft.ML;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// The Backprop hyperparameters a comparison varies: the network's shape and activation, the learning rate, the batch
/// size, the two regularisers, the feature scaling and the ensemble size. Everything else keeps the trainers' defaults (Adam, early stopping on 20 % of the
/// training rows, at most 400 epochs, standardised features).
/// </summary>
public sealed record BackpropConfiguration
{
    /// <summary>The hidden layers' widths, input side first; default { 128, 64 } (the regression trainer's; see <see cref="DefaultFor"/>).</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = BackpropDefaults.RegressionHiddenLayers;

    /// <summary>The hidden layers' activation; default ReLU.</summary>
    public ActivationKind Activation { get; init; } = BackpropDefaults.Activation;

    /// <summary>Adam's learning rate; default 0.001.</summary>
    public float LearningRate { get; init; } = BackpropDefaults.LearningRate;

    /// <summary>Rows per mini-batch; default 64.</summary>
    public int BatchSize { get; init; } = BackpropDefaults.BatchSize;

    /// <summary>
    /// The L2 penalty on the weights; default (<see langword="null"/>) the trainers' own, from the training rows
    /// (<see cref="BackpropDefaults.L2RegularizationFor"/>).
    /// </summary>
    public float? L2Regularization { get; init; }

    /// <summary>The dropout rate of the hidden units; default 0.</summary>
    public float Dropout { get; init; } = BackpropDefaults.Dropout;

    /// <summary>How the features are scaled inside the model; default <see cref="FeatureScaling.Standard"/>.</summary>
    public FeatureScaling FeatureScaling { get; init; } = BackpropDefaults.FeatureScaling;

    /// <summary>How many networks the trainer averages; default 1.</summary>
    public int NumberOfModels { get; init; } = BackpropDefaults.NumberOfModels;

    /// <summary>The defaults of the task's trainer, read from its <c>Options</c> (the classifiers' network is one layer of 256).</summary>
    public static BackpropConfiguration DefaultFor(PredictionTask task)
    {
        BackpropTrainerOptionsBase options = TaskProfile.For(task).DefaultOptions();
        return new BackpropConfiguration
        {
            HiddenLayers = options.HiddenLayers,
            Activation = options.Activation.Kind,
            LearningRate = options.LearningRate,
            BatchSize = options.BatchSize,
            L2Regularization = options.L2Regularization,
            Dropout = options.Dropout,
            NumberOfModels = options.NumberOfModels,
            FeatureScaling = options.FeatureScaling,
        };
    }

    /// <summary>Equal when every hyperparameter is, the layer widths compared element by element.</summary>
    public bool Equals(BackpropConfiguration? other) => other is not null && HiddenLayers.SequenceEqual(other.HiddenLayers) &&
        Activation == other.Activation && LearningRate == other.LearningRate && BatchSize == other.BatchSize &&
        L2Regularization == other.L2Regularization && Dropout == other.Dropout && NumberOfModels == other.NumberOfModels &&
        FeatureScaling == other.FeatureScaling;

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int width in HiddenLayers)
            hash.Add(width);
        hash.Add(Activation);
        hash.Add(LearningRate);
        hash.Add(BatchSize);
        hash.Add(L2Regularization);
        hash.Add(Dropout);
        hash.Add(NumberOfModels);
        hash.Add(FeatureScaling);
        return hash.ToHashCode();
    }

    /// <summary>A short description, e.g. "[128, 64] ReLU, lr 0.001, batch 64, L2 by rows, dropout 0" (", robust scaling" and ", 5 models" where they apply).</summary>
    public string Describe()
    {
        string l2 = L2Regularization?.ToString("G3", CultureInfo.InvariantCulture) ?? "by rows";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{string.Join(", ", HiddenLayers)}] {Activation}, lr {LearningRate:G3}, batch {BatchSize}, L2 {l2}, dropout {Dropout:G2}") +
            (FeatureScaling != BackpropDefaults.FeatureScaling ? $", {FeatureScaling.ToString().ToLowerInvariant()} scaling" : "") +
            (NumberOfModels > 1 ? $", {NumberOfModels} models" : "");
    }

    /// <summary>The trainer for <paramref name="task"/> with these hyperparameters.</summary>
    /// <param name="ml">The context whose catalog makes the trainer.</param>
    /// <param name="task">The task.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="seed">The trainer's own seed, so its result does not depend on what else the context trained first.</param>
    /// <param name="configure">
    /// Changes to the task's options after these hyperparameters are written into them, for options a configuration
    /// does not hold (a schedule, label smoothing); default none.
    /// </param>
    public IEstimator<ITransformer> CreateTrainer(MLContext ml, PredictionTask task, string labelColumnName, string featureColumnName, int seed,
        Action<BackpropTrainerOptionsBase>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var profile = TaskProfile.For(task);
        var options = Apply(profile.DefaultOptions(), labelColumnName, featureColumnName, seed);
        configure?.Invoke(options);
        return profile.Backprop(ml, options);
    }

    /// <summary>C# that makes this trainer, to paste into a pipeline.</summary>
    public string ToCode(PredictionTask task, string labelColumnName, string featureColumnName, int seed)
    {
        var (catalog, options) = TaskProfile.For(task).CodeNames;
        var code = new StringBuilder();
        code.AppendLine(CultureInfo.InvariantCulture, $"var trainer = mlContext.{catalog}.Trainers.Backprop(new {options}.Options");
        code.AppendLine("{");
        code.AppendLine(CultureInfo.InvariantCulture, $"    LabelColumnName = \"{labelColumnName}\",");
        code.AppendLine(CultureInfo.InvariantCulture, $"    FeatureColumnName = \"{featureColumnName}\",");
        code.AppendLine(CultureInfo.InvariantCulture, $"    HiddenLayers = new[] {{ {string.Join(", ", HiddenLayers)} }},");
        if (Activation != ActivationKind.ReLU)
            code.AppendLine(CultureInfo.InvariantCulture, $"    Activation = Activation.{Activation},");
        code.AppendLine(CultureInfo.InvariantCulture, $"    LearningRate = {Literal(LearningRate)},");
        code.AppendLine(CultureInfo.InvariantCulture, $"    BatchSize = {BatchSize},");
        if (L2Regularization is { } l2)
            code.AppendLine(CultureInfo.InvariantCulture, $"    L2Regularization = {Literal(l2)},");
        if (Dropout > 0)
            code.AppendLine(CultureInfo.InvariantCulture, $"    Dropout = {Literal(Dropout)},");
        if (FeatureScaling != BackpropDefaults.FeatureScaling)
            code.AppendLine(CultureInfo.InvariantCulture, $"    FeatureScaling = FeatureScaling.{FeatureScaling},");
        if (NumberOfModels != 1)
            code.AppendLine(CultureInfo.InvariantCulture, $"    NumberOfModels = {NumberOfModels},");
        code.AppendLine(CultureInfo.InvariantCulture, $"    Seed = {seed},");
        code.Append("});");
        return code.ToString();
    }

    /// <summary>Writes these hyperparameters (and the columns and seed) into trainer options.</summary>
    public TOptions Apply<TOptions>(TOptions options, string labelColumnName, string featureColumnName, int seed)
        where TOptions : BackpropTrainerOptionsBase
    {
        ArgumentNullException.ThrowIfNull(options);
        options.LabelColumnName = labelColumnName;
        options.FeatureColumnName = featureColumnName;
        options.HiddenLayers = HiddenLayers.ToArray();
        options.Activation = Backprop.Activation.FromKind(Activation);
        options.LearningRate = LearningRate;
        options.BatchSize = BatchSize;
        options.L2Regularization = L2Regularization;
        options.Dropout = Dropout;
        options.NumberOfModels = NumberOfModels;
        options.FeatureScaling = FeatureScaling;
        options.Seed = seed;
        return options;
    }

    // The shortest float literal that reads back as the same value.
    private static string Literal(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";
}
