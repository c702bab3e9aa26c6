using Backprop.Tests.Support;

namespace Backprop.Tests;

public class TrainingBehaviourTests
{
    [Fact]
    public void Early_stopping_restores_the_best_epochs_weights()
    {
        // 60 training rows and a wide network overfit fast, so the validation loss turns up and training stops.
        (TrainingData all, TrainingData validation) = HousingData.LoadSplit();
        var train = new TrainingData(all.Features[..(60 * 3)], 3, all.Labels[..60]);
        var options = new MlpTrainerOptions { HiddenLayers = [64, 64], LearningRate = 0.01f, BatchSize = 16, NumberOfIterations = 500, EarlyStoppingPatience = 15 };
        MultilayerPerceptron model = new MlpTrainer(options).Train(train, validation);

        TrainingHistory history = model.History;
        Assert.Equal(StopReason.EarlyStopped, history.StopReason);
        int best = history.Epochs.MinBy(e => e.ValidationLoss!.Value)!.Epoch;
        Assert.Equal(best, history.BestEpoch);
        Assert.True(best < history.Epochs.Count, "the best epoch should precede the last for this test to mean anything");

        // The returned weights give the best epoch's validation loss, not the last one's (both the weight average's, by default).
        var predictions = new float[validation.RowCount];
        model.Predict(validation.Features, predictions);
        double scale = model.LabelScaling!.Value.Scale;
        double loss = predictions.Select((p, i) => Math.Pow((p - validation.Labels[i]) / scale, 2)).Average();
        Assert.Equal(history.Epochs[best - 1].ValidationLoss!.Value, loss, 1e-4 * loss);
        Assert.NotEqual(history.Epochs[^1].ValidationLoss!.Value, loss, 1e-4 * loss);
    }

    [Fact]
    public void Refitting_trains_the_chosen_epoch_count_again_on_every_row()
    {
        (TrainingData all, _) = HousingData.LoadSplit();
        var train = new TrainingData(all.Features[..(80 * 3)], 3, all.Labels[..80]);
        MlpTrainerOptions Options(bool refit, List<int>? epochs = null) => new()
        {
            HiddenLayers = [64, 64], LearningRate = 0.01f, BatchSize = 16, NumberOfIterations = 300, EarlyStoppingPatience = 10,
            ValidationFraction = 0.25f, Seed = 3, RefitOnAllRows = refit, EpochCompleted = e => epochs?.Add(e.Epoch),
        };
        var seen = new List<int>();

        MultilayerPerceptron heldOut = new MlpTrainer(Options(false)).Train(train);
        MultilayerPerceptron refitted = new MlpTrainer(Options(true, seen)).Train(train);
        int chosen = heldOut.History.BestEpoch!.Value;
        var byHand = Options(false);
        byHand.ValidationFraction = 0f;
        byHand.EarlyStopping = false;
        byHand.NumberOfIterations = chosen;
        MultilayerPerceptron expected = new MlpTrainer(byHand).Train(train);

        Assert.Equal(StopReason.EarlyStopped, heldOut.History.StopReason);
        Assert.Equal(StopReason.Refitted, refitted.History.StopReason);
        Assert.Equal(chosen, refitted.History.Epochs.Count);
        Assert.All(refitted.History.Epochs, e => Assert.Null(e.ValidationLoss));
        Assert.Equal(expected.Parameters.ToArray(), refitted.Parameters.ToArray());
        // The callback saw the held-out run, then the refit numbered from 1 again.
        Assert.Equal([.. heldOut.History.Epochs.Select(e => e.Epoch), .. Enumerable.Range(1, chosen)], seen);
        // A given validation set means nothing was held out, so there is nothing to refit.
        (_, TrainingData validation) = HousingData.LoadSplit();
        Assert.Equal(StopReason.EarlyStopped, new MlpTrainer(Options(true)).Train(train, validation).History.StopReason);
    }

    [Fact]
    public void The_network_holds_the_average_of_every_epochs_weights_with_the_given_decay()
    {
        TrainingData data = SyntheticData.Regression(200, 4, seed: 7);
        MlpTrainerOptions Options(int epochs, float? decay) => new()
        {
            HiddenLayers = [16], BatchSize = 32, NumberOfIterations = epochs, EarlyStopping = false, WeightAverageDecay = decay, Seed = 2,
        };
        // Each epoch's own weights: a run of k epochs follows the first k epochs of a longer one.
        float[][] own = [.. Enumerable.Range(1, 3).Select(k => new MlpTrainer(Options(k, 0f)).Train(data).Parameters.ToArray())];
        float[] expected = own[0];
        foreach (float[] next in own[1..])
            expected = [.. expected.Zip(next, (average, weight) => 0.6f * average + 0.4f * weight)];

        float[] averaged = new MlpTrainer(Options(3, 0.6f)).Train(data).Parameters.ToArray();

        Assert.Equal(expected.Length, averaged.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], averaged[i], 1e-6f);
        Assert.NotEqual(own[2], averaged);
        // Unset, a mini-batch optimiser averages with the default decay; L-BFGS, whose steps carry no noise, does not average.
        Assert.Equal(new MlpTrainer(Options(3, BackpropDefaults.WeightAverageDecay)).Train(data).Parameters.ToArray(),
            new MlpTrainer(Options(3, null)).Train(data).Parameters.ToArray());
        MlpTrainerOptions Lbfgs(float? decay) => new() { HiddenLayers = [16], NumberOfIterations = 5, Optimizer = new LbfgsOptimizer(), WeightAverageDecay = decay };
        Assert.Equal(new MlpTrainer(Lbfgs(0f)).Train(data).Parameters.ToArray(), new MlpTrainer(Lbfgs(null)).Train(data).Parameters.ToArray());
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_weights_and_another_seed_does_not()
    {
        TrainingData data = SyntheticData.Regression(400, 6, seed: 1);
        MlpTrainerOptions Options(int seed) => new()
        {
            HiddenLayers = [16, 8], Dropout = 0.2f, ValidationFraction = 0.2f, BatchSize = 32, NumberOfIterations = 5, Seed = seed,
        };
        float[] first = new MlpTrainer(Options(7)).Train(data).Parameters.ToArray();
        float[] again = new MlpTrainer(Options(7)).Train(data).Parameters.ToArray();
        float[] other = new MlpTrainer(Options(8)).Train(data).Parameters.ToArray();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    public void Weights_are_bit_identical_for_any_number_of_threads(float dropout)
    {
        // W1's shape: 256-row batches through 64-128-64-1 are 4.2M multiply-adds forward, enough for the propagator to
        // split a step between two threads (row halves forward, unless dropout draws masks; weight gradient beside the
        // back-propagated delta backward).
        TrainingData data = SyntheticData.Regression(1024, 64, seed: 2);
        MlpTrainerOptions Options(int threads) => new()
        {
            HiddenLayers = [128, 64], BatchSize = 256, NumberOfIterations = 2, Dropout = dropout, NumberOfThreads = threads,
        };
        float[] one = new MlpTrainer(Options(1)).Train(data).Parameters.ToArray();
        float[] two = new MlpTrainer(Options(2)).Train(data).Parameters.ToArray();
        float[] four = new MlpTrainer(Options(4)).Train(data).Parameters.ToArray();

        Assert.Equal(one, two);
        Assert.Equal(one, four);
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("AdamW")]
    [InlineData("SGD")]
    [InlineData("RMSProp")]
    public void A_large_networks_update_split_between_threads_gives_the_same_weights_bit_for_bit(string optimizer)
    {
        // 300 × 256 + 256 × 1 weights: past the 64K parameters from which two threads share what follows the backward
        // pass — the penalty's gradient, the gradient's norm (summed in blocks), clipping, weight decay and the optimiser's
        // update — each on its own slice of the parameters and of the optimiser's state.
        TrainingData data = SyntheticData.Regression(256, 300, seed: 4);
        MlpTrainerOptions Options(int threads) => new()
        {
            HiddenLayers = [256], BatchSize = 64, NumberOfIterations = 2, EarlyStopping = false, NumberOfThreads = threads,
            Optimizer = optimizer switch
            {
                "Adam" => new AdamOptimizer(),
                "AdamW" => new AdamWOptimizer(),
                "SGD" => new SgdOptimizer(0.9f, nesterov: true),
                _ => new RmsPropOptimizer(momentum: 0.5f),
            },
            LearningRate = optimizer == "SGD" ? 0.001f : 0.003f,
            L1Regularization = optimizer == "SGD" ? 1e-4f : 0f, L2Regularization = 1e-3f, GradientClipNorm = 0.5f,
        };
        MultilayerPerceptron oneThread = new MlpTrainer(Options(1)).Train(data);
        MultilayerPerceptron twoThreads = new MlpTrainer(Options(2)).Train(data);
        Assert.True(oneThread.ParameterCount > 1 << 16);
        Assert.True(oneThread.History.Epochs[0].Diagnostics!.ClippedFraction > 0, "clipping should take part");
        Assert.Equal(oneThread.Parameters.ToArray(), twoThreads.Parameters.ToArray());
        Assert.Equal(oneThread.History.Epochs[^1].Diagnostics!.GradientNorm, twoThreads.History.Epochs[^1].Diagnostics!.GradientNorm);
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("SGD")]
    [InlineData("RMSProp")]
    public void A_warm_start_continues_exactly_where_training_stopped(string optimizer)
    {
        TrainingData data = SyntheticData.Regression(300, 4, seed: 3);
        MlpTrainerOptions Options(int epochs) => new()
        {
            HiddenLayers = [16], BatchSize = 32, NumberOfIterations = epochs, EarlyStopping = false, Dropout = 0.1f,
            // A weight average would hand the second run the average, not the optimiser's own weights.
            WeightAverageDecay = 0f,
            Optimizer = optimizer switch { "Adam" => new AdamOptimizer(), "SGD" => new SgdOptimizer(0.9f, nesterov: true), _ => new RmsPropOptimizer() },
            LearningRate = optimizer == "SGD" ? 0.01f : 0.003f, LearningRateSchedule = new CosineSchedule(warmupEpochs: 2, periodEpochs: 10),
        };
        MultilayerPerceptron straight = new MlpTrainer(Options(10)).Train(data);
        MultilayerPerceptron half = new MlpTrainer(Options(5)).Train(data);
        MultilayerPerceptron continued = new MlpTrainer(Options(5)).Train(data, initialModel: half);

        // Optimiser moments, step count, schedule position and the epoch's random streams all carry over.
        Assert.Equal(straight.Parameters.ToArray(), continued.Parameters.ToArray());
        Assert.Equal(Enumerable.Range(1, 10), continued.History.Epochs.Select(e => e.Epoch));
        Assert.Equal(straight.History.TrainingLossCurve, continued.History.TrainingLossCurve);
        Assert.Equal(straight.TrainingState!.StepsCompleted, continued.TrainingState!.StepsCompleted);
        Assert.True(continued.History.Epochs[5].TrainingLoss < 0.8 * straight.History.Epochs[0].TrainingLoss,
            "the continued curve starts where the first run ended, not from scratch");
    }

    [Fact]
    public void A_warm_start_with_another_optimizer_starts_that_optimizer_afresh()
    {
        TrainingData data = SyntheticData.Regression(200, 4, seed: 4);
        MultilayerPerceptron adam = new MlpTrainer(new MlpTrainerOptions
        {
            HiddenLayers = [8], NumberOfIterations = 3, BatchSize = 200, EarlyStopping = false, ValidationFraction = 0f,
        }).Train(data);
        var sgdOptions = new MlpTrainerOptions
        {
            HiddenLayers = [8], NumberOfIterations = 2, BatchSize = 200, EarlyStopping = false, ValidationFraction = 0f,
            Optimizer = new SgdOptimizer(), LearningRate = 0.01f,
        };
        MultilayerPerceptron sgd = new MlpTrainer(sgdOptions).Train(data, initialModel: adam);

        Assert.Equal("SGD", sgd.TrainingState!.OptimizerName);
        Assert.Equal(2, sgd.TrainingState.StepsCompleted); // 200 rows, batch 200: one step per epoch, counted from 0
        Assert.Equal(5, sgd.TrainingState.EpochsCompleted);
    }

    [Fact]
    public void Sample_weights_act_like_repeated_rows()
    {
        // Full-batch L-BFGS minimises Σwℓ/Σw: weight 2 on a row is the same objective as the row twice.
        TrainingData data = SyntheticData.Regression(60, 3, seed: 5);
        float[] weights = Enumerable.Range(0, 60).Select(i => i % 3 == 0 ? 2f : 1f).ToArray();
        var repeatedRows = Enumerable.Range(0, 60).SelectMany(i => i % 3 == 0 ? new[] { i, i } : [i]).ToArray();
        var repeated = new TrainingData(repeatedRows.SelectMany(i => data.Features.Skip(3 * i).Take(3)).ToArray(), 3, repeatedRows.Select(i => data.Labels[i]).ToArray());

        var options = new MlpTrainerOptions
        {
            HiddenLayers = [4], Optimizer = new LbfgsOptimizer(), NumberOfIterations = 30, EarlyStopping = false, ValidationFraction = 0f,
            L2Regularization = 0f, StandardizeLabel = false,
        };
        MultilayerPerceptron weighted = new MlpTrainer(options).Train(new TrainingData(data.Features, 3, data.Labels, weights));
        MultilayerPerceptron duplicated = new MlpTrainer(options).Train(repeated);
        MultilayerPerceptron unweighted = new MlpTrainer(options).Train(data);

        float[] a = new float[60], b = new float[60], c = new float[60];
        weighted.Predict(data.Features, a);
        duplicated.Predict(data.Features, b);
        unweighted.Predict(data.Features, c);
        for (int i = 0; i < 60; i++)
            Assert.Equal(b[i], a[i], 1e-3);
        Assert.True(a.Zip(c).Max(p => Math.Abs(p.First - p.Second)) > 1e-2, "weights should change the fit");
    }

    [Fact]
    public void Gradient_clipping_rescales_to_the_given_norm()
    {
        // Linear model w = 0.5, b = 0 on x = (1, 2), y = (1, 3): gradient (−4.5, −2.5), norm √26.5. Clipped to norm 1,
        // one plain SGD step of η = 0.1 moves (w, b) by 0.1·(4.5, 2.5)/√26.5.
        var options = new MlpTrainerOptions
        {
            HiddenLayers = [], Optimizer = new SgdOptimizer(momentum: 0f), LearningRate = 0.1f, GradientClipNorm = 1f,
            NumberOfIterations = 1, StandardizeLabel = false, EarlyStopping = false, ValidationFraction = 0f, L2Regularization = 0f,
        };
        MultilayerPerceptron model = new MlpTrainer(options).Train(new TrainingData([1f, 2f], 1, [1f, 3f]), initialModel: OptimizerTests.LinearModel(0.5f, 0f));

        double norm = Math.Sqrt(4.5 * 4.5 + 2.5 * 2.5);
        Assert.Equal(0.5 + 0.1 * 4.5 / norm, model.Layers[0].Weights.Span[0], 5);
        Assert.Equal(0.1 * 2.5 / norm, model.Layers[0].Biases.Span[0], 5);
    }

    [Fact]
    public void L1_drives_weights_to_zero_and_L2_shrinks_them()
    {
        TrainingData data = SyntheticData.Regression(300, 8, seed: 6);
        MultilayerPerceptron Train(float l1, float l2) => new MlpTrainer(new MlpTrainerOptions
        {
            HiddenLayers = [16], L1Regularization = l1, L2Regularization = l2, NumberOfIterations = 100, BatchSize = 300,
            Optimizer = new LbfgsOptimizer(), EarlyStopping = false,
        }).Train(data);
        float[] FirstLayer(MultilayerPerceptron m) => m.Layers[0].Weights.ToArray();

        float[] plain = FirstLayer(Train(0, 0)), lasso = FirstLayer(Train(0.01f, 0)), ridge = FirstLayer(Train(0, 0.1f));
        Assert.True(lasso.Count(w => Math.Abs(w) < 1e-2) > 2 * plain.Count(w => Math.Abs(w) < 1e-2), "L1 should zero many more weights");
        Assert.True(ridge.Sum(w => w * w) < plain.Sum(w => w * w) / 2, "L2 should shrink the weights");
    }

    [Theory]
    [InlineData(1, 0.01f)]
    [InlineData(300, 0.01f)]
    [InlineData(350, 0.008f)]
    [InlineData(500, 0.002744f)]
    [InlineData(700, 0.001f)]
    [InlineData(50_000, 0.001f)]
    public void The_default_L2_penalty_grows_as_the_training_rows_fall_below_seven_hundred(int rows, float expected)
        => Assert.Equal(expected, BackpropDefaults.L2RegularizationFor(rows), 1e-6f);

    [Fact]
    public void The_row_count_rules_refuse_an_empty_training_set()
    {
        Assert.Equal("trainingRowCount",
            Assert.Throws<ArgumentOutOfRangeException>(() => BackpropDefaults.L2RegularizationFor(0)).ParamName);
        Assert.Equal("trainingRowCount",
            Assert.Throws<ArgumentOutOfRangeException>(() => BackpropDefaults.RefitOnAllRowsFor(0, weightsAveraged: true)).ParamName);
    }

    [Theory]
    [InlineData(1, false, true)]
    [InlineData(2_999, false, true)]
    [InlineData(3_000, false, false)]
    [InlineData(50_000, false, false)]
    [InlineData(1, true, true)]
    [InlineData(3_000, true, true)]
    [InlineData(50_000, true, true)]
    public void By_default_every_training_set_is_refitted_when_the_weights_are_averaged_else_those_under_three_thousand_rows(
        int rows, bool weightsAveraged, bool expected)
        => Assert.Equal(expected, BackpropDefaults.RefitOnAllRowsFor(rows, weightsAveraged));

    [Theory]
    [InlineData(200, 1, null)]
    [InlineData(200, 3, null)]
    [InlineData(3_000, 1, null)]
    [InlineData(3_000, 1, 0f)]
    [InlineData(200, 1, 0f)]
    public void An_unset_refit_is_the_rule_for_a_network_and_every_member_of_an_ensemble(int rows, int models, float? averageDecay)
    {
        TrainingData data = SyntheticData.Regression(rows, 4, seed: 12);
        MlpTrainerOptions Options(bool? refit) => new()
        {
            HiddenLayers = [8], NumberOfIterations = 12, EarlyStoppingPatience = 3, RefitOnAllRows = refit, NumberOfModels = models, Seed = 5,
            WeightAverageDecay = averageDecay,
        };
        MlpEnsemble Fit(bool? refit) => new MlpTrainer(Options(refit)).TrainEnsemble(data);
        float[] Parameters(MlpEnsemble ensemble) => ensemble.Members.SelectMany(m => m.Parameters.ToArray()).ToArray();

        bool ruled = BackpropDefaults.RefitOnAllRowsFor(rows, weightsAveraged: averageDecay is not 0f);
        Assert.Equal(rows < BackpropDefaults.RefitRowLimit || averageDecay is null, ruled);
        Assert.Equal(ruled, Options(null).RefitOnAllRowsFor(rows));
        Assert.Equal(!ruled, Options(!ruled).RefitOnAllRowsFor(rows));
        MlpEnsemble unset = Fit(null);
        Assert.All(unset.Members, m => Assert.Equal(ruled, m.History.StopReason == StopReason.Refitted));
        Assert.Equal(Parameters(Fit(ruled)), Parameters(unset));
        Assert.NotEqual(Parameters(Fit(!ruled)), Parameters(unset));
    }

    [Fact]
    public void An_unset_L2_penalty_is_the_row_count_rule_for_a_network_and_every_member_of_an_ensemble()
    {
        // 200 rows: the rule gives 0.01, ten times the penalty for large data.
        TrainingData data = SyntheticData.Regression(200, 4, seed: 11);
        MlpTrainerOptions Options(float? l2, int models) => new()
        {
            HiddenLayers = [8], NumberOfIterations = 15, L2Regularization = l2, NumberOfModels = models, Seed = 3,
        };
        float[] Parameters(float? l2, int models) => new MlpTrainer(Options(l2, models)).TrainEnsemble(data)
            .Members.SelectMany(m => m.Parameters.ToArray()).ToArray();

        float ruled = BackpropDefaults.L2RegularizationFor(data.RowCount);
        Assert.Equal(0.01f, ruled);
        Assert.Equal(ruled, Options(null, 1).L2RegularizationFor(data.RowCount));
        Assert.Equal(0.5f, Options(0.5f, 1).L2RegularizationFor(data.RowCount));
        foreach (int models in new[] { 1, 3 })
        {
            Assert.Equal(Parameters(ruled, models), Parameters(null, models));
            Assert.NotEqual(Parameters(1e-3f, models), Parameters(null, models));
        }
    }

    [Fact]
    public void Dropout_changes_training_but_never_prediction()
    {
        TrainingData data = SyntheticData.Regression(200, 4, seed: 7);
        var options = new MlpTrainerOptions { HiddenLayers = [32], NumberOfIterations = 5, EarlyStopping = false };
        float[] plain = new MlpTrainer(options).Train(data).Parameters.ToArray();
        options.Dropout = 0.5f;
        MultilayerPerceptron dropped = new MlpTrainer(options).Train(data);

        Assert.NotEqual(plain, dropped.Parameters.ToArray());
        float[] first = dropped.Predict(data.Features.AsSpan(0, 4)), second = dropped.Predict(data.Features.AsSpan(0, 4));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Each_epoch_is_reported_to_the_callback_and_the_history()
    {
        TrainingData data = SyntheticData.Regression(200, 4, seed: 8);
        var seen = new List<EpochRecord>();
        var options = new MlpTrainerOptions
        {
            HiddenLayers = [8], NumberOfIterations = 6, EarlyStopping = false, ValidationFraction = 0.25f,
            LearningRate = 0.01f, LearningRateSchedule = new StepDecaySchedule(2, 0.5), EpochCompleted = seen.Add,
        };
        MultilayerPerceptron model = new MlpTrainer(options).Train(data);

        Assert.Equal(model.History.Epochs, seen);
        Assert.Equal([0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025], seen.Select(e => Math.Round(e.LearningRate, 6)));
        Assert.All(seen, e => Assert.True(e.ValidationLoss > 0 && e.ValidationMetric is > -1 and <= 1 && e.Seconds >= 0));
        Assert.Equal("RSquared", model.History.MetricName);
        Assert.True(seen[^1].TrainingLoss < seen[0].TrainingLoss);
    }

    [Fact]
    public void Cancellation_stops_training()
    {
        TrainingData data = SyntheticData.Regression(200, 4, seed: 9);
        using var cancellation = new CancellationTokenSource();
        var options = new MlpTrainerOptions { HiddenLayers = [8], NumberOfIterations = 1000, EarlyStopping = false };
        int epochs = 0;
        options.EpochCompleted = _ =>
        {
            if (++epochs == 3)
                cancellation.Cancel();
        };

        Assert.ThrowsAny<OperationCanceledException>(() => new MlpTrainer(options).Train(data, cancellationToken: cancellation.Token));
        Assert.Equal(3, epochs);
    }

    [Fact]
    public void A_diverging_run_throws_with_advice_instead_of_returning_a_broken_model()
    {
        // Dollar-sized targets without label scaling and a huge SGD step overflow within a few batches.
        (TrainingData train, _) = HousingData.LoadSplit();
        var options = new MlpTrainerOptions
        {
            HiddenLayers = [16], Optimizer = new SgdOptimizer(), LearningRate = 10f, StandardizeLabel = false, NumberOfIterations = 50,
        };
        var error = Assert.Throws<TrainingDivergedException>(() => new MlpTrainer(options).Train(train));
        Assert.Contains("diverged", error.Message);
        Assert.Contains("Lower the learning rate", error.Message);
    }

    [Fact]
    public void Lbfgs_refuses_to_start_from_an_infinite_loss_instead_of_calling_it_converged()
    {
        // exp of a huge raw output overflows the Poisson loss at the very first evaluation.
        var data = new TrainingData([1e30f, -1e30f, 2e30f], 1, [1f, 2f, 3f]);
        var options = new MlpTrainerOptions { HiddenLayers = [], Loss = LossFunction.Poisson, Optimizer = new LbfgsOptimizer() };
        var error = Assert.Throws<TrainingDivergedException>(() => new MlpTrainer(options).Train(data));
        Assert.Contains("initial loss", error.Message);
    }

    [Fact]
    public void A_validation_set_on_another_scale_is_reported_not_silently_monitored()
    {
        TrainingData train = SyntheticData.Regression(100, 3, seed: 10);
        var validation = new TrainingData([3e38f, 3e38f, -3e38f, 3e38f, 3e38f, 3e38f], 3, [3e38f, -3e38f]);
        var options = new MlpTrainerOptions { HiddenLayers = [4], NumberOfIterations = 3 };
        var error = Assert.Throws<TrainingDivergedException>(() => new MlpTrainer(options).Train(train, validation));
        Assert.Contains("validation loss", error.Message);
    }

    [Fact]
    public void The_validation_split_is_seeded_and_stratified_by_class()
    {
        float[] labels = Enumerable.Range(0, 200).Select(i => i < 180 ? 0f : 1f).ToArray();
        (int[] train, int[] heldOut) = ValidationSplit.Split(labels, 0.1f, stratify: true, SeededRandom.ForStream(1, RandomStream.ValidationSplit));
        (int[] train2, _) = ValidationSplit.Split(labels, 0.1f, stratify: true, SeededRandom.ForStream(1, RandomStream.ValidationSplit));

        Assert.Equal(train, train2);
        Assert.Equal(20, heldOut.Length);
        Assert.Equal(2, heldOut.Count(i => labels[i] == 1f)); // 10 % of each class
        Assert.Empty(train.Intersect(heldOut));
        Assert.Equal(200, train.Length + heldOut.Length);
    }
}
