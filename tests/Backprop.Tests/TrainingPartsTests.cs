using Backprop.Tests.Support;

namespace Backprop.Tests;

/// <summary>The training loop's parts, each on its own: rows and label scaling, early stopping, the epoch strategies.</summary>
public class TrainingPartsTests
{
    [Fact]
    public void Early_stopping_keeps_the_best_epoch_counts_patience_and_restores_only_when_needed()
    {
        var tracker = new EarlyStoppingTracker(parameterCount: 2, patience: 2, minDelta: 0.1);
        float[] parameters = [1, 1];

        Assert.False(tracker.Observe(5.0, 1, parameters));
        parameters[0] = 2;
        Assert.False(tracker.Observe(4.0, 2, parameters));   // better by 1: the new best
        parameters[0] = 3;
        Assert.False(tracker.Observe(3.95, 3, parameters));  // better by less than minDelta: no improvement, 1 epoch
        parameters[0] = 4;
        Assert.True(tracker.Observe(4.5, 4, parameters));    // 2 epochs without improvement: stop

        Assert.Equal(2, tracker.BestEpoch);
        tracker.RestoreBest(parameters, lastEpochNumber: 4);
        Assert.Equal([2f, 1f], parameters);

        float[] untouched = [9, 9];
        tracker.RestoreBest(untouched, lastEpochNumber: 2);  // the last epoch was the best: nothing to restore
        Assert.Equal([9f, 9f], untouched);
    }

    [Fact]
    public void Training_rows_hold_out_a_seeded_fraction_and_standardise_the_label_on_the_training_rows_only()
    {
        var data = SyntheticData.Regression(100, 3, seed: 1);
        var options = new MlpTrainerOptions { ValidationFraction = 0.2f, Seed = 4 };

        var rows = TrainingRows.Prepare(options, LossFunction.SquaredError, data, null, null);
        var again = TrainingRows.Prepare(options, LossFunction.SquaredError, data, null, null);
        var (train, held) = ((RowSet)rows.Train, (RowSet)rows.Validation!);

        Assert.Equal(80, rows.Train.Count);
        Assert.Equal(20, rows.Validation!.Count);
        Assert.Empty(train.Rows.Intersect(held.Rows));
        Assert.Equal(train.Rows, ((RowSet)again.Train).Rows);
        double mean = train.Rows.Average(r => (double)data.Labels[r]);
        Assert.Equal(mean, rows.LabelScaling!.Value.Offset, 6);
        // The network sees the standardised label, on the held-out rows too.
        Assert.Equal(0.0, train.RowTargets.Average(t => (double)t), 5);
        Assert.Equal(rows.LabelScaling.Value.ToNetwork(data.Labels[held.Rows[0]]), held.RowTargets[0]);
    }

    [Fact]
    public void A_given_validation_set_a_zero_fraction_and_a_classifier_leave_the_rows_and_labels_as_they_are()
    {
        var data = SyntheticData.Regression(50, 3, seed: 2);
        var classes = new TrainingData(data.Features, 3, data.Labels.Select(y => y > 0 ? 1f : 0f).ToArray());

        var given = TrainingRows.Prepare(new MlpTrainerOptions(), LossFunction.SquaredError, data, data, null);
        var none = TrainingRows.Prepare(new MlpTrainerOptions { ValidationFraction = 0f, StandardizeLabel = false }, LossFunction.SquaredError, data, null, null);
        var classifier = TrainingRows.Prepare(new MlpTrainerOptions(), LossFunction.BinaryCrossEntropy(), classes, null, null);

        Assert.Equal(50, given.Train.Count);
        Assert.Same(data, ((RowSet)given.Validation!).Data);
        Assert.Null(none.Validation);
        Assert.Null(none.LabelScaling);
        Assert.Equal(data.Labels, ((RowSet)none.Train).RowTargets);
        Assert.Null(classifier.LabelScaling);
        Assert.Equal(40, classifier.Train.Count);
    }

    [Fact]
    public void Each_optimiser_makes_its_own_epoch_strategy()
    {
        var layout = new NetworkLayout(3, [3, 1], [Activation.ReLU]);
        var data = SyntheticData.Regression(10, 3, seed: 3);
        var rows = TrainingRows.Prepare(new MlpTrainerOptions { ValidationFraction = 0f }, LossFunction.SquaredError, data, null, null);
        var context = new TrainingContext(new MlpTrainerOptions(), new Objective(layout, LossFunction.SquaredError, 0f, 0f), rows.Train,
            new BatchBuffer(new Propagator(layout, 10, withDropout: false, threads: 1)), CancellationToken.None);

        Assert.IsType<MiniBatchEpochs>(new AdamOptimizer().CreateEpochs(context));
        Assert.IsType<MiniBatchEpochs>(new SgdOptimizer().CreateEpochs(context));
        Assert.IsType<MiniBatchEpochs>(new RmsPropOptimizer().CreateEpochs(context));
        Assert.IsType<MiniBatchEpochs>(new AdamWOptimizer().CreateEpochs(context));
        Assert.IsType<FullBatchEpochs>(new LbfgsOptimizer().CreateEpochs(context));
    }

    [Fact]
    public void A_full_batch_epoch_lowers_the_objective_and_reports_convergence()
    {
        var layout = new NetworkLayout(3, [1], []);
        var data = SyntheticData.Regression(40, 3, seed: 5);
        var rows = TrainingRows.Prepare(new MlpTrainerOptions { ValidationFraction = 0f, StandardizeLabel = false }, LossFunction.SquaredError, data, null, null);
        var options = new MlpTrainerOptions();
        var context = new TrainingContext(options, new Objective(layout, LossFunction.SquaredError, 0f, 0f), rows.Train,
            new BatchBuffer(new Propagator(layout, 16, withDropout: false, threads: 1)), CancellationToken.None);
        var lbfgs = new LbfgsOptimizer();
        var epochs = lbfgs.CreateEpochs(context);
        float[] parameters = new float[layout.ParameterCount];
        var progress = new OptimizerProgress(lbfgs.CreateBuffers(parameters.Length), 0);

        epochs.Begin(parameters);
        var losses = new List<double>();
        bool progressed = true;
        while (progressed && losses.Count < 100)
        {
            (double loss, progressed) = epochs.Run(parameters, losses.Count, 0.001f, progress);
            losses.Add(loss);
        }

        Assert.True(losses[^1] < losses[0], $"{losses[0]} → {losses[^1]}");
        Assert.False(progressed, "a linear least-squares fit converges well within 100 iterations");
        Assert.Equal(losses.Count, progress.Steps);
    }
}
