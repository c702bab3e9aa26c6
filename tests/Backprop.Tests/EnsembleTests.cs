using Backprop.Tests.Support;

namespace Backprop.Tests;

/// <summary>
/// <see cref="MlpTrainer.TrainEnsemble"/> and <see cref="MlpEnsemble"/>: one member is the single network, members
/// hold out disjoint stratified folds, the result does not depend on the thread count, the average is of raw outputs,
/// and bad settings are refused by name.
/// </summary>
public class EnsembleTests
{
    private static MlpTrainerOptions Options(int models, int? threads = null) => new()
    {
        HiddenLayers = [8],
        NumberOfIterations = 8,
        NumberOfModels = models,
        NumberOfThreads = threads,
        Seed = 11,
    };

    [Fact]
    public void An_ensemble_of_one_is_the_single_network()
    {
        var data = SyntheticData.Regression(300, 4, seed: 1);

        var single = new MlpTrainer(Options(1)).Train(data);
        var ensemble = new MlpTrainer(Options(1)).TrainEnsemble(data);

        Assert.Single(ensemble.Members);
        Assert.Equal(single.Parameters.ToArray(), ensemble.Members[0].Parameters.ToArray());
    }

    [Fact]
    public void Members_train_alike_on_one_thread_or_two_at_a_time()
    {
        var data = SyntheticData.Regression(300, 4, seed: 2);

        var oneThread = new MlpTrainer(Options(3, threads: 1)).TrainEnsemble(data);
        var twoThreads = new MlpTrainer(Options(3, threads: 2)).TrainEnsemble(data);

        for (int m = 0; m < 3; m++)
            Assert.Equal(oneThread.Members[m].Parameters.ToArray(), twoThreads.Members[m].Parameters.ToArray());
        Assert.NotEqual(oneThread.Members[0].Parameters.ToArray(), oneThread.Members[1].Parameters.ToArray());
    }

    [Fact]
    public void Folds_partition_the_rows_and_keep_each_class_in_proportion()
    {
        float[] labels = Enumerable.Range(0, 103).Select(i => (float)(i % 10 == 0 ? 2 : i % 3 == 0 ? 1 : 0)).ToArray();
        var heldOut = Enumerable.Range(0, 5)
            .Select(f => ValidationSplit.Fold(labels, f, 5, stratify: true, SeededRandom.ForStream(4, RandomStream.ValidationSplit)))
            .ToArray();

        Assert.Equal(Enumerable.Range(0, 103), heldOut.SelectMany(h => h.HeldOut).Order());
        foreach (var (train, held) in heldOut)
        {
            Assert.Equal(103, train.Length + held.Length);
            Assert.Empty(train.Intersect(held));
            foreach (int c in new[] { 0, 1, 2 })
            {
                int total = labels.Count(y => y == c), inFold = held.Count(r => labels[r] == c);
                Assert.InRange(inFold, total / 5 - 1, total / 5 + 1);
            }
        }
    }

    [Fact]
    public void The_ensemble_predicts_the_output_transform_of_the_mean_raw_output()
    {
        var data = SyntheticData.Regression(200, 3, seed: 3);
        var labels = data.Labels.Select(y => y > 0 ? 1f : 0f).ToArray();
        var binary = new TrainingData(data.Features, 3, labels);
        var options = Options(4);
        options.Loss = LossFunction.BinaryCrossEntropy();

        var ensemble = new MlpTrainer(options).TrainEnsemble(binary);

        float[] row = data.Features[..3];
        double meanLogit = ensemble.Members.Average(m => (double)Raw(m, row));
        var predicted = new float[1];
        ensemble.Predict(row, predicted);
        Assert.Equal(1 / (1 + Math.Exp(-meanLogit)), predicted[0], 5);
    }

    [Fact]
    public void Members_that_cannot_be_averaged_are_refused()
    {
        var a = new MlpTrainer(Options(1)).Train(SyntheticData.Regression(100, 3, seed: 4));
        var b = new MlpTrainer(Options(1)).Train(SyntheticData.Regression(100, 4, seed: 4));

        var error = Assert.Throws<ArgumentException>(() => new MlpEnsemble([a, b]));
        Assert.Contains("Member 1", error.Message);
        Assert.Throws<ArgumentException>(() => new MlpEnsemble([]));
    }

    [Fact]
    public void Bad_ensemble_settings_name_the_option()
    {
        var data = SyntheticData.Regression(50, 3, seed: 5);

        Assert.Equal("NumberOfModels", Assert.Throws<ArgumentOutOfRangeException>(() => new MlpTrainer(Options(0))).ParamName);
        Assert.Equal("NumberOfModels", Assert.Throws<ArgumentException>(() => new MlpTrainer(Options(3)).Train(data)).ParamName);
        Assert.Equal("NumberOfModels", Assert.Throws<ArgumentException>(() => new MlpTrainer(Options(60)).TrainEnsemble(data)).ParamName);
        var two = new MlpTrainer(Options(2)).TrainEnsemble(data);
        Assert.Equal("initialModel", Assert.Throws<ArgumentException>(() => new MlpTrainer(Options(3)).TrainEnsemble(data, initialModel: two)).ParamName);
    }

    private static float Raw(MultilayerPerceptron network, float[] row)
    {
        var raw = new float[1];
        network.PredictRaw(row, raw);
        return raw[0];
    }
}
