using System.CommandLine;
using Backprop.MLNet.Benchmarks;
using BenchmarkDotNet.Running;

// `throughput` and `generate-w1` are commands of their own; anything else goes to BenchmarkDotNet's switcher
// (for example `--filter *Gemm*`).
if (args.Length == 0 || (args[0] != "throughput" && args[0] != "generate-w1"))
{
    BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
    return 0;
}

var train = new Option<string>("--train") { Description = "Training CSV with a header; every column but the label is a float feature", Required = true };
var test = new Option<string>("--test") { Description = "Test CSV with the same columns", Required = true };
var label = new Option<string>("--label") { Description = "The label column", Required = true };
var task = new Option<string>("--task") { Description = "regression or multiclass (integer class labels)", DefaultValueFactory = _ => "regression" };
var hidden = new Option<string>("--hidden") { Description = "Hidden layer widths, comma-separated", DefaultValueFactory = _ => "128,64" };
var batch = new Option<int>("--batch") { Description = "Rows per mini-batch", DefaultValueFactory = _ => 256 };
var epochs = new Option<int>("--epochs") { Description = "Epochs", DefaultValueFactory = _ => 10 };
var rate = new Option<float>("--lr") { Description = "Adam's learning rate", DefaultValueFactory = _ => 0.001f };
var threads = new Option<int?>("--threads") { Description = "The most threads; default all" };
var throughput = new Command("throughput", "Train the engine on CSV files and print samples/s, the final loss and the test metric")
{
    train, test, label, task, hidden, batch, epochs, rate, threads,
};
throughput.SetAction(result => ThroughputCommand.Run(new ThroughputCommand.Settings(
    result.GetValue(train)!, result.GetValue(test)!, result.GetValue(label)!, result.GetValue(task)!,
    result.GetValue(hidden)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray(),
    result.GetValue(batch), result.GetValue(epochs), result.GetValue(rate), result.GetValue(threads)), Console.Out));

var output = new Option<string>("--out") { Description = "The folder to write train.csv and test.csv into", Required = true };
var generate = new Command("generate-w1", "Write workload W1 (shared/BENCHMARKS.md): 100,000 training and 20,000 test rows, x0..x63, y") { output };
generate.SetAction(result =>
{
    W1Data.Write(result.GetValue(output)!);
    return 0;
});

var root = new RootCommand("Backprop benchmarks: BenchmarkDotNet suites (any other arguments) and these commands") { throughput, generate };
return root.Parse(args).Invoke();
