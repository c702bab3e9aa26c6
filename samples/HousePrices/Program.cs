// The classic backpropagation story — price a house from its size and bedrooms — done properly with ML.NET on 932
// real sales in Sacramento (samples/data/sacramento_housing.csv): featurize, train a Backprop network while its
// losses update in place, compare it with SDCA and FastTree on the same held-out homes, save the model, load it back
// and price a few example homes, with the features that raised and lowered each price. Writes the loss curves and one
// home's price waterfall as PNGs and the figures as JSON (default: artifacts/house-prices).
//
//   dotnet run --project samples/HousePrices -c Release [-- --out folder]
using System.Diagnostics;
using System.Text.Json;
using Backprop.MLNet;
using Backprop.MLNet.Comparison;
using HousePrices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Samples;
using Spectre.Console;

var clock = Stopwatch.StartNew();
string output = SampleStart.OutputFolder(args, "house-prices");

var ml = new MLContext(seed: 1);
IDataView sales = ml.Data.LoadFromTextFile<HouseSale>(Path.Combine(AppContext.BaseDirectory, "data", "sacramento_housing.csv"),
    hasHeader: true, separatorChar: ',');
var split = ml.Data.TrainTestSplit(sales, testFraction: 0.2, seed: 42);
long trainCount = split.TrainSet.GetColumn<float>("Price").LongCount(), testCount = split.TestSet.GetColumn<float>("Price").LongCount();
AnsiConsole.MarkupLine($"[bold]Sacramento house sales[/]: {trainCount + testCount} homes; training on {trainCount}, testing on {testCount} held-out homes.");
AnsiConsole.MarkupLine("Features: square feet, beds, baths, latitude and longitude; city, zip code and type one-hot; all normalised.\n");

// The standard ML.NET featurization; every trainer below gets the same.
var featurize = ml.Transforms.Categorical.OneHotEncoding([new("City"), new("Zip"), new("Type")])
    .Append(ml.Transforms.Concatenate("Features", "SquareFeet", "Beds", "Baths", "Latitude", "Longitude", "City", "Zip", "Type"))
    .Append(ml.Transforms.NormalizeMeanVariance("Features"));

// 758 training homes and ~80 one-hot columns: one wide layer with ten times the default L2 (the best fixed Backprop
// configuration in the 5-fold comparison of docs/comparisons/sacramento_housing), and, once early stopping has chosen
// the epoch count on 20 % of the rows, a refit on all of them, because with this little data those rows matter.
const string backpropName = "Backprop [256], L2 0.01, refit";
var display = new LiveTraining(backpropName);
var options = new BackpropRegressionTrainer.Options
{
    LabelColumnName = "Price",
    HiddenLayers = [256],
    L2Regularization = 0.01f,
    RefitOnAllRows = true,
    EpochCompleted = display.EpochCompleted,
};
var watch = Stopwatch.StartNew();
var model = display.Run(() => featurize.Append(ml.Regression.Trainers.Backprop(options)).Fit(split.TrainSet));
double backpropSeconds = watch.Elapsed.TotalSeconds;
var history = model.LastTransformer.Model.History;
AnsiConsole.MarkupLine($"Early stopping chose {history.Epochs.Count} epochs, then trained them again on all {trainCount} homes; {backpropSeconds:F1} s.\n");

// The same held-out homes for every trainer.
var rows = new List<(string Name, RegressionMetrics Metrics, double Seconds)>
{
    (backpropName, ml.Regression.Evaluate(model.Transform(split.TestSet), "Price"), backpropSeconds),
};
foreach (var (name, trainer) in new (string, IEstimator<ITransformer>)[]
{
    ("SDCA", ml.Regression.Trainers.Sdca("Price")),
    ("FastTree", ml.Regression.Trainers.FastTree("Price")),
})
{
    watch.Restart();
    var baseline = featurize.Append(trainer).Fit(split.TrainSet);
    rows.Add((name, ml.Regression.Evaluate(baseline.Transform(split.TestSet), "Price"), watch.Elapsed.TotalSeconds));
}
var table = new Table().Border(TableBorder.Rounded).Title($"{testCount} held-out homes");
table.AddColumns("Trainer", "R²", "RMSE", "Mean abs. error", "Train s");
foreach (var (name, metrics, seconds) in rows)
    table.AddRow(Markup.Escape(name), $"{metrics.RSquared:F3}", $"${metrics.RootMeanSquaredError:N0}", $"${metrics.MeanAbsoluteError:N0}", $"{seconds:F2}");
AnsiConsole.Write(table);

// Save, load into a fresh context, and check the loaded model prices every held-out home the same.
string modelPath = Path.Combine(output, "house-prices.zip");
ml.Model.Save(model, split.TrainSet.Schema, modelPath);
var loaded = new MLContext().Model.Load(modelPath, out _);
float[] before = model.Transform(split.TestSet).GetColumn<float>("Score").ToArray();
float[] after = loaded.Transform(split.TestSet).GetColumn<float>("Score").ToArray();
int identical = before.Zip(after).Count(p => p.First == p.Second);
AnsiConsole.MarkupLine($"\nSaved the model to {Markup.Escape(modelPath)} ({new FileInfo(modelPath).Length:N0} bytes), loaded it into a fresh MLContext: " +
    $"{identical} of {before.Length} held-out prices identical.\n");

var engine = ml.Model.CreatePredictionEngine<HouseSale, PriceEstimate>(loaded);
var examples = new Table().Border(TableBorder.Rounded).Title("Example homes (Sacramento, zip 95820, residential)");
examples.AddColumns("Square feet", "Beds", "Baths", "Estimated price");
var examplePrices = new List<float>();
var exampleHomes = new[] { (850f, 2f, 1f), (1400f, 3f, 2f), (2200f, 4f, 2.5f), (3500f, 5f, 3.5f) }
    .Select(h => new HouseSale { City = "SACRAMENTO", Zip = "z95820", Type = "Residential", SquareFeet = h.Item1, Beds = h.Item2, Baths = h.Item3, Latitude = 38.534f, Longitude = -121.445f })
    .ToArray();
foreach (var home in exampleHomes)
{
    float price = engine.Predict(home).Price;
    examplePrices.Add(price);
    examples.AddRow($"{home.SquareFeet:N0}", $"{home.Beds}", $"{home.Baths}", $"${price:N0}");
}
AnsiConsole.Write(examples);

// Why each price: integrated gradients split it, feature by feature, from the price of an average home (every feature
// at its training mean); the one-hot slots of a column are added up, so "Zip" is what the zip code did.
var explained = model.Append(ml.Transforms.CalculateBackpropContributions(model.LastTransformer).Fit(model.Transform(split.TrainSet)));
using var why = ml.Model.CreatePredictionEngine<HouseSale, PriceExplanation>(explained);
VBuffer<ReadOnlyMemory<char>> slotNames = default;
explained.GetOutputSchema(split.TrainSet.Schema)["FeatureContributions"].GetSlotNames(ref slotNames);
string[] columnOfSlot = [.. slotNames.DenseValues().Select(name => name.ToString().Split('.')[0])];
float averagePrice = model.LastTransformer.Model.Network.Predict(new float[columnOfSlot.Length])[0];
var reasons = new Table().Border(TableBorder.Rounded).Title($"Why: each feature's share of the price, from an average home's ${averagePrice:N0}");
reasons.AddColumns("Square feet", "Raised most", "Lowered most");
var explanations = new List<Dictionary<string, double>>();
foreach (var home in exampleHomes)
{
    float[] contributions = why.Predict(home).Contributions;
    var byColumn = columnOfSlot.Zip(contributions).GroupBy(p => p.First).ToDictionary(g => g.Key, g => g.Sum(p => (double)p.Second));
    explanations.Add(byColumn);
    string Top(IEnumerable<KeyValuePair<string, double>> items) => string.Join(", ", items.Take(2).Select(kv => $"{kv.Key} {kv.Value:+$#,0;-$#,0}"));
    reasons.AddRow($"{home.SquareFeet:N0}", Top(byColumn.Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Value)),
        Top(byColumn.Where(kv => kv.Value < 0).OrderBy(kv => kv.Value)));
}
AnsiConsole.Write(reasons);
string waterfallPath = Path.Combine(output, "why-1400-sqft.png");
var shares = explanations[1].OrderByDescending(kv => Math.Abs(kv.Value)).Select(kv => (kv.Key, kv.Value)).ToList();
ExplanationPlots.SaveWaterfall(waterfallPath, $"Why ${examplePrices[1]:N0}: the 1,400 sq ft home in zip 95820", "price (USD)",
    "average home", averagePrice, [.. shares.Take(6), ("other features", shares.Skip(6).Sum(s => s.Value))], "this home");

string plotPath = Path.Combine(output, "loss-curves.png");
// The model's own history is the refit's (training loss only); the display kept the early-stopping run too.
var earlyStopping = display.Runs[0];
TrainingPlots.SaveLossCurves(plotPath, "Backprop on Sacramento house prices (training dashed, best epoch marked)",
    "squared error on the standardised price",
    [new LossCurve("early-stopping run", earlyStopping, earlyStopping.MinBy(e => e.ValidationLoss)!.Epoch), LossCurve.From("refit on every row", history)]);
File.WriteAllText(Path.Combine(output, "results.json"), JsonSerializer.Serialize(new
{
    trainRows = trainCount,
    testRows = testCount,
    epochs = history.Epochs.Count,
    stopReason = history.StopReason.ToString(),
    trainers = rows.Select(r => new { name = r.Name, rSquared = r.Metrics.RSquared, rmse = r.Metrics.RootMeanSquaredError, mae = r.Metrics.MeanAbsoluteError }),
    identicalAfterReload = identical,
    examplePrices,
    averagePrice,
    exampleContributions = explanations,
}, new JsonSerializerOptions { WriteIndented = true }));
AnsiConsole.MarkupLine($"\nLoss curves: {Markup.Escape(plotPath)}; why one home costs what it does: {Markup.Escape(waterfallPath)}. " +
    $"Finished in {clock.Elapsed.TotalSeconds:F1} s.");
