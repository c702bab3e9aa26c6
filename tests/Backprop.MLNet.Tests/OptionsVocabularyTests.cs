using System.Collections;
using System.Reflection;
using Microsoft.ML;

namespace Backprop.MLNet.Tests;

/// <summary>
/// One vocabulary from catalog to kernel: every engine option is an ML.NET option of the same name that reaches the
/// engine with the value the user set, or is listed here as deliberately not exposed, with the reason; and every
/// default is the one <see cref="BackpropDefaults"/> holds.
/// </summary>
public class OptionsVocabularyTests
{
    // Engine options the ML.NET layer does not expose as an option of the same name, and why.
    private static readonly Dictionary<string, string> NotExposed = new()
    {
        [nameof(MlpTrainerOptions.Loss)] = "each task fixes its loss; regression's Options.Loss is mapped by the regression trainer (checked below)",
        [nameof(MlpTrainerOptions.NumberOfClasses)] = "read from the label column's key type",
        [nameof(MlpTrainerOptions.StandardizeLabel)] = "regression only: mapped by the regression trainer (checked below)",
        [nameof(MlpTrainerOptions.Seed)] = "an int? in ML.NET, falling back to the MLContext's random source when null; mapped at Fit",
    };

    // A valid value other than the default for every mapped option.
    private static readonly Dictionary<string, object> Changed = new()
    {
        [nameof(MlpTrainerOptions.HiddenLayers)] = new[] { 3, 5 },
        [nameof(MlpTrainerOptions.NumericEmbedding)] = new PeriodicEmbedding { Frequencies = 8 },
        [nameof(MlpTrainerOptions.Activation)] = Activation.Tanh,
        [nameof(MlpTrainerOptions.WeightInitialization)] = WeightInitialization.HeNormal,
        [nameof(MlpTrainerOptions.Optimizer)] = new SgdOptimizer(),
        [nameof(MlpTrainerOptions.LearningRate)] = 0.01f,
        [nameof(MlpTrainerOptions.LearningRateSchedule)] = new CosineSchedule(),
        [nameof(MlpTrainerOptions.BatchSize)] = 17,
        [nameof(MlpTrainerOptions.NumberOfIterations)] = 9,
        [nameof(MlpTrainerOptions.Shuffle)] = false,
        [nameof(MlpTrainerOptions.L1Regularization)] = 0.002f,
        [nameof(MlpTrainerOptions.L2Regularization)] = 0.003f,
        [nameof(MlpTrainerOptions.WeightDecay)] = (float?)0.004f,
        [nameof(MlpTrainerOptions.Dropout)] = 0.1f,
        [nameof(MlpTrainerOptions.GradientClipNorm)] = (float?)2f,
        [nameof(MlpTrainerOptions.WeightAverageDecay)] = (float?)0.5f,
        [nameof(MlpTrainerOptions.EarlyStopping)] = false,
        [nameof(MlpTrainerOptions.EarlyStoppingPatience)] = 7,
        [nameof(MlpTrainerOptions.EarlyStoppingMinDelta)] = 0.01,
        [nameof(MlpTrainerOptions.EarlyStoppingMetric)] = ValidationMetric.RSquared,
        [nameof(MlpTrainerOptions.ValidationFraction)] = 0.3f,
        [nameof(MlpTrainerOptions.RefitOnAllRows)] = true,
        [nameof(MlpTrainerOptions.NumberOfModels)] = 3,
        [nameof(MlpTrainerOptions.NumberOfThreads)] = (int?)1,
        [nameof(MlpTrainerOptions.ShuffleBufferRows)] = 1000,
        [nameof(MlpTrainerOptions.ShuffleSource)] = true,
        [nameof(MlpTrainerOptions.EpochCompleted)] = new Action<EpochRecord>(_ => { }),
        [nameof(MlpTrainerOptions.Diagnostics)] = false,
        [nameof(MlpTrainerOptions.Residual)] = true,
        [nameof(MlpTrainerOptions.Normalization)] = HiddenNormalization.Layer,
        [nameof(MlpTrainerOptions.WarningRaised)] = new Action<TrainingWarning>(_ => { }),
    };

    private static IEnumerable<PropertyInfo> EngineOptions
        => typeof(MlpTrainerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    [Fact]
    public void Every_engine_option_is_mapped_under_its_own_name_or_listed_as_not_exposed()
    {
        var missing = EngineOptions.Select(p => p.Name).Where(name => !NotExposed.ContainsKey(name) && !Changed.ContainsKey(name)).ToArray();
        Assert.True(missing.Length == 0, $"Engine options neither mapped nor listed as not exposed: {string.Join(", ", missing)}");

        foreach (string name in Changed.Keys)
            Assert.True(typeof(BackpropTrainerOptionsBase).GetField(name) is not null, $"BackpropTrainerOptionsBase has no option '{name}'");
    }

    [Fact]
    public void Every_mapped_option_reaches_the_engine_with_the_value_set()
    {
        var options = new BackpropRegressionTrainer.Options { Loss = LossFunction.Huber(2f), StandardizeLabel = false };
        foreach (var (name, value) in Changed)
            typeof(BackpropTrainerOptionsBase).GetField(name)!.SetValue(options, value);

        var engine = new MLContext(seed: 1).Regression.Trainers.Backprop(options).CreateEngineOptions(seed: 5);

        var defaults = new MlpTrainerOptions();
        foreach (var (name, value) in Changed)
        {
            object? mapped = typeof(MlpTrainerOptions).GetProperty(name)!.GetValue(engine);
            Assert.True(Same(value, mapped), $"{name}: set {Show(value)}, the engine got {Show(mapped)}");
            Assert.False(Same(value, typeof(MlpTrainerOptions).GetProperty(name)!.GetValue(defaults)), $"{name}: the test's value is the default");
        }
        Assert.Same(options.Loss, engine.Loss);
        Assert.False(engine.StandardizeLabel);
        Assert.Equal(5, engine.Seed);
    }

    [Fact]
    public void Every_option_defaults_to_the_value_in_BackpropDefaults_in_both_layers()
    {
        var engine = new MlpTrainerOptions();
        var regression = new BackpropRegressionTrainer.Options();
        // RecommendedNumberOfModels is advice for NumberOfModels and RefitRowLimit the threshold of RefitOnAllRows's
        // rule, not the defaults of options; WeightAverageDecay is what an unset option means for a mini-batch optimiser.
        foreach (var field in typeof(BackpropDefaults).GetFields(BindingFlags.Public | BindingFlags.Static)
                     .Where(f => f.Name is not (nameof(BackpropDefaults.RecommendedNumberOfModels) or nameof(BackpropDefaults.RefitRowLimit)
                         or nameof(BackpropDefaults.WeightAverageDecay))))
        {
            object expected = field.GetValue(null)!;
            if (typeof(MlpTrainerOptions).GetProperty(field.Name) is { } property)
                Assert.True(Same(expected, property.GetValue(engine)), $"MlpTrainerOptions.{field.Name} is {Show(property.GetValue(engine))}, not {Show(expected)}");
            var option = typeof(BackpropRegressionTrainer.Options).GetField(field.Name);
            Assert.True(option is not null, $"The ML.NET options have no {field.Name}");
            Assert.True(Same(expected, option!.GetValue(regression)), $"Options.{field.Name} is {Show(option.GetValue(regression))}, not {Show(expected)}");
        }
        Assert.Equal(BackpropDefaults.RegressionHiddenLayers, engine.HiddenLayers);
        Assert.Equal(BackpropDefaults.RegressionHiddenLayers, regression.HiddenLayers);
        Assert.Equal(BackpropDefaults.ClassifierHiddenLayers, new BackpropBinaryTrainer.Options().HiddenLayers);
        Assert.Equal(BackpropDefaults.ClassifierHiddenLayers, new BackpropMulticlassTrainer.Options().HiddenLayers);
        Assert.Equal(BackpropDefaults.Activation, engine.Activation.Kind);
        Assert.Equal(BackpropDefaults.Activation, regression.Activation.Kind);
        // Unset, the L2 penalty follows the training rows (BackpropDefaults.L2RegularizationFor) in both layers.
        Assert.Null(engine.L2Regularization);
        Assert.Null(regression.L2Regularization);
        // Unset, the refit on every row follows BackpropDefaults.RefitOnAllRowsFor in both layers.
        Assert.Null(engine.RefitOnAllRows);
        Assert.Null(regression.RefitOnAllRows);
        // Unset, the weight average takes BackpropDefaults.WeightAverageDecay for Adam and SGD, none for L-BFGS.
        Assert.Null(engine.WeightAverageDecay);
        Assert.Null(regression.WeightAverageDecay);
    }

    [Fact]
    public void The_catalog_parameters_default_to_BackpropDefaults()
    {
        var catalog = typeof(BackpropCatalog).GetMethods().Where(m => m.Name == "Backprop" && m.GetParameters().Length > 2);
        foreach (var parameter in catalog.SelectMany(m => m.GetParameters()).Where(p => p.HasDefaultValue && p.DefaultValue is not null and not string))
        {
            var field = typeof(BackpropDefaults).GetFields().Single(f => string.Equals(f.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
            Assert.Equal(field.GetValue(null), parameter.DefaultValue);
        }
    }

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (IEnumerable x and not string, IEnumerable y) => x.Cast<object>().SequenceEqual(y.Cast<object>()),
        // BackpropDefaults names the activation by its kind; the options hold an Activation.
        (ActivationKind kind, Activation activation) => activation.Kind == kind,
        _ => Equals(a, b),
    };

    private static string Show(object? value) => value is IEnumerable e and not string ? $"[{string.Join(", ", e.Cast<object>())}]" : $"{value}";
}
