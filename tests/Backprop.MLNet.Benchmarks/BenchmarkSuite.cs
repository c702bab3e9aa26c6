using Backprop.MLNet.Comparison;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// The project's benchmark suite, fixed: every dataset of the shared datasets folder with its task, its label, the
/// columns that must not be features, and its role. Selection sets may be used to choose defaults and recipes;
/// evaluation sets are only ever reported, never used to choose anything, so their scores stay a fair estimate of
/// what a user gets on data that played no part in building the library.
/// </summary>
internal static class BenchmarkSuite
{
    /// <param name="File">The CSV file's name in the shared datasets folder.</param>
    /// <param name="Task">The task.</param>
    /// <param name="Label">The label column.</param>
    /// <param name="Selection">A selection set (may choose defaults) rather than an evaluation set (only reported).</param>
    /// <param name="Ignore">Columns that are not features (a second target).</param>
    public sealed record Dataset(string File, PredictionTask Task, string Label, bool Selection, params string[] Ignore)
    {
        /// <summary>The file's name without ".csv".</summary>
        public string Name => Path.GetFileNameWithoutExtension(File);

        /// <summary>"selection" or "evaluation".</summary>
        public string Role => Selection ? "selection" : "evaluation";
    }

    public static readonly IReadOnlyList<Dataset> All =
    [
        new("abalone.csv", PredictionTask.Regression, "rings", true),
        new("airfoil_self_noise.csv", PredictionTask.Regression, "sound_pressure_level", true),
        new("auto_mpg.csv", PredictionTask.Regression, "mpg", true),
        new("california_housing.csv", PredictionTask.Regression, "median_house_value", true),
        new("combined_cycle_power_plant.csv", PredictionTask.Regression, "PE", true),
        new("diabetes.csv", PredictionTask.Regression, "progression", true),
        // Its second target is not a feature.
        new("energy_efficiency.csv", PredictionTask.Regression, "heating_load", true, "cooling_load"),
        new("sacramento_housing.csv", PredictionTask.Regression, "price", true),
        new("wine_quality_red.csv", PredictionTask.Regression, "quality", true),
        new("wine_quality_white.csv", PredictionTask.Regression, "quality", true),
        new("adult_income.csv", PredictionTask.BinaryClassification, "income_over_50k", true),
        new("banknote_authentication.csv", PredictionTask.BinaryClassification, "class", true),
        new("breast_cancer_wisconsin_diagnostic.csv", PredictionTask.BinaryClassification, "malignant", true),
        new("ionosphere.csv", PredictionTask.BinaryClassification, "good", true),
        new("digits_8x8.csv", PredictionTask.MulticlassClassification, "digit", true),
        new("fashion_mnist_test_2000.csv", PredictionTask.MulticlassClassification, "label", true),
        new("iris.csv", PredictionTask.MulticlassClassification, "species", true),
        new("wine.csv", PredictionTask.MulticlassClassification, "cultivar", true),
        new("biomass.csv", PredictionTask.Regression, "HHV", false),
        new("boston_housing.csv", PredictionTask.Regression, "medv", false),
        new("car_prices.csv", PredictionTask.Regression, "Price", false),
        new("cps1985.csv", PredictionTask.Regression, "wage", false),
        new("ozone.csv", PredictionTask.Regression, "daily_max_ozone", false),
        new("servo.csv", PredictionTask.Regression, "Class", false),
        new("credit_data.csv", PredictionTask.BinaryClassification, "Status", false),
        new("house_votes_84.csv", PredictionTask.BinaryClassification, "Class", false),
        new("pima_indians_diabetes.csv", PredictionTask.BinaryClassification, "diabetes", false),
        new("glass.csv", PredictionTask.MulticlassClassification, "Type", false),
        new("hpc_data.csv", PredictionTask.MulticlassClassification, "class", false),
        new("satellite.csv", PredictionTask.MulticlassClassification, "classes", false),
        new("vehicle.csv", PredictionTask.MulticlassClassification, "Class", false),
        new("vowel.csv", PredictionTask.MulticlassClassification, "Class", false),
    ];

    public static Dataset Named(string file) => All.Single(d => d.File == file);

    /// <summary>The shared datasets folder: the nearest <c>shared/datasets</c> above this program, or <see langword="null"/>.</summary>
    public static string? Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "datasets");
                if (Directory.Exists(candidate))
                    return candidate;
            }
            return null;
        }
    }
}
