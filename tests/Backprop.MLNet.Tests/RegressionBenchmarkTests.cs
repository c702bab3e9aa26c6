using System.Diagnostics;
using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Xunit.Abstractions;

namespace Backprop.MLNet.Tests;

/// <summary>
/// The default Backprop pipeline (featurize, NormalizeMeanVariance, Backprop() with no tuning) against ML.NET's
/// SDCA on the same 5 folds, on real data. FastTree and LightGbm are printed beside them for the record. Reproduce
/// the figures with
/// <c>dotnet test tests/Backprop.MLNet.Tests -c Release --filter RegressionBenchmarkTests --logger "console;verbosity=detailed"</c>.
/// </summary>
public class RegressionBenchmarkTests(ITestOutputHelper output)
{
    public static TheoryData<string> Datasets => ["sacramento_housing", "california_housing", "wine_quality_white", "energy_efficiency", "combined_cycle_power_plant"];

    // The bars: what scikit-learn's MLPRegressor reaches with scaled inputs and targets (the figures).
    private static (TabularDataset? Data, double Bar) Case(string name) => name switch
    {
        "sacramento_housing" => (TabularDataset.Sacramento, 0.70),
        "california_housing" => (TabularDataset.Shared("california_housing.csv", "median_house_value"), 0.78),
        "wine_quality_white" => (TabularDataset.Shared("wine_quality_white.csv", "quality"), 0.39),
        "energy_efficiency" => (TabularDataset.Shared("energy_efficiency.csv", "heating_load", excluded: ["cooling_load"]), 0.975),
        "combined_cycle_power_plant" => (TabularDataset.Shared("combined_cycle_power_plant.csv", "PE"), 0.945),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [SkippableTheory]
    [MemberData(nameof(Datasets))]
    public void Default_Backprop_cross_validated_R_squared(string name)
    {
        var (dataset, bar) = Case(name);
        Skip.If(dataset is null, TabularDataset.SharedMissing);

        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(dataset.Load(ml));
        double Score(string trainerName, IEstimator<ITransformer> trainer)
        {
            var clock = Stopwatch.StartNew();
            var folds = ml.Regression.CrossValidate(data, dataset.Featurizer(ml).Append(trainer), numberOfFolds: 5, labelColumnName: dataset.Label, seed: 1);
            double[] r2 = folds.Select(f => f.Metrics.RSquared).ToArray();
            double mean = r2.Average();
            double sd = Math.Sqrt(r2.Sum(v => (v - mean) * (v - mean)) / (r2.Length - 1));
            output.WriteLine($"{dataset.Name,-28} {trainerName,-9} R² {mean:F4} ± {sd:F4}  {clock.Elapsed.TotalSeconds,6:F1} s");
            return mean;
        }

        double backprop = Score("Backprop", ml.Regression.Trainers.Backprop(labelColumnName: dataset.Label));
        double sdca = Score("SDCA", ml.Regression.Trainers.Sdca(labelColumnName: dataset.Label));
        Score("FastTree", ml.Regression.Trainers.FastTree(labelColumnName: dataset.Label));
        Score("LightGbm", ml.Regression.Trainers.LightGbm(labelColumnName: dataset.Label));

        Assert.True(backprop >= bar, $"Backprop R² {backprop:F4} below {bar}");
        Assert.True(backprop >= sdca, $"Backprop R² {backprop:F4} below SDCA's {sdca:F4}");
    }
}
