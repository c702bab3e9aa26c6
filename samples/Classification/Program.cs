// Binary and multiclass classification with Backprop in ML.NET, the same shape as the house-price sample:
//   - breast cancer (569 tumours, 30 measurements): malignant or benign, beside L-BFGS logistic regression and FastTree;
//   - handwritten digits (1,797 images of 8×8 pixels): 0–9, beside L-BFGS maximum entropy and LightGbm.
// Each: featurize, train with live losses, evaluate on held-out rows, save, load into a fresh context, predict a few.
// Writes the loss curves as a PNG and the figures as JSON (default: artifacts/classification).
//
//   dotnet run --project samples/Classification -c Release [-- --out folder]
using System.Diagnostics;
using System.Text.Json;
using Backprop.MLNet;
using Backprop.MLNet.Comparison;
using Microsoft.ML;
using Microsoft.ML.Data;
using Samples;
using Spectre.Console;

var clock = Stopwatch.StartNew();
string output = SampleStart.OutputFolder(args, "classification");
var ml = new MLContext(seed: 1);

// ---- Binary: breast cancer -------------------------------------------------------------------------------------
var cancer = CsvData.Load(ml, "breast_cancer_wisconsin_diagnostic.csv", "malignant", DataKind.Boolean);
var cancerSplit = ml.Data.TrainTestSplit(cancer.Data, testFraction: 0.2, seed: 42);
AnsiConsole.MarkupLine($"[bold]Breast cancer[/]: {cancer.Features.Length} measurements per tumour; malignant or benign.");
var cancerFeaturize = ml.Transforms.Concatenate("Features", cancer.Features).Append(ml.Transforms.NormalizeMeanVariance("Features"));

var cancerDisplay = new LiveTraining("Backprop binary");
var binaryOptions = new BackpropBinaryTrainer.Options { LabelColumnName = "malignant", EpochCompleted = cancerDisplay.EpochCompleted };
var watch = Stopwatch.StartNew();
var cancerModel = cancerDisplay.Run(() => cancerFeaturize.Append(ml.BinaryClassification.Trainers.Backprop(binaryOptions)).Fit(cancerSplit.TrainSet));
var binaryRows = new List<(string Name, CalibratedBinaryClassificationMetrics Metrics, double Seconds)>
{
    ("Backprop", ml.BinaryClassification.Evaluate(cancerModel.Transform(cancerSplit.TestSet), "malignant"), watch.Elapsed.TotalSeconds),
};
foreach (var (name, trainer) in new (string, IEstimator<ITransformer>)[]
{
    ("LbfgsLogisticRegression", ml.BinaryClassification.Trainers.LbfgsLogisticRegression("malignant")),
    ("FastTree", ml.BinaryClassification.Trainers.FastTree("malignant")),
})
{
    watch.Restart();
    var model = cancerFeaturize.Append(trainer).Fit(cancerSplit.TrainSet);
    binaryRows.Add((name, ml.BinaryClassification.Evaluate(model.Transform(cancerSplit.TestSet), "malignant"), watch.Elapsed.TotalSeconds));
}
var binaryTable = new Table().Border(TableBorder.Rounded).Title("held-out tumours");
binaryTable.AddColumns("Trainer", "AUC", "Accuracy", "F1", "Log-loss", "Train s");
foreach (var (name, m, seconds) in binaryRows)
    binaryTable.AddRow(Markup.Escape(name), $"{m.AreaUnderRocCurve:F4}", $"{m.Accuracy:F4}", $"{m.F1Score:F4}", $"{m.LogLoss:F4}", $"{seconds:F2}");
AnsiConsole.Write(binaryTable);
int cancerIdentical = SaveAndReload(ml, cancerModel, cancerSplit, Path.Combine(output, "breast-cancer.zip"), "Probability");

var tumours = ml.Data.CreateEnumerable<CancerPrediction>(
    ml.Model.Load(Path.Combine(output, "breast-cancer.zip"), out _).Transform(cancerSplit.TestSet), reuseRowObject: false).Take(5);
foreach (var t in tumours)
    AnsiConsole.MarkupLine($"  tumour: P(malignant) = {t.Probability:F3} → {(t.PredictedLabel ? "malignant" : "benign"),-9} (actually {(t.Malignant ? "malignant" : "benign")})");
AnsiConsole.WriteLine();

// ---- Multiclass: digits -----------------------------------------------------------------------------------------
var digits = CsvData.Load(ml, "digits_8x8.csv", "digit", DataKind.Single);
var digitSplit = ml.Data.TrainTestSplit(digits.Data, testFraction: 0.2, seed: 42);
AnsiConsole.MarkupLine($"[bold]Handwritten digits[/]: {digits.Features.Length} pixels (8×8, values 0–16) per image; classes 0–9.");
var digitFeaturize = ml.Transforms.Conversion.MapValueToKey("Label", "digit")
    .Append(ml.Transforms.Concatenate("Features", digits.Features))
    .Append(ml.Transforms.NormalizeMeanVariance("Features"));

var digitDisplay = new LiveTraining("Backprop multiclass");
var multiclassOptions = new BackpropMulticlassTrainer.Options { EpochCompleted = digitDisplay.EpochCompleted };
watch.Restart();
var digitModel = digitDisplay.Run(() => digitFeaturize.Append(ml.MulticlassClassification.Trainers.Backprop(multiclassOptions)).Fit(digitSplit.TrainSet));
var multiclassRows = new List<(string Name, MulticlassClassificationMetrics Metrics, double Seconds)>
{
    ("Backprop", ml.MulticlassClassification.Evaluate(digitModel.Transform(digitSplit.TestSet)), watch.Elapsed.TotalSeconds),
};
foreach (var (name, trainer) in new (string, IEstimator<ITransformer>)[]
{
    ("LbfgsMaximumEntropy", ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()),
    ("LightGbm", ml.MulticlassClassification.Trainers.LightGbm()),
})
{
    watch.Restart();
    var model = digitFeaturize.Append(trainer).Fit(digitSplit.TrainSet);
    multiclassRows.Add((name, ml.MulticlassClassification.Evaluate(model.Transform(digitSplit.TestSet)), watch.Elapsed.TotalSeconds));
}
var multiclassTable = new Table().Border(TableBorder.Rounded).Title("held-out images");
multiclassTable.AddColumns("Trainer", "Macro accuracy", "Micro accuracy", "Log-loss", "Train s");
foreach (var (name, m, seconds) in multiclassRows)
    multiclassTable.AddRow(Markup.Escape(name), $"{m.MacroAccuracy:F4}", $"{m.MicroAccuracy:F4}", $"{m.LogLoss:F4}", $"{seconds:F2}");
AnsiConsole.Write(multiclassTable);
int digitIdentical = SaveAndReload(ml, digitModel, digitSplit, Path.Combine(output, "digits.zip"), "Score");

// The first held-out image, drawn, with what the reloaded model reads in it.
var scoredDigits = ml.Model.Load(Path.Combine(output, "digits.zip"), out _).Transform(digitSplit.TestSet);
var first = ml.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel").Fit(scoredDigits).Transform(scoredDigits);
float[] pixels = digits.FirstPixels(ml, digitSplit.TestSet);
float predicted = first.GetColumn<float>("PredictedDigit").First(), actual = first.GetColumn<float>("digit").First();
for (int row = 0; row < 8; row++)
    Console.WriteLine("  " + string.Concat(pixels.Skip(row * 8).Take(8).Select(p => p > 10 ? "██" : p > 4 ? "▓▓" : p > 0 ? "░░" : "  ")));
AnsiConsole.MarkupLine($"  the reloaded model reads {predicted}; the label says {actual}.");

string plotPath = Path.Combine(output, "loss-curves.png");
TrainingPlots.SaveLossCurves(plotPath, "Backprop classifiers (training dashed, best epoch marked)", "cross-entropy",
    [LossCurve.From("breast cancer", cancerModel.LastTransformer.Model.History), LossCurve.From("digits", digitModel.LastTransformer.Model.History)]);
File.WriteAllText(Path.Combine(output, "results.json"), JsonSerializer.Serialize(new
{
    binary = binaryRows.Select(r => new { name = r.Name, auc = r.Metrics.AreaUnderRocCurve, accuracy = r.Metrics.Accuracy, logLoss = r.Metrics.LogLoss }),
    multiclass = multiclassRows.Select(r => new { name = r.Name, macroAccuracy = r.Metrics.MacroAccuracy, microAccuracy = r.Metrics.MicroAccuracy, logLoss = r.Metrics.LogLoss }),
    cancerIdenticalAfterReload = cancerIdentical,
    cancerTestRows = cancerSplit.TestSet.GetColumn<bool>("malignant").Count(),
    digitsIdenticalAfterReload = digitIdentical,
    digitsTestRows = digitSplit.TestSet.GetColumn<float>("digit").Count(),
}, new JsonSerializerOptions { WriteIndented = true }));
AnsiConsole.MarkupLine($"\nLoss curves: {Markup.Escape(plotPath)}. Finished in {clock.Elapsed.TotalSeconds:F1} s.");

// Saves the model, loads it into a fresh context and counts the held-out rows whose output column is unchanged.
static int SaveAndReload(MLContext ml, ITransformer model, DataOperationsCatalog.TrainTestData split, string path, string column)
{
    ml.Model.Save(model, split.TrainSet.Schema, path);
    IDataView before = model.Transform(split.TestSet), after = new MLContext().Model.Load(path, out _).Transform(split.TestSet);
    int identical = before.Schema[column].Type is VectorDataViewType
        ? before.GetColumn<float[]>(column).Zip(after.GetColumn<float[]>(column)).Count(p => p.First.SequenceEqual(p.Second))
        : before.GetColumn<float>(column).Zip(after.GetColumn<float>(column)).Count(p => p.First == p.Second);
    AnsiConsole.MarkupLine($"Saved to {Markup.Escape(path)} and loaded into a fresh MLContext: {identical} held-out rows score identically.\n");
    return identical;
}

internal sealed class CancerPrediction
{
    [ColumnName("malignant")] public bool Malignant { get; set; }
    public float Probability { get; set; }
    public bool PredictedLabel { get; set; }
}
