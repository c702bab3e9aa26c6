// Usage: ModelLoadCheck MODEL.zip DATA.csv
// Loads the model with a fresh MLContext and no registration call, scores the CSV (Sacramento columns) and prints one
// score per line in round-trip format.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
var data = ml.Data.LoadFromTextFile<House>(args[1], hasHeader: true, separatorChar: ',');
foreach (float score in model.Transform(data).GetColumn<float>("Score"))
    Console.WriteLine(score.ToString("R", CultureInfo.InvariantCulture));

internal sealed class House
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
