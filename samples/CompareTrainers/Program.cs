// Compare Backprop with ML.NET's trainers on a CSV file: the same folds and featurization for every trainer, a
// time-budgeted search of Backprop's hyperparameters, a leaderboard on the console and report.md with plots.
//
//   backprop-compare --data samples/data/iris.csv --label species          (installed: dotnet tool install -g backprop-compare)
//   dotnet run --project samples/CompareTrainers -- --data samples/data/iris.csv --label species   (from the repository)
using System.CommandLine;
using Backprop.MLNet.Comparison;
using CompareTrainers;

var data = new Option<FileInfo>("--data") { Description = "The CSV file: a header line, then one row per example", Required = true };
var label = new Option<string>("--label") { Description = "The column to predict", Required = true };
var task = new Option<string?>("--task") { Description = "regression, binary or multiclass; default: inferred from the label" };
task.AcceptOnlyFromAmong([.. TaskProfile.All.Select(p => p.Name)]);
var folds = new Option<int>("--folds") { Description = "Cross-validation folds, 2 or more", DefaultValueFactory = _ => 5 };
var budget = new Option<double>("--time-budget") { Description = "Seconds for Backprop's hyperparameter search; 0 skips it", DefaultValueFactory = _ => 60 };
var trials = new Option<int?>("--trials") { Description = "Search exactly this many configurations instead (reproducible on any machine)" };
var fitLimit = new Option<double?>("--fit-time-limit") { Description = "Stop a trainer whose fit on one fold takes longer than this many seconds, and list it as failed; default: no limit" };
var seed = new Option<int>("--seed") { Description = "Seed of the folds, the Backprop trainers and the search", DefaultValueFactory = _ => 1 };
var ignore = new Option<string[]>("--ignore") { Description = "Columns to leave out (repeat the option or separate with commas)", AllowMultipleArgumentsPerToken = true };
var output = new Option<DirectoryInfo?>("--out") { Description = "Where to write report.md, results.json and the plots; default: <data name>-comparison next to the data" };

var root = new RootCommand("Compare Backprop with ML.NET's trainers on a CSV file, on the same cross-validation folds")
{
    data, label, task, folds, budget, trials, fitLimit, seed, ignore, output,
};
root.SetAction(result => CompareCommand.Run(new CompareCommand.Settings(
    result.GetValue(data)!.FullName,
    result.GetValue(label)!,
    result.GetValue(task),
    result.GetValue(folds),
    result.GetValue(budget),
    result.GetValue(trials),
    result.GetValue(fitLimit),
    result.GetValue(seed),
    (result.GetValue(ignore) ?? []).SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
    result.GetValue(output)?.FullName)));
return root.Parse(args).Invoke();
