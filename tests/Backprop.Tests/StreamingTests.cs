using Backprop.Tests.Support;

namespace Backprop.Tests;

/// <summary>
/// <see cref="MlpTrainer.TrainStreamed"/>: with a shuffle buffer that holds every row it trains exactly as on rows in
/// memory; with a small buffer and blocks read in a seeded order it is bit-identical across runs, thread counts and a
/// warm start's split, and learns about as well; rows are held out by a seeded hash; and what it cannot do, or a source
/// that misbehaves, is refused with the row or option named.
/// </summary>
public class StreamingTests
{
    private static MlpTrainerOptions Options(Action<MlpTrainerOptions>? configure = null)
    {
        var options = new MlpTrainerOptions { HiddenLayers = [16, 8], NumberOfIterations = 6, BatchSize = 32, Seed = 5 };
        configure?.Invoke(options);
        return options;
    }

    private static TrainingData Classes(int rows, int classes, bool weighted)
    {
        var random = new Random(3);
        var x = new float[rows * 4];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < 4; c++)
                x[r * 4 + c] = (float)(random.NextDouble() * 2 - 1);
            y[r] = classes == 2 ? (x[r * 4] + x[r * 4 + 1] > 0 ? 1 : 0) : Math.Min(classes - 1, (int)((x[r * 4] + 1) / 2 * classes));
        }
        return new TrainingData(x, 4, y, weighted ? Enumerable.Range(0, rows).Select(r => 0.5f + r % 3).ToArray() : null);
    }

    public static TheoryData<string> ExactCases => new(
        "regression, label standardised, no rows held out",
        "regression, periodic embedding, validation set, R² early stopping",
        "binary, weighted, dropout, validation set",
        "multiclass, class weights, no shuffle");

    [Theory]
    [MemberData(nameof(ExactCases))]
    public void A_buffer_that_holds_every_row_trains_exactly_as_in_memory(string name)
    {
        TrainingData train, validation;
        MlpTrainerOptions options;
        switch (name)
        {
            case "regression, label standardised, no rows held out":
                (train, validation) = (SyntheticData.Regression(300, 4, seed: 1), null!);
                options = Options(o => o.ValidationFraction = 0f);
                break;
            case "regression, periodic embedding, validation set, R² early stopping":
                (train, validation) = (SyntheticData.Regression(300, 4, seed: 2), SyntheticData.Regression(80, 4, seed: 3));
                options = Options(o => (o.NumericEmbedding, o.EarlyStoppingMetric, o.EarlyStoppingPatience) = (new PeriodicEmbedding(), ValidationMetric.RSquared, 2));
                break;
            case "binary, weighted, dropout, validation set":
                (train, validation) = (Classes(300, 2, weighted: true), Classes(60, 2, weighted: false));
                options = Options(o => (o.Loss, o.Dropout) = (LossFunction.BinaryCrossEntropy(), 0.2f));
                break;
            default:
                (train, validation) = (Classes(300, 3, weighted: false), null!);
                options = Options(o => (o.Loss, o.ValidationFraction, o.Shuffle) = (LossFunction.SoftmaxCrossEntropy([1f, 2f, 1f]), 0f, false));
                break;
        }

        var inMemory = new MlpTrainer(options).Train(train, validation);
        var streamed = new MlpTrainer(options).TrainStreamed(TrainingRowSource.FromData(train, blockRows: 7), validation);

        Assert.Equal(inMemory.Parameters.ToArray(), streamed.Parameters.ToArray());
        Assert.Equal(inMemory.LabelScaling, streamed.LabelScaling);
        Assert.Equal(inMemory.History.Epochs.Select(e => (e.TrainingLoss, e.ValidationLoss, e.ValidationMetric)),
            streamed.History.Epochs.Select(e => (e.TrainingLoss, e.ValidationLoss, e.ValidationMetric)));
        Assert.Equal(inMemory.Layout.Embedding?.EmbeddedFeatures, streamed.Layout.Embedding?.EmbeddedFeatures);
    }

    [Fact]
    public void A_streamed_fit_is_bit_identical_across_runs_and_thread_counts()
    {
        var data = SyntheticData.Regression(700, 6, seed: 4);
        var source = TrainingRowSource.FromData(data, blockRows: 16);
        // The held-out run's own network (no refit), whose history scores the held-out rows.
        MlpTrainerOptions Small(int threads) => Options(o => (o.HiddenLayers, o.ShuffleBufferRows, o.ShuffleSource, o.NumberOfThreads, o.RefitOnAllRows) = ([96, 64], 50, true, threads, false));

        var first = new MlpTrainer(Small(1)).TrainStreamed(source);
        var again = new MlpTrainer(Small(1)).TrainStreamed(source);
        var twoThreads = new MlpTrainer(Small(2)).TrainStreamed(source);

        Assert.Equal(first.Parameters.ToArray(), again.Parameters.ToArray());
        Assert.Equal(first.Parameters.ToArray(), twoThreads.Parameters.ToArray());
        Assert.All(first.History.Epochs, e => Assert.NotNull(e.ValidationLoss));
        // A smaller buffer reads the rows in another order, so it trains another network.
        var whole = new MlpTrainer(Small(1)).Train(data);
        Assert.NotEqual(whole.Parameters.ToArray(), first.Parameters.ToArray());
    }

    [Fact]
    public void A_streamed_refit_trains_the_chosen_epoch_count_again_on_every_row()
    {
        var source = TrainingRowSource.FromData(SyntheticData.Regression(600, 4, seed: 9), blockRows: 16);
        MlpTrainerOptions Streamed(bool refit, int threads) => Options(o =>
            (o.NumberOfIterations, o.EarlyStoppingPatience, o.ShuffleBufferRows, o.ShuffleSource, o.RefitOnAllRows, o.NumberOfThreads) = (20, 3, 50, true, refit, threads));

        var heldOut = new MlpTrainer(Streamed(false, 1)).TrainStreamed(source);
        var refitted = new MlpTrainer(Streamed(true, 1)).TrainStreamed(source);
        var byHand = Streamed(false, 1);
        (byHand.ValidationFraction, byHand.EarlyStopping, byHand.NumberOfIterations) = (0f, false, heldOut.History.BestEpoch!.Value);

        Assert.Equal(StopReason.Refitted, refitted.History.StopReason);
        Assert.Equal(heldOut.History.BestEpoch, refitted.History.Epochs.Count);
        Assert.Equal(new MlpTrainer(byHand).TrainStreamed(source).Parameters.ToArray(), refitted.Parameters.ToArray());
        Assert.Equal(refitted.Parameters.ToArray(), new MlpTrainer(Streamed(true, 2)).TrainStreamed(source).Parameters.ToArray());
    }

    [Fact]
    public void Held_out_rows_kept_in_memory_or_read_again_score_alike()
    {
        var source = TrainingRowSource.FromData(SyntheticData.Regression(500, 4, seed: 8), blockRows: 16);
        MlpTrainerOptions Limit(long bytes) => Options(o => (o.ShuffleBufferRows, o.HeldOutMemoryBytes, o.RefitOnAllRows) = (64, bytes, false));

        var kept = new MlpTrainer(Limit(SourceScan.HeldOutBytes)).TrainStreamed(source);
        var readAgain = new MlpTrainer(Limit(0)).TrainStreamed(source);

        Assert.Equal(kept.Parameters.ToArray(), readAgain.Parameters.ToArray());
        Assert.Equal(kept.History.Epochs.Select(e => e.ValidationLoss), readAgain.History.Epochs.Select(e => e.ValidationLoss));
        Assert.All(kept.History.Epochs, e => Assert.NotNull(e.ValidationLoss));
    }

    [Fact]
    public void A_streamed_warm_start_continues_exactly()
    {
        var source = TrainingRowSource.FromData(SyntheticData.Regression(400, 4, seed: 6), blockRows: 10);
        // No weight average: a warm start continues from the model's weights, which would be the average, not the optimiser's.
        MlpTrainerOptions Epochs(int n) => Options(o => (o.NumberOfIterations, o.ShuffleBufferRows, o.EarlyStopping, o.WeightAverageDecay) = (n, 64, false, 0f));

        var eight = new MlpTrainer(Epochs(8)).TrainStreamed(source);
        var four = new MlpTrainer(Epochs(4)).TrainStreamed(source);
        var fourMore = new MlpTrainer(Epochs(4)).TrainStreamed(source, initialModel: four);

        Assert.Equal(eight.Parameters.ToArray(), fourMore.Parameters.ToArray());
    }

    [Fact]
    public void A_small_buffer_learns_about_as_well_as_rows_in_memory()
    {
        var (train, test) = HousingData.LoadSplit();
        var options = Options(o => (o.HiddenLayers, o.NumberOfIterations, o.ShuffleBufferRows) = ([32, 16], 60, 40));

        double inMemory = HousingData.RSquared(Predict(new MlpTrainer(options).Train(train), test), test.Labels);
        double streamed = HousingData.RSquared(
            Predict(new MlpTrainer(options).TrainStreamed(TrainingRowSource.FromData(train, blockRows: 25)), test), test.Labels);

        Assert.True(streamed > 0.55, $"streamed test R² {streamed:F3}");
        Assert.True(Math.Abs(streamed - inMemory) < 0.03, $"streamed R² {streamed:F3}, in memory {inMemory:F3}");
    }

    [Fact]
    public void An_ensemble_streams_with_members_holding_out_disjoint_folds()
    {
        var source = TrainingRowSource.FromData(SyntheticData.Regression(500, 4, seed: 7), blockRows: 20);
        MlpTrainerOptions Ensemble(int threads) => Options(o => (o.NumberOfModels, o.ShuffleBufferRows, o.NumberOfThreads) = (3, 100, threads));

        var one = new MlpTrainer(Ensemble(1)).TrainEnsembleStreamed(source);
        var two = new MlpTrainer(Ensemble(2)).TrainEnsembleStreamed(source);

        for (int m = 0; m < 3; m++)
            Assert.Equal(one.Members[m].Parameters.ToArray(), two.Members[m].Parameters.ToArray());
        Assert.NotEqual(one.Members[0].Parameters.ToArray(), one.Members[1].Parameters.ToArray());

        var folds = Enumerable.Range(0, 5).Select(j => new HoldOutRule(11, j / 5.0, (j + 1) / 5.0)).ToArray();
        int[] foldOf = Enumerable.Range(0, 100_000).Select(id => Array.FindIndex(folds, f => f.IsHeldOut(id))).ToArray();
        Assert.DoesNotContain(-1, foldOf);
        Assert.All(Enumerable.Range(0, 5), j => Assert.InRange(foldOf.Count(f => f == j), 19_500, 20_500));
        Assert.Equal(foldOf.Take(1000), Enumerable.Range(0, 1000).Select(id => Array.FindIndex(folds, f => f.IsHeldOut(id))));
    }

    [Fact]
    public void A_fraction_held_out_by_hash_is_about_that_fraction_and_differs_by_seed()
    {
        var rule = new HoldOutRule(3, 0, 0.2);
        var other = new HoldOutRule(4, 0, 0.2);

        int heldOut = Enumerable.Range(0, 100_000).Count(id => rule.IsHeldOut(id));
        int both = Enumerable.Range(0, 100_000).Count(id => rule.IsHeldOut(id) && other.IsHeldOut(id));

        Assert.InRange(heldOut, 19_500, 20_500);
        Assert.InRange(both, 3_600, 4_400); // independent: 0.2 × 0.2
        Assert.False(HoldOutRule.None.IsHeldOut(0));
    }

    [Fact]
    public void LBFGS_is_refused_by_name()
    {
        var source = TrainingRowSource.FromData(SyntheticData.Regression(50, 3, seed: 1));

        var error = Assert.Throws<ArgumentException>(() => new MlpTrainer(Options(o => o.Optimizer = new LbfgsOptimizer())).TrainStreamed(source));

        Assert.Equal("Optimizer", error.ParamName);
        Assert.Contains("L-BFGS", error.Message);
        Assert.Contains("Adam", error.Message);
    }

    [Fact]
    public void A_bad_streamed_value_names_its_row()
    {
        var data = SyntheticData.Regression(50, 3, seed: 1);
        data.Features[7 * 3 + 2] = float.NaN;
        var badFeature = Assert.Throws<ArgumentException>(() => new MlpTrainer(Options()).TrainStreamed(TrainingRowSource.FromData(data)));
        Assert.Contains("Row 7", badFeature.Message);
        Assert.Contains("feature 2", badFeature.Message);

        var classes = Classes(50, 2, weighted: false);
        classes.Labels[9] = 3f;
        var badLabel = Assert.Throws<ArgumentException>(() =>
            new MlpTrainer(Options(o => o.Loss = LossFunction.BinaryCrossEntropy())).TrainStreamed(TrainingRowSource.FromData(classes)));
        Assert.Contains("labels[9] is 3", badLabel.Message);
    }

    [Fact]
    public void A_source_that_returns_other_rows_on_a_later_pass_is_refused()
    {
        var source = new ShrinkingSource(SyntheticData.Regression(100, 3, seed: 1));

        var error = Assert.Throws<InvalidOperationException>(() => new MlpTrainer(Options(o => o.ValidationFraction = 0f)).TrainStreamed(source));

        Assert.Contains("same rows", error.Message);
    }

    [Fact]
    public void An_empty_source_or_one_class_is_refused()
    {
        var empty = Assert.Throws<ArgumentException>(() => new MlpTrainer(Options()).TrainStreamed(new ShrinkingSource(null)));
        Assert.Contains("no rows", empty.Message);

        var classes = Classes(60, 2, weighted: false);
        Array.Fill(classes.Labels, 1f);
        var single = Assert.Throws<ArgumentException>(() =>
            new MlpTrainer(Options(o => o.Loss = LossFunction.BinaryCrossEntropy())).TrainStreamed(TrainingRowSource.FromData(classes)));
        Assert.Contains("at least two classes", single.Message);
    }

    private static float[] Predict(MultilayerPerceptron model, TrainingData data)
        => Enumerable.Range(0, data.RowCount).Select(r => model.Predict(data.Features.AsSpan(r * data.FeatureCount, data.FeatureCount))[0]).ToArray();

    /// <summary>Returns every row on its first cursor and one fewer on each later one (or none at all without data).</summary>
    private sealed class ShrinkingSource(TrainingData? data) : TrainingRowSource(data?.FeatureCount ?? 3, hasWeights: false)
    {
        private int _cursors;

        public override TrainingRowCursor GetCursor(int? shuffleSeed)
        {
            if (data is null)
                return new Skipping(null);
            var all = FromData(data).GetCursor(null);
            return _cursors++ == 0 ? all : new Skipping(all);
        }

        // Skips the first row of the inner cursor; without one, returns nothing.
        private sealed class Skipping(TrainingRowCursor? inner) : TrainingRowCursor
        {
            private bool _skipped;

            public override bool MoveNext(Span<float> features, out float label, out float weight, out long rowId)
            {
                (label, weight, rowId) = (0f, 0f, -1);
                if (inner is null)
                    return false;
                if (!_skipped)
                {
                    _skipped = true;
                    inner.MoveNext(features, out _, out _, out _);
                }
                return inner.MoveNext(features, out label, out weight, out rowId);
            }
        }
    }
}
