using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

/// <summary>
/// The ML.NET trainers train bit for bit what they did: a SHA-256 of every training row's score and of the loss
/// history, for each task with its defaults (seeded by the MLContext), with a refit on every row, a validation set, a
/// warm start and an explicit seed (these four without the weight average, so that they show it alone changed nothing
/// else), held to recorded values. A change in how options reach the engine, or in the
/// engine's arithmetic, fails here; a deliberate change records new values and says why in its commit.
/// </summary>
public class TrainerFingerprintTests
{
    private static readonly Dictionary<string, string> Expected = new()
    {
        ["regression, defaults"] = "8EA3F529CD6D2A5921488D53",
        ["regression, refit on every row, two threads"] = "6558364B5ACF442CF475F812",
        ["regression, validation set, L1, dropout"] = "9DFEA7A3F669AD4A41F0F725",
        ["binary, defaults"] = "4AC970072322D9DA33E56357",
        ["binary, warm start"] = "24F92CE98F503C1AD28B50C3",
        ["multiclass, defaults"] = "5F834FFCC9C29DD0686E72B6",
        ["multiclass, explicit seed, SGD, early stopping on accuracy"] = "CBC9ED7638B40E4EDFF44AD9",
    };

    public static TheoryData<string> Names => new(Expected.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Training_gives_the_recorded_bits(string name)
    {
        Assert.Equal(Expected[name], Fingerprint(name));
    }

    private static string Fingerprint(string name)
    {
        var ml = new MLContext(seed: 3);
        var (dataset, task) = name.Split(',')[0] switch
        {
            "regression" => (TabularDataset.Sacramento, 0),
            "binary" => (TabularDataset.BreastCancer, 1),
            _ => (TabularDataset.Iris, 2),
        };
        IDataView featurized = dataset.Featurizer(ml).Fit(dataset.Load(ml)).Transform(dataset.Load(ml));
        featurized = ml.Data.Cache(featurized);
        var split = ml.Data.TrainTestSplit(featurized, 0.25, seed: 1);

        IDataView scored;
        TrainingHistory history;
        switch (name)
        {
            case "regression, defaults":
                (scored, history) = Regression(ml, new BackpropRegressionTrainer.Options { LabelColumnName = dataset.Label }, featurized);
                break;
            case "regression, refit on every row, two threads":
                (scored, history) = Regression(ml, new BackpropRegressionTrainer.Options
                {
                    LabelColumnName = dataset.Label, RefitOnAllRows = true, NumberOfThreads = 2, HiddenLayers = [256, 128], BatchSize = 256,
                    WeightAverageDecay = 0f,
                }, featurized);
                break;
            case "regression, validation set, L1, dropout":
                var trainer = ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options
                {
                    LabelColumnName = dataset.Label, L1Regularization = 1e-4f, Dropout = 0.1f, NumberOfIterations = 60, WeightAverageDecay = 0f,
                });
                var fitted = trainer.Fit(split.TrainSet, split.TestSet);
                (scored, history) = (fitted.Transform(featurized), fitted.Model.History);
                break;
            case "binary, defaults":
                var binary = ml.BinaryClassification.Trainers.Backprop(new BackpropBinaryTrainer.Options { LabelColumnName = dataset.Label }).Fit(featurized);
                (scored, history) = (binary.Transform(featurized), binary.Model.History);
                break;
            case "binary, warm start":
                var options = new BackpropBinaryTrainer.Options
                {
                    LabelColumnName = dataset.Label, NumberOfIterations = 10, EarlyStopping = false, WeightAverageDecay = 0f,
                };
                var first = ml.BinaryClassification.Trainers.Backprop(options).Fit(featurized);
                var second = ml.BinaryClassification.Trainers.Backprop(options).Fit(featurized, first.Model);
                (scored, history) = (second.Transform(featurized), second.Model.History);
                break;
            case "multiclass, defaults":
                var multiclass = ml.MulticlassClassification.Trainers.Backprop(new BackpropMulticlassTrainer.Options { LabelColumnName = dataset.Label }).Fit(featurized);
                (scored, history) = (multiclass.Transform(featurized), multiclass.Model.History);
                break;
            case "multiclass, explicit seed, SGD, early stopping on accuracy":
                var sgd = ml.MulticlassClassification.Trainers.Backprop(new BackpropMulticlassTrainer.Options
                {
                    LabelColumnName = dataset.Label, Seed = 42, Optimizer = new SgdOptimizer(), LearningRate = 0.01f,
                    EarlyStoppingMetric = ValidationMetric.Accuracy, EarlyStoppingPatience = 10, RefitOnAllRows = false, WeightAverageDecay = 0f,
                }).Fit(featurized);
                (scored, history) = (sgd.Transform(featurized), sgd.Model.History);
                break;
            default:
                throw new ArgumentException(name);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (task == 2)
        {
            foreach (var scores in scored.GetColumn<float[]>("Score"))
                hash.AppendData(MemoryMarshal.AsBytes(scores.AsSpan()));
        }
        else
        {
            hash.AppendData(MemoryMarshal.AsBytes(scored.GetColumn<float>("Score").ToArray().AsSpan()));
        }
        foreach (var epoch in history.Epochs)
        {
            double[] losses = [epoch.Epoch, epoch.TrainingLoss, epoch.ValidationLoss ?? double.NaN, epoch.ValidationMetric ?? double.NaN, epoch.LearningRate];
            hash.AppendData(MemoryMarshal.AsBytes(losses.AsSpan()));
        }
        hash.AppendData(BitConverter.GetBytes(history.BestEpoch ?? -1));
        return Convert.ToHexString(hash.GetHashAndReset())[..24];
    }

    private static (IDataView Scored, TrainingHistory History) Regression(MLContext ml, BackpropRegressionTrainer.Options options, IDataView data)
    {
        var model = ml.Regression.Trainers.Backprop(options).Fit(data);
        return (model.Transform(data), model.Model.History);
    }
}
