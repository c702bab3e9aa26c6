using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Backprop.Tests.Support;

namespace Backprop.Tests;

/// <summary>
/// Training is bit for bit what it was: a SHA-256 of the trained weights, biases, predictions and loss history for a
/// fixed set of configurations (every task, every optimiser, dropout, early stopping with and without the refit, the
/// weight average, warm start, one and two threads), held to recorded values. A refactoring that changes one bit of arithmetic, or the order
/// of two random draws, fails here; a deliberate change of numerics records new values and says why in its commit.
/// Every vector path gives the same bits (the kernel tests force each one), so the values hold on AVX-512, AVX2 and
/// scalar machines alike.
/// </summary>
public class FingerprintTests
{
    private static readonly Dictionary<string, string> Expected = new()
    {
        ["regression, Adam, early stopping on held-out rows"] = "CED845DFDD1416DD74BCCCA8",
        ["regression, Adam, early stopping, refit on every row"] = "01D2A7DD9B3DBFFB60040D1F",
        ["regression, Adam, early stopping, weight average"] = "CC719EC73FD819E296AFD966",
        ["regression, SGD with Nesterov momentum, step decay, L1"] = "538F2895B0C0FA610C67EF1E",
        ["regression, RMSProp, dropout, gradient clipping"] = "EE9F5BF5621937A7F16FEF0A",
        ["regression, AdamW, cosine schedule, Huber loss"] = "008B8AE554664974047C92B8",
        ["regression, L-BFGS"] = "E4C3A247DE44CF160BBE7206",
        ["regression, Poisson loss, plateau schedule, weights"] = "A02A24C35B5EF5D8A83E7E97",
        ["binary, tanh, early stopping on AUC"] = "E10E0914A557D8B77AD48989",
        ["multiclass, GELU, label smoothing, early stopping on accuracy"] = "B5F2F4840BB7FD69AA509038",
        ["warm start: 8 epochs, then 8 more"] = "118ADE457AADC5839B574529",
        ["wide network, one thread"] = "080778D7EFFB1D40396E94D4",
        ["wide network, two threads"] = "080778D7EFFB1D40396E94D4",
    };

    public static TheoryData<string> Names => new(Expected.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Training_gives_the_recorded_bits(string name)
    {
        Assert.Equal(Expected[name], Fingerprint(Train(name)));
    }

    [Fact]
    public void One_and_two_threads_give_the_same_bits()
    {
        Assert.Equal(Fingerprint(Train("wide network, one thread")), Fingerprint(Train("wide network, two threads")));
    }

    private static MultilayerPerceptron Train(string name)
    {
        var data = SyntheticData.Regression(600, 6, seed: 5);
        MlpTrainerOptions Options(Action<MlpTrainerOptions> change)
        {
            // Every option that shapes the run is set, so a change of defaults does not move these values.
            var options = new MlpTrainerOptions
            {
                HiddenLayers = [16, 8], BatchSize = 32, NumberOfIterations = 25, ValidationFraction = 0.2f, L2Regularization = 0f,
                EarlyStoppingPatience = 10, Seed = 11, NumberOfThreads = 1, RefitOnAllRows = false, WeightAverageDecay = 0f,
            };
            change(options);
            return options;
        }
        MultilayerPerceptron Fit(MlpTrainerOptions options, TrainingData? on = null) => new MlpTrainer(options).Train(on ?? data);

        switch (name)
        {
            case "regression, Adam, early stopping on held-out rows":
                return Fit(Options(o => o.L2Regularization = 1e-3f));
            case "regression, Adam, early stopping, refit on every row":
                return Fit(Options(o => o.RefitOnAllRows = true));
            case "regression, Adam, early stopping, weight average":
                return Fit(Options(o => o.WeightAverageDecay = 0.9f));
            case "regression, SGD with Nesterov momentum, step decay, L1":
                return Fit(Options(o =>
                {
                    o.Optimizer = new SgdOptimizer(momentum: 0.9f, nesterov: true);
                    o.LearningRate = 0.01f;
                    o.LearningRateSchedule = new StepDecaySchedule(10, 0.5);
                    o.L1Regularization = 1e-4f;
                }));
            case "regression, RMSProp, dropout, gradient clipping":
                return Fit(Options(o =>
                {
                    o.Optimizer = new RmsPropOptimizer();
                    o.Dropout = 0.2f;
                    o.GradientClipNorm = 0.5f;
                }));
            case "regression, AdamW, cosine schedule, Huber loss":
                return Fit(Options(o =>
                {
                    o.Optimizer = new AdamWOptimizer();
                    o.LearningRateSchedule = new CosineSchedule(warmupEpochs: 2);
                    o.Loss = LossFunction.Huber(0.5f);
                }));
            case "regression, L-BFGS":
                return Fit(Options(o =>
                {
                    o.Optimizer = new LbfgsOptimizer();
                    o.ValidationFraction = 0f;
                    o.EarlyStopping = false;
                    o.NumberOfIterations = 40;
                }));
            case "regression, Poisson loss, plateau schedule, weights":
                var counts = new TrainingData(data.Features, data.FeatureCount, data.Labels.Select(y => MathF.Round(MathF.Exp(y))).ToArray(),
                    Enumerable.Range(0, data.RowCount).Select(i => 0.5f + i % 3).ToArray());
                return Fit(Options(o =>
                {
                    o.Loss = LossFunction.Poisson;
                    o.LearningRateSchedule = new ReduceOnPlateauSchedule(patience: 2);
                }), counts);
            case "binary, tanh, early stopping on AUC":
                var binary = new TrainingData(data.Features, data.FeatureCount, data.Labels.Select(y => y > 0.1f ? 1f : 0f).ToArray());
                return Fit(Options(o =>
                {
                    o.Loss = LossFunction.BinaryCrossEntropy();
                    o.Activation = Activation.Tanh;
                    o.EarlyStoppingMetric = ValidationMetric.Auc;
                }), binary);
            case "multiclass, GELU, label smoothing, early stopping on accuracy":
                var classes = new TrainingData(data.Features, data.FeatureCount, data.Labels.Select(y => y < -0.3f ? 0f : y < 0.4f ? 1f : 2f).ToArray());
                return Fit(Options(o =>
                {
                    o.Loss = LossFunction.SoftmaxCrossEntropy(labelSmoothing: 0.1f);
                    o.Activation = Activation.Gelu;
                    o.EarlyStoppingMetric = ValidationMetric.Accuracy;
                }), classes);
            case "warm start: 8 epochs, then 8 more":
                var first = Fit(Options(o => o.NumberOfIterations = 8));
                return new MlpTrainer(Options(o => o.NumberOfIterations = 8)).Train(data, initialModel: first);
            case "wide network, one thread":
            case "wide network, two threads":
                // Wide enough that a step's forward pass passes the two-thread threshold.
                var wide = SyntheticData.Regression(1024, 64, seed: 6);
                return Fit(Options(o =>
                {
                    o.HiddenLayers = [128, 64];
                    o.BatchSize = 256;
                    o.NumberOfIterations = 3;
                    o.Dropout = 0.1f;
                    o.NumberOfThreads = name.EndsWith("two threads", StringComparison.Ordinal) ? 2 : 1;
                }), wide);
            default:
                throw new ArgumentException(name);
        }
    }

    // The trained parameters, the predictions on a few rows and the history's losses (not its wall-clock times).
    private static string Fingerprint(MultilayerPerceptron model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var layer in model.Layers)
        {
            hash.AppendData(MemoryMarshal.AsBytes(layer.Weights.Span));
            hash.AppendData(MemoryMarshal.AsBytes(layer.Biases.Span));
        }
        var probe = SyntheticData.Regression(20, model.InputCount, seed: 99);
        var predictions = new float[probe.RowCount * model.OutputCount];
        model.Predict(probe.Features, predictions);
        hash.AppendData(MemoryMarshal.AsBytes(predictions.AsSpan()));
        foreach (var epoch in model.History.Epochs)
        {
            double[] losses = [epoch.Epoch, epoch.TrainingLoss, epoch.ValidationLoss ?? double.NaN, epoch.ValidationMetric ?? double.NaN, epoch.LearningRate];
            hash.AppendData(MemoryMarshal.AsBytes(losses.AsSpan()));
        }
        hash.AppendData(BitConverter.GetBytes(model.History.BestEpoch ?? -1));
        hash.AppendData(BitConverter.GetBytes((int)model.History.StopReason));
        return Convert.ToHexString(hash.GetHashAndReset())[..24];
    }
}
