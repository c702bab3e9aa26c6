using System.Globalization;
using Backprop.MLNet.Comparison;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// A Backprop configuration named on the command line, as changes to the task's defaults:
/// <c>hidden=256,128;lr=0.003;batch=32;l2=0.01;dropout=0.1;activation=gelu;models=5;scaling=robust</c>, and, beyond
/// what a comparison's configuration holds, <c>epochs=256;patience=60;schedule=coslog4;refit=true;smoothing=0.1</c>
/// (smoothing: multiclass only), <c>embedding=0.1</c> (a <see cref="PeriodicEmbedding"/> with that frequency scale) and
/// <c>holdout=0.1</c> (the <c>ValidationFraction</c>), <c>residual=true</c>, <c>norm=layer</c> (or <c>batch</c>) and
/// <c>init=heuniform</c> (a <see cref="WeightInitialization"/>), <c>diagnostics=false</c> and <c>average=0</c> (the
/// <c>WeightAverageDecay</c>). <c>hidden=64x12</c> is twelve layers of 64.
/// </summary>
internal sealed record BackpropOverrides(string Text, IReadOnlyDictionary<string, string> Values)
{
    // The keys of the comparison's BackpropConfiguration, then those set on the trainer's options directly.
    private static readonly string[] ConfigurationKeys = ["hidden", "lr", "batch", "l2", "dropout", "activation", "models", "scaling"];
    private static readonly string[] OptionKeys = ["epochs", "patience", "schedule", "refit", "smoothing", "embedding", "holdout", "residual", "norm", "init", "diagnostics", "average"];

    public static BackpropOverrides Parse(string text)
    {
        var values = new Dictionary<string, string>();
        foreach (string part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !(ConfigurationKeys.Contains(pair[0]) || OptionKeys.Contains(pair[0])))
                throw new ArgumentException(
                    $"--backprop '{text}': '{part}' is not key=value with a key among {string.Join(", ", [.. ConfigurationKeys, .. OptionKeys])}.");
            values[pair[0]] = pair[1];
        }
        var overrides = new BackpropOverrides(text, values);
        // Fail now, not after an hour of other datasets.
        overrides.Apply(new BackpropConfiguration());
        overrides.ApplyOptions(new BackpropMulticlassTrainer.Options());
        return overrides;
    }

    /// <summary>The suite's candidate for <paramref name="task"/>: the task's defaults with these changes.</summary>
    public CandidateTrainer Candidate(PredictionTask task)
    {
        string name = "Backprop " + Text;
        var configuration = Apply(BackpropConfiguration.DefaultFor(task));
        return Values.Keys.Any(OptionKeys.Contains)
            ? new CandidateTrainer(name, (ml, label, features, seed) => configuration.CreateTrainer(ml, task, label, features, seed, ApplyOptions))
            : CandidateTrainer.ForBackprop(name, task, configuration);
    }

    public BackpropConfiguration Apply(BackpropConfiguration defaults)
    {
        var c = defaults;
        foreach (var (key, value) in Values.Where(v => ConfigurationKeys.Contains(v.Key)))
        {
            c = key switch
            {
                "hidden" => c with { HiddenLayers = value.Split(',', StringSplitOptions.RemoveEmptyEntries).SelectMany(v => Layers(key, v)).ToArray() },
                "lr" => c with { LearningRate = Parse<float>(key, value) },
                "batch" => c with { BatchSize = Parse<int>(key, value) },
                "l2" => c with { L2Regularization = Parse<float>(key, value) },
                "dropout" => c with { Dropout = Parse<float>(key, value) },
                "models" => c with { NumberOfModels = Parse<int>(key, value) },
                "scaling" => c with { FeatureScaling = ParseEnum<FeatureScaling>(key, value) },
                _ => c with { Activation = ParseEnum<ActivationKind>(key, value) },
            };
        }
        return c;
    }

    // The keys a comparison's configuration does not hold, set on the trainer's options.
    private void ApplyOptions(BackpropTrainerOptionsBase options)
    {
        foreach (var (key, value) in Values.Where(v => OptionKeys.Contains(v.Key)))
        {
            switch (key)
            {
                case "epochs": options.NumberOfIterations = Parse<int>(key, value); break;
                case "patience": options.EarlyStoppingPatience = Parse<int>(key, value); break;
                case "schedule": options.LearningRateSchedule = Schedule(key, value); break;
                case "refit": options.RefitOnAllRows = Parse<bool>(key, value); break;
                case "holdout": options.ValidationFraction = Parse<float>(key, value); break;
                case "embedding": options.NumericEmbedding = new PeriodicEmbedding { FrequencyScale = Parse<float>(key, value) }; break;
                case "residual": options.Residual = Parse<bool>(key, value); break;
                case "norm": options.Normalization = ParseEnum<HiddenNormalization>(key, value); break;
                case "init": options.WeightInitialization = ParseEnum<WeightInitialization>(key, value); break;
                case "diagnostics": options.Diagnostics = Parse<bool>(key, value); break;
                case "average": options.WeightAverageDecay = Parse<float>(key, value); break;
                default:
                    if (options is BackpropMulticlassTrainer.Options multiclass)
                        multiclass.LabelSmoothing = Parse<float>(key, value);
                    break;
            }
        }
    }

    /// <summary>One entry of <c>hidden</c>: a width, or <c>width</c>x<c>count</c> for that many layers of it.</summary>
    private static IEnumerable<int> Layers(string key, string entry)
    {
        string[] parts = entry.Split('x', 2);
        return Enumerable.Repeat(Parse<int>(key, parts[0]), parts.Length == 2 ? Parse<int>(key, parts[1]) : 1);
    }

    private static LearningRateSchedule Schedule(string key, string value) => value.ToLowerInvariant() switch
    {
        "constant" => LearningRateSchedule.Constant,
        "cosine" => new CosineSchedule(),
        _ when value.StartsWith("coslog", StringComparison.OrdinalIgnoreCase) && int.TryParse(value[6..], out int cycles) => new CosineLogSchedule(cycles),
        _ => throw new ArgumentException($"--backprop {key}={value}: not a schedule (constant, cosine, coslog<cycles> such as coslog4)."),
    };

    private static T ParseEnum<T>(string key, string value) where T : struct, Enum
        => Enum.TryParse<T>(value, ignoreCase: true, out var parsed) ? parsed
            : throw new ArgumentException($"--backprop {key}={value}: not one of {string.Join(", ", Enum.GetNames<T>())}.");

    private static T Parse<T>(string key, string value) where T : IParsable<T>
        => T.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : throw new ArgumentException($"--backprop {key}={value}: '{value}' is not a {typeof(T).Name}.");
}
