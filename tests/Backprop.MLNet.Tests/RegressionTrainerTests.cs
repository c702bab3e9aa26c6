using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

public class RegressionTrainerTests
{
    [Fact]
    public void The_issue_pipeline_trains_on_raw_dollar_prices_and_scores_well_on_held_out_houses()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(Houses.Load(ml), 0.2, seed: 1);
        var model = Houses.Featurizer(ml)
            .Append(ml.Regression.Trainers.Backprop(labelColumnName: "Price", hiddenLayers: [64, 32]))
            .Fit(split.TrainSet);

        var metrics = ml.Regression.Evaluate(model.Transform(split.TestSet), labelColumnName: "Price");

        // Least squares on these four inputs reaches about 0.55–0.6 here; the mean predictor 0.
        Assert.True(metrics.RSquared > 0.5, $"R² {metrics.RSquared:F3}");
        Assert.True(metrics.MeanAbsoluteError < 70_000, $"MAE {metrics.MeanAbsoluteError:F0}");
    }

    [Fact]
    public void Label_standardisation_is_what_lets_dollar_prices_train()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(Houses.Load(ml), 0.2, seed: 1);
        double Fit(bool standardize)
        {
            var options = Houses.QuickOptions(60);
            options.StandardizeLabel = standardize;
            var model = Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(options)).Fit(split.TrainSet);
            return ml.Regression.Evaluate(model.Transform(split.TestSet), "Price").RSquared;
        }

        double standardized = Fit(true), raw = Fit(false);

        Assert.True(standardized > 0.45, $"standardised R² {standardized:F3}");
        Assert.True(raw < 0.1, $"unstandardised R² {raw:F3}: Adam at 0.001 cannot reach $300k outputs in 60 epochs");
    }

    [Fact]
    public void Model_parameters_expose_the_network_and_its_history()
    {
        var ml = new MLContext(seed: 1);
        var options = Houses.QuickOptions(12);
        options.HiddenLayers = [8, 4];
        options.EarlyStopping = false;
        var transformer = Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(options)).Fit(Houses.Load(ml)).LastTransformer;

        var parameters = transformer.Model;
        Assert.Equal([8, 4, 1], parameters.Layers.Select(l => l.OutputSize));
        Assert.Equal(parameters.FeatureCount, parameters.Layers[0].InputSize);
        Assert.Equal(parameters.FeatureCount * 8, parameters.Layers[0].Weights.Length);
        Assert.Equal(Backprop.Activation.ReLU, parameters.Layers[0].Activation);
        Assert.Equal(12, parameters.History.Epochs.Count);
        Assert.All(parameters.History.Epochs, e => Assert.NotNull(e.ValidationLoss));
        Assert.NotNull(parameters.Network.LabelScaling);
        Assert.Equal(parameters.FeatureCount, parameters.FeatureMeans!.Count);
    }

    private sealed class FourFeatureRow
    {
        [VectorType(4)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    [Fact]
    public void Two_valued_features_are_scaled_by_half_their_gap_and_the_others_by_their_deviation()
    {
        // Feature 0 continuous; 1 an indicator set in 1 row of 40; 2 a balanced 0/4 flag; 3 three-valued (0, 1, 2).
        var rows = Enumerable.Range(0, 40).Select(i => new FourFeatureRow
        {
            Features = [i * 0.5f, i == 7 ? 1f : 0f, i % 2 == 0 ? 4f : 0f, i % 3],
            Label = i,
        }).ToArray();
        var ml = new MLContext(seed: 1);
        var options = new BackpropRegressionTrainer.Options { HiddenLayers = [4], NumberOfIterations = 1, EarlyStopping = false };
        var model = ml.Regression.Trainers.Backprop(options).Fit(ml.Data.LoadFromEnumerable(rows)).Model;

        static double Deviation(IEnumerable<float> values)
        {
            double[] v = values.Select(x => (double)x).ToArray();
            double mean = v.Average();
            return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
        }
        var scales = model.FeatureScales!;
        Assert.Equal(Deviation(rows.Select(r => r.Features[0])), scales[0], 4);
        // Its deviation would be √(1/40 · 39/40) ≈ 0.156, which would put the one set row at 6.2.
        Assert.Equal(0.5, scales[1], 6);
        Assert.Equal(2.0, scales[2], 6);
        Assert.Equal(Deviation(rows.Select(r => r.Features[3])), scales[3], 4);
        Assert.Equal(1f / 40, model.FeatureMeans![1], 6);
    }

    [Fact]
    public void A_given_validation_set_is_used_instead_of_a_held_out_fraction()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(Houses.Load(ml), 0.25, seed: 2);
        var featurizer = Houses.Featurizer(ml).Fit(split.TrainSet);
        var train = featurizer.Transform(split.TrainSet);
        var validation = featurizer.Transform(split.TestSet);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("Backprop regression:")) messages.Add(e.Message); };

        var options = Houses.QuickOptions(40);
        options.EarlyStoppingPatience = 3;
        var model = ml.Regression.Trainers.Backprop(options).Fit(train, validation).Model;

        int validationRows = validation.GetColumn<float>("Price").Count();
        int trainRows = train.GetColumn<float>("Price").Count();
        Assert.Contains(messages, m => m.Contains($"{trainRows} rows") && m.Contains($"early stopping on {validationRows} validation rows"));
        // The history's validation loss is the given set's: recompute it at the best epoch's weights.
        var best = model.History.Epochs.Single(e => e.Epoch == model.History.BestEpoch);
        var predicted = Houses.Scores(ml.Regression.Trainers.Backprop(options).Fit(train, validation).Transform(validation));
        float[] actual = validation.GetColumn<float>("Price").ToArray();
        var scaling = model.Network.LabelScaling!.Value;
        double standardizedMse = predicted.Zip(actual, (p, a) => Math.Pow((p - a) / scaling.Scale, 2)).Average();
        Assert.Equal(best.ValidationLoss!.Value, standardizedMse, 4);
    }

    [Fact]
    public void Warm_start_continues_exactly_where_training_stopped()
    {
        var ml = new MLContext(seed: 1);
        var data = Houses.Featurizer(ml).Fit(Houses.Load(ml)).Transform(Houses.Load(ml));
        BackpropRegressionTrainer Trainer(int iterations)
        {
            var options = Houses.QuickOptions(iterations);
            options.EarlyStopping = false;
            options.WeightAverageDecay = 0f; // a warm start goes on from the model's weights, which would be the average
            return ml.Regression.Trainers.Backprop(options);
        }

        var first = Trainer(5).Fit(data);
        var continued = Trainer(5).Fit(data, first.Model);
        var straight = Trainer(10).Fit(data);

        Assert.Equal(10, continued.Model.History.Epochs.Count);
        Assert.Equal(Houses.Scores(straight.Transform(data)), Houses.Scores(continued.Transform(data)));
        Assert.NotEqual(Houses.Scores(first.Transform(data)), Houses.Scores(continued.Transform(data)));
    }

    [Fact]
    public void The_MLContext_seed_makes_training_reproducible_unless_the_options_set_one()
    {
        float[] Train(int contextSeed, int? optionSeed)
        {
            var ml = new MLContext(seed: contextSeed);
            var options = Houses.QuickOptions(8);
            options.Seed = optionSeed;
            var data = Houses.Load(ml);
            return Houses.Scores(Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(options)).Fit(data).Transform(data));
        }

        Assert.Equal(Train(5, null), Train(5, null));
        Assert.NotEqual(Train(5, null), Train(6, null));
        Assert.Equal(Train(5, 11), Train(6, 11));
    }

    [Fact]
    public void Example_weights_reach_the_loss()
    {
        var ml = new MLContext(seed: 1);
        var data = Houses.Load(ml);
        // Weight 1 everywhere must change nothing; weight 20 on the expensive homes must pull predictions up.
        var unit = ml.Transforms.Expression("W", "p : 1.0", "Price");
        var skewed = ml.Transforms.Expression("W", "p : p > 400000 ? 20.0 : 1.0", "Price");
        float[] Fit(IEstimator<ITransformer>? weighting)
        {
            var options = Houses.QuickOptions(20);
            options.ExampleWeightColumnName = weighting is null ? null : "W";
            IEstimator<ITransformer> pipeline = Houses.Featurizer(ml);
            if (weighting is not null)
                pipeline = weighting.Append(pipeline);
            return Houses.Scores(pipeline.Append(ml.Regression.Trainers.Backprop(options)).Fit(data).Transform(data));
        }

        float[] none = Fit(null), ones = Fit(unit), upweighted = Fit(skewed);

        Assert.Equal(none, ones);
        Assert.True(upweighted.Average() > none.Average() + 10_000, $"mean prediction {upweighted.Average():F0} vs {none.Average():F0}");
    }

    [Fact]
    public void Progress_and_per_epoch_figures_reach_MLContext_Log()
    {
        var ml = new MLContext(seed: 1);
        var lines = new List<string>();
        ml.Log += (_, e) => { lock (lines) lines.Add(e.Message); };
        var options = Houses.QuickOptions(6);
        options.EarlyStopping = false;

        IDataView houses = Houses.Load(ml);
        Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(options)).Fit(houses);

        // The L2 penalty is left unset, so the log says what the row-count rule chose.
        int rows = houses.GetColumn<float>("Price").Count();
        Assert.Contains(lines, l => l.Contains("Backprop regression:") && l.Contains("hidden layers [16]")
            && l.Contains($"L2 {BackpropDefaults.L2RegularizationFor(rows):G3} (for {rows} rows)"));
        for (int epoch = 1; epoch <= 6; epoch++)
            Assert.Contains(lines, l => l.Contains($"Epoch {epoch}: training loss") && l.Contains("validation loss"));
        Assert.Contains(lines, l => l.Contains("stopped after epoch 6: Completed"));
    }

    [Fact]
    public void A_deep_sigmoid_network_warns_of_vanishing_gradients_in_the_log_the_callback_and_the_saved_model()
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        var epochLines = new List<string>();
        ml.Log += (_, e) =>
        {
            lock (warnings)
                (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning ? warnings : epochLines).Add(e.Message);
        };
        var raised = new List<TrainingWarning>();
        var options = Houses.QuickOptions(6);
        options.HiddenLayers = Enumerable.Repeat(16, 12).ToArray();
        options.Activation = Activation.Sigmoid;
        options.EarlyStopping = false;
        options.WarningRaised = raised.Add;

        IDataView houses = Houses.Load(ml);
        var model = Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(options)).Fit(houses);

        TrainingWarning vanishing = Assert.Single(raised);
        Assert.Equal(TrainingWarningKind.VanishingGradients, vanishing.Kind);
        Assert.Contains(warnings, l => l.Contains("Vanishing gradients") && l.Contains("Try ReLU or GELU"));
        // Each epoch's line profiles the 13 layers' gradient RMS, first to output.
        Assert.Contains(epochLines, l => l.Contains("Epoch 6: training loss") && l.Split("gradient RMS ")[1].Split(" / ").Length == 13);

        string path = Path.Combine(Path.GetTempPath(), $"backprop-vanishing-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, houses.Schema, path);
            var loaded = (TransformerChain<ITransformer>)ml.Model.Load(path, out _);
            var parameters = ((RegressionPredictionTransformer<BackpropRegressionModelParameters>)loaded.LastTransformer).Model;
            Assert.Equal([vanishing], parameters.History.Warnings);
            Assert.All(parameters.History.Epochs, e => Assert.Equal(13, e.Diagnostics!.Layers.Count));
        }
        finally
        {
            File.Delete(path);
        }
    }


    [Fact]
    public void EpochCompleted_sees_every_epoch_the_history_keeps()
    {
        var ml = new MLContext(seed: 1);
        var seen = new List<EpochRecord>();
        var options = Houses.QuickOptions(8);
        options.EpochCompleted = seen.Add;
        options.RefitOnAllRows = false; // a refit's history is its own run's, after the held-out run's epochs

        var model = Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(options)).Fit(Houses.Load(ml));

        Assert.Equal(model.LastTransformer.Model.History.Epochs, seen);
        Assert.All(seen, e => Assert.NotNull(e.ValidationLoss));
    }
    [Fact]
    public void RefitOnAllRows_trains_the_chosen_epochs_again_on_every_row_by_default_and_says_so()
    {
        var ml = new MLContext(seed: 1);
        var lines = new List<string>();
        ml.Log += (_, e) => { lock (lines) lines.Add(e.Message); };
        var data = Houses.Load(ml);
        BackpropRegressionModelParameters Fit(bool? refit)
        {
            var options = Houses.QuickOptions(200);
            options.EarlyStoppingPatience = 5;
            options.RefitOnAllRows = refit;
            return Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(options)).Fit(data).LastTransformer.Model;
        }

        var heldOut = Fit(false);
        var refitted = Fit(true);
        var unset = Fit(null); // 932 homes, weights averaged: the default refits

        Assert.Equal(Backprop.StopReason.EarlyStopped, heldOut.History.StopReason);
        Assert.Equal(Backprop.StopReason.Refitted, refitted.History.StopReason);
        Assert.Equal(heldOut.History.BestEpoch, refitted.History.Epochs.Count);
        Assert.Equal(Backprop.StopReason.Refitted, unset.History.StopReason);
        Assert.Equal(refitted.History.Epochs.Select(e => e.TrainingLoss), unset.History.Epochs.Select(e => e.TrainingLoss));
        Assert.Contains(lines, l => l.Contains("Training again on every row"));
        Assert.Contains(lines, l => l.Contains("Refitted; trained on every row"));
        // The first line of each fit says whether it will refit: the refitting two do, the other does not.
        Assert.Equal(2, lines.Count(l => l.Contains("Backprop regression:") && l.Contains("then a refit on every row")));
        Assert.Equal(3, lines.Count(l => l.Contains("Backprop regression:")));
        // ... and that the weights are averaged, as every fit here leaves the weight average at its default.
        Assert.Equal(3, lines.Count(l => l.Contains("Backprop regression:") && l.Contains("weights averaged over epochs (decay 0.9)")));
    }

    [Fact]
    public void CancelExecution_stops_training()
    {
        var ml = new MLContext(seed: 1);
        var options = Houses.QuickOptions(1000);
        options.EarlyStopping = false;
        int epochsSeen = 0;
        ml.Log += (_, e) =>
        {
            if (e.Message.Contains(": training loss") && Interlocked.Increment(ref epochsSeen) == 3)
                ml.CancelExecution();
        };

        Assert.ThrowsAny<OperationCanceledException>(() =>
            Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(options)).Fit(Houses.Load(ml)));
        Assert.Equal(3, epochsSeen);
    }

    private sealed class Point
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    [Fact]
    public void CancelExecution_while_the_training_data_is_read_stops_the_read()
    {
        var ml = new MLContext(seed: 1);
        const int rows = 1_000_000;
        int produced = 0;
        IEnumerable<Point> Points()
        {
            for (int i = 0; i < rows; i++)
            {
                if (++produced == 10_000)
                    ml.CancelExecution();
                yield return new Point { Features = [i % 7, i % 3], Label = i % 5 };
            }
        }

        Assert.ThrowsAny<OperationCanceledException>(() =>
            ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options { HiddenLayers = [2] }).Fit(ml.Data.LoadFromEnumerable(Points())));
        Assert.True(produced < 20_000, $"{produced} of {rows} rows were produced before the cancellation was noticed");
    }

    [Fact]
    public void CrossValidate_and_both_permutation_feature_importance_overloads_work()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(Houses.Load(ml));
        var pipeline = Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(Houses.QuickOptions(40)));

        var folds = ml.Regression.CrossValidate(data, pipeline, numberOfFolds: 3, labelColumnName: "Price", seed: 3);
        Assert.Equal(3, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.RSquared > 0.3, $"fold R² {f.Metrics.RSquared:F3}"));

        var model = pipeline.Fit(data);
        var transformed = model.Transform(data);
        int slots = ((VectorDataViewType)transformed.Schema["Features"].Type).Size;
        var bySlot = ml.Regression.PermutationFeatureImportance(model.LastTransformer, transformed, "Price", permutationCount: 2);
        Assert.Equal(slots, bySlot.Length);
        // The ITransformer overload takes the whole model and the data it has transformed.
        var byName = ml.Regression.PermutationFeatureImportance(model, transformed, "Price", permutationCount: 2);
        Assert.Equal(slots, byName.Count);
        // Floor area matters most for a price: permuting it costs the most R².
        var mostImportant = byName.MinBy(kv => kv.Value.RSquared.Mean).Key;
        Assert.Equal("Sqft", mostImportant);
    }

    [Fact]
    public void The_transformer_scores_the_same_from_many_threads()
    {
        var ml = new MLContext(seed: 1);
        var data = Houses.Load(ml);
        var model = Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(Houses.QuickOptions(10))).Fit(data);
        var houses = ml.Data.CreateEnumerable<House>(data, reuseRowObject: false).ToArray();
        float[] expected = Houses.Scores(model.Transform(data));

        var results = new float[houses.Length];
        Parallel.For(0, 4, worker =>
        {
            using var engine = ml.Model.CreatePredictionEngine<House, PricePrediction>(model);
            for (int i = worker; i < houses.Length; i += 4)
                results[i] = engine.Predict(houses[i]).Price;
        });

        Assert.Equal(expected, results);
    }
}
