using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Backprop.MLNet.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

// TorchSharp (libtorch, CPU) on the speed workloads, printing the same RESULT lines as the benchmarks project's
// `gemm` and `throughput` commands, so that peers/speed_peers.py can put them side by side.
var shapes = new Option<string>("--shapes") { DefaultValueFactory = _ => "256x784x256,1024x1024x1024" };
var variants = new Option<string>("--transposes") { DefaultValueFactory = _ => "NN,TN,NT" };
var gemmThreads = new Option<string>("--threads") { DefaultValueFactory = _ => "1,2" };
var rounds = new Option<int>("--rounds") { DefaultValueFactory = _ => 5 };
var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 0.5 };
var gemm = new Command("gemm", "K1 with torch.mm: GFLOP/s per shape, transpose variant and thread count, interleaved rounds")
{
    shapes, variants, gemmThreads, rounds, seconds,
};
gemm.SetAction(result => Gemm(
    result.GetValue(shapes)!.Split(','), result.GetValue(variants)!.Split(','),
    result.GetValue(gemmThreads)!.Split(',').Select(int.Parse).ToArray(), result.GetValue(rounds), result.GetValue(seconds)));

var train = new Option<string>("--train") { Required = true };
var test = new Option<string>("--test") { Required = true };
var label = new Option<string>("--label") { Required = true };
var task = new Option<string>("--task") { DefaultValueFactory = _ => "regression" };
var hidden = new Option<string>("--hidden") { DefaultValueFactory = _ => "128,64" };
var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 256 };
var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 10 };
var rate = new Option<float>("--lr") { DefaultValueFactory = _ => 0.001f };
var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount };
var passes = new Option<int>("--passes") { DefaultValueFactory = _ => 1 };
var throughput = new Command("throughput", "Train a ReLU MLP with Adam on CSV files: samples/s, final loss, test metric")
{
    train, test, label, task, hidden, batch, epochs, rate, threads, passes,
};
throughput.SetAction(result => Throughput(
    result.GetValue(train)!, result.GetValue(test)!, result.GetValue(label)!, result.GetValue(task) == "multiclass",
    result.GetValue(hidden)!.Split(',').Select(int.Parse).ToArray(), result.GetValue(batch), result.GetValue(epochs),
    result.GetValue(rate), result.GetValue(threads), result.GetValue(passes)));

return new RootCommand("TorchSharp on the speed benchmarks' workloads") { gemm, throughput }.Parse(args).Invoke();

static int Gemm(string[] shapes, string[] variants, int[] threadCounts, int rounds, double secondsPerCase)
{
    var cases = new List<(string Shape, string Variant, int Threads, Action Multiply, double Flops, List<double> Gflops)>();
    foreach (string shape in shapes)
        foreach (string variant in variants)
            foreach (int threadCount in threadCounts)
            {
                int[] d = shape.Split('x').Select(int.Parse).ToArray();
                int m = d[0], k = d[1], n = d[2];
                manual_seed(1);
                // Stored as the benchmarks project stores them; a transposed operand is a view, as BLAS takes it.
                Tensor a = variant == "TN" ? rand(k, m).sub_(0.5).t() : rand(m, k).sub_(0.5);
                Tensor b = variant == "NT" ? rand(n, k).sub_(0.5).t() : rand(k, n).sub_(0.5);
                cases.Add((shape, variant, threadCount, () => mm(a, b).Dispose(), 2.0 * m * n * k, new List<double>()));
            }

    var calls = new int[cases.Count];
    for (int i = 0; i < cases.Count; i++)
    {
        set_num_threads(cases[i].Threads);
        var clock = Stopwatch.StartNew();
        int count = 0;
        while (count < 3 || clock.Elapsed.TotalSeconds < 0.2)
        {
            cases[i].Multiply();
            count++;
        }
        calls[i] = Math.Max(1, (int)(secondsPerCase * count / clock.Elapsed.TotalSeconds));
    }
    for (int round = 0; round < rounds; round++)
        for (int i = 0; i < cases.Count; i++)
        {
            set_num_threads(cases[i].Threads);
            var clock = Stopwatch.StartNew();
            for (int call = 0; call < calls[i]; call++)
                cases[i].Multiply();
            cases[i].Gflops.Add(cases[i].Flops * calls[i] / clock.Elapsed.TotalSeconds / 1e9);
        }
    foreach (var c in cases)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT shape={c.Shape} transposes={c.Variant} threads={c.Threads} gflops={c.Gflops.Order().ElementAt(c.Gflops.Count / 2):F1}"));
    return 0;
}

static int Throughput(string trainPath, string testPath, string label, bool multiclass, int[] hidden, int batch, int epochs,
    float learningRate, int threadCount, int passes)
{
    set_num_threads(threadCount);
    NumericCsv trainCsv = NumericCsv.Read(trainPath, label), testCsv = NumericCsv.Read(testPath, label);
    int rows = trainCsv.RowCount, features = trainCsv.FeatureCount;
    int classes = multiclass ? (int)Math.Max(trainCsv.Labels.Max(), testCsv.Labels.Max()) + 1 : 1;
    Tensor x = tensor(trainCsv.Features, [rows, features]);
    Tensor y = multiclass ? tensor(trainCsv.Labels.Select(v => (long)v).ToArray(), [rows]) : tensor(trainCsv.Labels, [rows, 1]);
    Console.WriteLine($"torch {__version__}, {get_num_threads()} thread(s): {rows} rows × {features} features, hidden [{string.Join(",", hidden)}], batch {batch}, {epochs} epochs");

    nn.Module<Tensor, Tensor> model = null!;
    var passSeconds = new List<double>();
    double finalLoss = 0;
    for (int pass = 1; pass <= passes; pass++)
    {
        manual_seed(1);
        var layers = new List<nn.Module<Tensor, Tensor>>();
        int width = features;
        foreach (int h in hidden)
        {
            layers.Add(nn.Linear(width, h));
            layers.Add(nn.ReLU());
            width = h;
        }
        layers.Add(nn.Linear(width, classes));
        model = nn.Sequential(layers);
        var optimizer = optim.Adam(model.parameters(), learningRate);
        nn.Module<Tensor, Tensor, Tensor> loss = multiclass ? nn.CrossEntropyLoss() : nn.MSELoss();
        var generator = new Generator(1);

        var clock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            double epochLoss = 0;
            using Tensor order = randperm(rows, generator: generator);
            for (int start = 0; start < rows; start += batch)
            {
                using var scope = NewDisposeScope();
                Tensor indices = order.narrow(0, start, Math.Min(batch, rows - start));
                Tensor value = loss.forward(model.forward(x.index_select(0, indices)), y.index_select(0, indices));
                optimizer.zero_grad();
                value.backward();
                optimizer.step();
                epochLoss += value.item<float>() * indices.shape[0];
            }
            finalLoss = epochLoss / rows;
        }
        passSeconds.Add(clock.Elapsed.TotalSeconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pass {pass}: {(double)rows * epochs / passSeconds[^1]:F0} samples/s"));
    }

    string metric;
    using (no_grad())
    {
        Tensor predicted = model.forward(tensor(testCsv.Features, [testCsv.RowCount, features]));
        if (multiclass)
        {
            long[] classOf = predicted.argmax(1).data<long>().ToArray();
            metric = string.Create(CultureInfo.InvariantCulture,
                $"test_accuracy={classOf.Where((c, i) => c == (long)testCsv.Labels[i]).Count() / (double)testCsv.RowCount:F4}");
        }
        else
        {
            float[] p = predicted.data<float>().ToArray();
            double mean = testCsv.Labels.Average(v => (double)v), residual = 0, total = 0;
            for (int i = 0; i < p.Length; i++)
            {
                residual += Math.Pow(testCsv.Labels[i] - p[i], 2);
                total += Math.Pow(testCsv.Labels[i] - mean, 2);
            }
            metric = string.Create(CultureInfo.InvariantCulture, $"test_r2={1 - residual / total:F4}");
        }
    }
    double seconds = passSeconds.Order().ElementAt(passSeconds.Count / 2);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT samples_per_s={(double)rows * epochs / seconds:F0} train_seconds={seconds:F3} final_loss={finalLoss:G6} {metric}"));
    return 0;
}
