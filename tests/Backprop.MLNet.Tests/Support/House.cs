using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.Support;

/// <summary>One Sacramento sale, as in samples/data/sacramento_housing.csv.</summary>
public sealed class House
{
    [LoadColumn(0)] public string City { get; set; } = "";
    [LoadColumn(1)] public string Zip { get; set; } = "";
    [LoadColumn(2)] public float Beds { get; set; }
    [LoadColumn(3)] public float Baths { get; set; }
    [LoadColumn(4)] public float Sqft { get; set; }
    [LoadColumn(5)] public string Type { get; set; } = "";
    [LoadColumn(6)] public float Price { get; set; }
    [LoadColumn(7)] public float Latitude { get; set; }
    [LoadColumn(8)] public float Longitude { get; set; }
}
