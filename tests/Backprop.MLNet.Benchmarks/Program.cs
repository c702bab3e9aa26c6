using System.CommandLine;
using Backprop.MLNet.Benchmarks;
using BenchmarkDotNet.Running;

// `suite`, `throughput`, `gemm`, `time-to-quality`, `training-memory`, `streaming`, `generate-w1` and `generate-w2` are commands of their own; anything
// else goes to BenchmarkDotNet's switcher (for example `--filter *Gemm*`).
string[] commands = ["suite", "throughput", "gemm", "generate-w1", "generate-w2", "time-to-quality", "training-memory", "streaming"];
if (args.Length == 0 || !commands.Contains(args[0]))
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
var l2 = new Option<float>("--l2") { Description = "L2 penalty on the weights (scikit-learn's MLPRegressor defaults to 0.0001)", DefaultValueFactory = _ => 0f };
var passes = new Option<int>("--passes") { Description = "Train this many times (the same model) and report the median", DefaultValueFactory = _ => 1 };
var throughput = new Command("throughput", "Train the engine on CSV files and print samples/s, the final loss and the test metric")
{
    train, test, label, task, hidden, batch, epochs, rate, threads, l2, passes,
};
throughput.SetAction(result => ThroughputCommand.Run(new ThroughputCommand.Settings(
    result.GetValue(train)!, result.GetValue(test)!, result.GetValue(label)!, result.GetValue(task)!,
    result.GetValue(hidden)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray(),
    result.GetValue(batch), result.GetValue(epochs), result.GetValue(rate), result.GetValue(threads), result.GetValue(l2),
    result.GetValue(passes)), Console.Out));

var output = new Option<string>("--out") { Description = "The folder to write train.csv and test.csv into", Required = true };
var generate = new Command("generate-w1", "Write workload W1 (docs/benchmarks.md): 100,000 training and 20,000 test rows, x0..x63, y") { output };
generate.SetAction(result =>
{
    W1Data.Write(result.GetValue(output)!);
    return 0;
});

var w2Source = new Option<string>("--source") { Description = "The folder of Fashion-MNIST's idx files", DefaultValueFactory = _ => W2Data.DebianFolder };
var w2Output = new Option<string>("--out") { Description = "The folder to write train.csv and test.csv into", Required = true };
var generateW2 = new Command("generate-w2", "Write workload W2: the full Fashion-MNIST (Debian's dataset-fashion-mnist) as CSV, label, p0..p783 in [0, 1]")
{
    w2Source, w2Output,
};
generateW2.SetAction(result =>
{
    W2Data.Write(result.GetValue(w2Source)!, result.GetValue(w2Output)!);
    return 0;
});

var ttqTrain = new Option<string>("--train") { Description = "Training CSV with a header; every column but the label is a float feature", Required = true };
var ttqTest = new Option<string>("--test") { Description = "Test CSV with the same columns", Required = true };
var ttqLabel = new Option<string>("--label") { Description = "The label column (a number)", DefaultValueFactory = _ => "y" };
var ttqPasses = new Option<int>("--passes") { Description = "Fits per trainer; the median is reported", DefaultValueFactory = _ => 1 };
var timeToQuality = new Command("time-to-quality", "Backprop beside ML.NET's FastTree, LightGbm and SDCA on the same files: fit time and test R²")
{
    ttqTrain, ttqTest, ttqLabel, ttqPasses,
};
timeToQuality.SetAction(result => TimeToQualityCommand.Run(new TimeToQualityCommand.Settings(
    result.GetValue(ttqTrain)!, result.GetValue(ttqTest)!, result.GetValue(ttqLabel)!, result.GetValue(ttqPasses)), Console.Out));

var role = new Option<string>("--role") { Description = "selection, evaluation or all", DefaultValueFactory = _ => "all" };
var suiteFolds = new Option<int>("--folds") { Description = "Cross-validation folds", DefaultValueFactory = _ => 5 };
var suiteSeed = new Option<int>("--seed") { Description = "The seed of the folds and of every trainer", DefaultValueFactory = _ => 0 };
var backprop = new Option<string[]>("--backprop", "--candidates")
{
    Description = "A Backprop configuration to add, as changes to the defaults: \"hidden=256,128;lr=0.003;batch=32;l2=0.01;dropout=0.1;activation=gelu;models=5;scaling=robust;epochs=256;patience=60;schedule=coslog4;smoothing=0.1\" (repeatable)",
};
var suiteLimit = new Option<double?>("--fit-time-limit") { Description = "Stop a fit that takes longer than this many seconds and list its trainer as failed" };
var only = new Option<string[]>("--dataset") { Description = "Only these datasets of the suite (repeatable); default every one of the role" };
var peersFile = new Option<string?>("--peers") { Description = "peers.json from peers/suite_peers.py, to show scikit-learn beside the others" };
var foldsOnly = new Option<bool>("--folds-only") { Description = "Only write folds/ (the held-out rows and column kinds), for peers/suite_peers.py to run first" };
var backpropOnly = new Option<bool>("--backprop-only") { Description = "Compare the Backprop configurations alone, without ML.NET's other trainers" };
var suiteOut = new Option<string>("--out") { Description = "Where to write suite.md, ranks.png, results.json and folds/", DefaultValueFactory = _ => "suite-results" };
var suite = new Command("suite", "The benchmark suite: Backprop beside ML.NET's trainers on the same folds of every dataset of a role")
{
    role, suiteFolds, suiteSeed, backprop, suiteLimit, only, peersFile, foldsOnly, backpropOnly, suiteOut,
};
suite.SetAction(result => SuiteCommand.Run(new SuiteCommand.Settings(result.GetValue(role)!, result.GetValue(suiteFolds), result.GetValue(suiteSeed),
    result.GetValue(backprop) ?? [], result.GetValue(suiteOut)!, result.GetValue(suiteLimit), result.GetValue(only) ?? [], result.GetValue(peersFile),
    result.GetValue(foldsOnly), result.GetValue(backpropOnly)),
    Console.Out));

var memoryRows = new Option<int>("--rows") { Description = "Rows to generate", DefaultValueFactory = _ => 2_000_000 };
var memoryFeatures = new Option<int>("--features") { Description = "Float features per row", DefaultValueFactory = _ => 32 };
var trainingMemory = new Command("training-memory", "Peak memory of a one-epoch fit on a lazily generated IDataView, as a multiple of its floats")
{
    memoryRows, memoryFeatures,
};
trainingMemory.SetAction(result => TrainingMemoryCommand.Run(
    new TrainingMemoryCommand.Settings(result.GetValue(memoryRows), result.GetValue(memoryFeatures)), Console.Out));

var streamFile = new Option<string>("--file") { Description = "The binary ML.NET file to train on; written first when it does not exist", Required = true };
var streamRows = new Option<int>("--rows") { Description = "Rows to generate", DefaultValueFactory = _ => 20_000_000 };
var streamFeatures = new Option<int>("--features") { Description = "Float features per row", DefaultValueFactory = _ => 32 };
var streamRounds = new Option<int>("--rounds") { Description = "Rounds of both modes; medians are reported", DefaultValueFactory = _ => 3 };
var streamHidden = new Option<string>("--hidden") { Description = "Hidden layer widths, comma-separated", DefaultValueFactory = _ => "128,64" };
var streamBatch = new Option<int>("--batch") { Description = "Rows per mini-batch", DefaultValueFactory = _ => 256 };
var streamBuffer = new Option<int>("--buffer") { Description = "Rows of the streamed shuffle buffer", DefaultValueFactory = _ => Backprop.BackpropDefaults.ShuffleBufferRows };
var streamThreads = new Option<int?>("--threads") { Description = "The most threads; default all" };
var streamShuffleSource = new Option<bool>("--shuffle-source") { Description = "Streamed fits also read the file in a seeded order (ShuffleSource)" };
var streamMode = new Option<string?>("--mode") { Description = "stream or memory: one fit in this process (the command runs these itself)" };
var streaming = new Command("streaming", "Streamed against in-memory training on a binary file of generated rows: epoch samples/s, fit time, peak working set")
{
    streamFile, streamRows, streamFeatures, streamRounds, streamHidden, streamBatch, streamBuffer, streamThreads, streamShuffleSource, streamMode,
};
streaming.SetAction(result => StreamingCommand.Run(new StreamingCommand.Settings(result.GetValue(streamFile)!, result.GetValue(streamRows),
    result.GetValue(streamFeatures), result.GetValue(streamRounds),
    result.GetValue(streamHidden)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray(), result.GetValue(streamBatch),
    result.GetValue(streamBuffer), result.GetValue(streamThreads), result.GetValue(streamShuffleSource), result.GetValue(streamMode)), Console.Out));

var shapes = new Option<string>("--shapes") { Description = "MxKxN shapes, comma-separated", DefaultValueFactory = _ => "256x784x256,1024x1024x1024" };
var variants = new Option<string>("--transposes") { Description = "NN, TN and NT (comma-separated)", DefaultValueFactory = _ => "NN,TN,NT" };
var gemmThreads = new Option<string>("--threads") { Description = "Thread counts, comma-separated", DefaultValueFactory = _ => "1,2" };
var rounds = new Option<int>("--rounds") { Description = "Interleaved timing rounds; the median is reported", DefaultValueFactory = _ => 5 };
var seconds = new Option<double>("--seconds") { Description = "About how long one case's round takes", DefaultValueFactory = _ => 0.5 };
var gemm = new Command("gemm", "K1: the engine's float32 GEMM in GFLOP/s, every shape, transpose variant and thread count in interleaved rounds")
{
    shapes, variants, gemmThreads, rounds, seconds,
};
gemm.SetAction(result => GemmCommand.Run(new GemmCommand.Settings(
    result.GetValue(shapes)!.Split(',', StringSplitOptions.RemoveEmptyEntries),
    result.GetValue(variants)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<Transposes>).ToArray(),
    result.GetValue(gemmThreads)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray(),
    result.GetValue(rounds), result.GetValue(seconds)), Console.Out));

var root = new RootCommand("Backprop benchmarks: BenchmarkDotNet suites (any other arguments) and these commands")
{
    suite, throughput, gemm, timeToQuality, trainingMemory, streaming, generate, generateW2,
};
return root.Parse(args).Invoke();
