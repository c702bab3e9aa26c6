// Usage: ModelLoadCheck MODEL.zip DATA.csv
// Loads the model with a fresh MLContext and no registration call, scores the CSV (Sacramento columns) and prints one
// score per line in round-trip format.
using System.Globalization;
using Microsoft.ML;
using Backprop.MLNet.Tests.Support;
using Microsoft.ML.Data;

var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
var data = ml.Data.LoadFromTextFile<House>(args[1], hasHeader: true, separatorChar: ',');
foreach (float score in model.Transform(data).GetColumn<float>("Score"))
    Console.WriteLine(score.ToString("R", CultureInfo.InvariantCulture));
