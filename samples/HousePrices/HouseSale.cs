using Microsoft.ML.Data;

namespace HousePrices;

/// <summary>One row of sacramento_housing.csv: a home sold in the Sacramento area in May 2008.</summary>
public sealed class HouseSale
{
    [LoadColumn(0)] public string City { get; set; } = "";
    [LoadColumn(1)] public string Zip { get; set; } = "";
    [LoadColumn(2)] public float Beds { get; set; }
    [LoadColumn(3)] public float Baths { get; set; }
    [LoadColumn(4)] public float SquareFeet { get; set; }
    [LoadColumn(5)] public string Type { get; set; } = "";
    [LoadColumn(6)] public float Price { get; set; }
    [LoadColumn(7)] public float Latitude { get; set; }
    [LoadColumn(8)] public float Longitude { get; set; }
}

/// <summary>What the model adds to a row: its price estimate.</summary>
public sealed class PriceEstimate
{
    [ColumnName("Score")] public float Price { get; set; }
}

/// <summary>What the explained model adds to a row: its price estimate and each feature slot's contribution to it.</summary>
public sealed class PriceExplanation
{
    [ColumnName("Score")] public float Price { get; set; }

    [ColumnName("FeatureContributions")] public float[] Contributions { get; set; } = [];
}
