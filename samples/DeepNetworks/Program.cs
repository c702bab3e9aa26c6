// Deep networks: a 12-layer sigmoid network that does not learn, the training diagnostics that say why, and what
// trains a network that deep. On handwritten digits (1,797 images of 8×8 pixels, classes 0–9), three networks of 12
// hidden layers of 64 units train for the same 40 epochs on the same rows:
//   1. sigmoid units, Glorot initialisation: the gradient vanishes on its way back to the first layers;
//   2. ReLU units, He initialisation;
//   3. ReLU units, He initialisation, residual connections and layer normalisation;
// beside the default (shallow) classifier. Prints each network's validation accuracy by epoch, the last epoch's
// gradient RMS per layer side by side and the warnings; writes the accuracy curves and each deep network's gradient
// profile as PNGs, and the figures as JSON (default: artifacts/deep-networks).
//
//   dotnet run --project samples/DeepNetworks -c Release [-- --out folder]
using System.Diagnostics;
using System.Text.Json;
using Backprop;
using Backprop.MLNet;
using Backprop.MLNet.Comparison;
using Microsoft.ML;
using Microsoft.ML.Data;
using Samples;
using Spectre.Console;

const int Depth = 12, Width = 64, Epochs = 40;
var clock = Stopwatch.StartNew();
string output = SampleStart.OutputFolder(args, "deep-networks");
var ml = new MLContext(seed: 1);

var digits = CsvData.Load(ml, "digits_8x8.csv", "digit", DataKind.Single);
var split = ml.Data.TrainTestSplit(digits.Data, testFraction: 0.2, seed: 42);
var featurizer = ml.Transforms.Conversion.MapValueToKey("Label", "digit")
    .Append(ml.Transforms.Concatenate("Features", digits.Features))
    .Append(ml.Transforms.NormalizeMeanVariance("Features"))
    .Fit(split.TrainSet);
// Featurised once: every network trains and is tested on the same rows.
IDataView train = featurizer.Transform(split.TrainSet), test = featurizer.Transform(split.TestSet);
AnsiConsole.MarkupLine($"[bold]Handwritten digits[/]: {digits.Features.Length} pixels per image, classes 0–9. " +
    $"Each deep network has {Depth} hidden layers of {Width} units and trains for {Epochs} epochs; 20 % of its training rows are held out for validation.\n");

int[] deep = [.. Enumerable.Repeat(Width, Depth)];
Recipe[] recipes =
[
    new("sigmoid", $"{Depth} × {Width} sigmoid, Glorot", o =>
    {
        o.Activation = Activation.Sigmoid;
        o.WeightInitialization = WeightInitialization.GlorotUniform;
    }),
    new("relu-he", $"{Depth} × {Width} ReLU, He", o =>
    {
        o.Activation = Activation.ReLU;
        o.WeightInitialization = WeightInitialization.HeUniform;
    }),
    new("relu-he-residual-layer-norm", $"{Depth} × {Width} ReLU, He, residual + layer norm", o =>
    {
        o.Activation = Activation.ReLU;
        o.WeightInitialization = WeightInitialization.HeUniform;
        o.Residual = true;
        o.Normalization = HiddenNormalization.Layer;
    }),
];

var runs = new List<Run>();
foreach (Recipe recipe in recipes)
{
    var options = new BackpropMulticlassTrainer.Options { HiddenLayers = deep, NumberOfIterations = Epochs, EarlyStopping = false };
    recipe.Configure(options);
    runs.Add(Train(ml, recipe, options, train, test));
}
// The shallow default, early stopping and all, for reference.
var shallow = new Recipe("default", $"default ({string.Join(" × ", BackpropDefaults.ClassifierHiddenLayers)} ReLU)", _ => { });
runs.Add(Train(ml, shallow, new BackpropMulticlassTrainer.Options(), train, test));

// Validation accuracy by epoch, and what the diagnostics saw in the last epoch.
int[] shown = [1, 10, Epochs];
var table = new Table().Border(TableBorder.Rounded).Title("validation accuracy by epoch; held-out test images at the end");
table.AddColumn("Network", c => c.NoWrap());
foreach (int epoch in shown)
    table.AddColumn($"epoch {epoch}", c => c.RightAligned());
table.AddColumns(new TableColumn("Test macro acc.").RightAligned(), new TableColumn("Gradient RMS first / output").RightAligned(), new TableColumn("Warnings").NoWrap());
foreach (Run run in runs)
{
    var cells = new List<string> { Markup.Escape(run.Recipe.Name) };
    cells.AddRange(shown.Select(e => run.History.Epochs.FirstOrDefault(r => r.Epoch == e)?.ValidationMetric is { } v ? $"{v:F3}" : ""));
    cells.Add($"{run.TestMacroAccuracy:F3}");
    cells.Add(run.GradientRatio.ToString("0.0E+0", System.Globalization.CultureInfo.InvariantCulture));
    cells.Add(Markup.Escape(string.Join(", ", run.History.Warnings.Select(w => w.Kind).Distinct())));
    table.AddRow([.. cells]);
}
AnsiConsole.Write(table);

// The last epoch's weight-gradient RMS per layer, the deep networks side by side: a vanishing gradient shrinks by
// orders of magnitude from the output layer back to the first.
var deepRuns = runs.Take(recipes.Length).ToArray();
var profile = new Table().Border(TableBorder.Rounded).Title($"weight-gradient RMS per layer in epoch {Epochs}");
profile.AddColumn("Layer");
foreach (Run run in deepRuns)
    profile.AddColumn(new TableColumn(Markup.Escape(run.Recipe.Name)).RightAligned());
for (int l = 0; l <= Depth; l++)
    profile.AddRow([l == Depth ? "output" : $"hidden {l + 1}", .. deepRuns.Select(run => run.LastLayers[l].GradientRms.ToString("0.00E+0", System.Globalization.CultureInfo.InvariantCulture))]);
AnsiConsole.Write(profile);

foreach (Run run in runs.Where(r => r.History.Warnings.Count > 0))
{
    AnsiConsole.MarkupLine($"\n[bold]{Markup.Escape(run.Recipe.Name)}[/] — the diagnostics warned:");
    foreach (TrainingWarning warning in run.History.Warnings)
        AnsiConsole.MarkupLine($"  epoch {warning.Epoch}: {Markup.Escape(warning.Message)}");
}

string accuracyPath = Path.Combine(output, "accuracy.png");
TrainingPlots.SaveMetricCurves(accuracyPath, $"Digits: validation accuracy of {Depth}-layer networks and the default", "validation accuracy",
    runs.Select(r => LossCurve.From(r.Recipe.Name, r.History)));
foreach (Run run in deepRuns)
    TrainingPlots.SaveGradientProfile(Path.Combine(output, $"gradients-{run.Recipe.Key}.png"), $"Gradient profile: {run.Recipe.Name}", run.History.Epochs);

File.WriteAllText(Path.Combine(output, "results.json"), JsonSerializer.Serialize(new
{
    depth = Depth,
    width = Width,
    epochs = Epochs,
    networks = runs.Select(r => new
    {
        key = r.Recipe.Key,
        name = r.Recipe.Name,
        epochsTrained = r.History.Epochs.Count,
        lastValidationAccuracy = r.History.Epochs[^1].ValidationMetric,
        testMacroAccuracy = r.TestMacroAccuracy,
        firstToOutputGradientRms = r.GradientRatio,
        gradientRms = r.LastLayers.Select(l => l.GradientRms),
        warnings = r.History.Warnings.Select(w => new { kind = w.Kind.ToString(), layer = w.Layer, epoch = w.Epoch }),
        seconds = r.Seconds,
    }),
}, new JsonSerializerOptions { WriteIndented = true }));
AnsiConsole.MarkupLine($"\nValidation accuracy: {Markup.Escape(accuracyPath)}; gradient profiles: gradients-*.png beside it. " +
    $"Finished in {clock.Elapsed.TotalSeconds:F1} s.");

static Run Train(MLContext ml, Recipe recipe, BackpropMulticlassTrainer.Options options, IDataView train, IDataView test)
{
    AnsiConsole.MarkupLine($"Training [bold]{Markup.Escape(recipe.Name)}[/] …");
    var watch = Stopwatch.StartNew();
    var model = ml.MulticlassClassification.Trainers.Backprop(options).Fit(train);
    double seconds = watch.Elapsed.TotalSeconds;
    var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
    TrainingHistory history = model.Model.History;
    return new Run(recipe, history, metrics.MacroAccuracy, seconds);
}

/// <summary>A network to train: a file-name key, a display name and what it changes in the options.</summary>
internal sealed record Recipe(string Key, string Name, Action<BackpropMulticlassTrainer.Options> Configure);

/// <summary>A trained network's history and figures.</summary>
internal sealed record Run(Recipe Recipe, TrainingHistory History, double TestMacroAccuracy, double Seconds)
{
    /// <summary>Every layer's diagnostics in the last epoch, the output layer last.</summary>
    public IReadOnlyList<LayerDiagnostics> LastLayers => History.Epochs[^1].Diagnostics!.Layers;

    /// <summary>The first hidden layer's weight-gradient RMS over the output layer's, in the last epoch.</summary>
    public double GradientRatio => LastLayers[0].GradientRms / LastLayers[^1].GradientRms;
}
