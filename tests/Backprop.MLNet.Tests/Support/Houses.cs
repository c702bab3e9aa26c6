using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.Support;

/// <summary>The regression output column.</summary>
public sealed class PricePrediction
{
    [ColumnName("Score")] public float Price { get; set; }
}

/// <summary>The Sacramento data and the pipeline of the issue: type one-hot, sqft, beds, baths, normalised.</summary>
internal static class Houses
{
    public static string Path => TabularDataset.Sacramento.Path;

    public static IDataView Load(MLContext ml) => ml.Data.LoadFromTextFile<House>(Path, hasHeader: true, separatorChar: ',');

    public static IEstimator<ITransformer> Featurizer(MLContext ml) =>
        ml.Transforms.Categorical.OneHotEncoding("Type")
            .Append(ml.Transforms.Concatenate("Features", "Type", "Sqft", "Beds", "Baths"))
            .Append(ml.Transforms.NormalizeMeanVariance("Features"));

    public static BackpropRegressionTrainer.Options QuickOptions(int iterations = 30)
        => Support.QuickOptions.For<BackpropRegressionTrainer.Options>("Price", iterations);

    public static float[] Scores(IDataView scored) => scored.GetColumn<float>("Score").ToArray();
}
