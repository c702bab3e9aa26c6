using Backprop.MLNet.Comparison;
using Microsoft.ML;

namespace Backprop.MLNet.Samples.Tests;

/// <summary>The hyperparameter search: successive halving's shape, its reproducibility, and the code it reports.</summary>
public class BackpropSearchTests
{
    private static ComparisonResult Search(int trials, int seed = 1)
    {
        var ml = new MLContext(seed: 1);
        var data = TabularData.LoadCsv(ml, SampleProcess.Shipped("iris.csv"), "species");
        var options = new ComparisonOptions
        {
            Candidates = [],
            Search = new SearchOptions { MaxTrials = trials, Seed = seed },
        };
        return new TrainerComparison(ml, options).Run(data);
    }

    [Fact]
    public void Nine_trials_on_five_folds_keep_a_third_at_each_rung_and_start_from_the_defaults()
    {
        var search = Search(9).Search!;

        Assert.Equal("trials", search.StoppedBy);
        Assert.Equal(9, search.Trials.Count);
        Assert.Equal(BackpropConfiguration.DefaultFor(PredictionTask.MulticlassClassification), search.Trials[0].Configuration);
        Assert.Equal([256], search.Trials[0].Configuration.HiddenLayers);
        Assert.Equal([1, 1, 1, 1, 1, 1, 3, 3, 5], search.Trials.Select(t => t.Folds.Count).Order());

        // The winner is the best of those that reached every fold, and its folds are the tuned entry's.
        var full = search.Trials.Single(t => t.Folds.Count == 5);
        Assert.Equal(full.Configuration, search.Best);
        Assert.Equal(full.Folds, search.BestFolds);
        // It got there by ranking first among the three-fold survivors.
        var threeFold = search.Trials.Where(t => t.Folds.Count >= 3).OrderByDescending(t => t.Folds.Take(3).Average(f => f.Metrics[0]));
        Assert.Equal(full.Number, threeFold.First().Number);
    }

    [Fact]
    public void The_same_seed_and_trial_count_give_the_same_search_and_another_seed_another()
    {
        var first = Search(4);
        var again = Search(4);
        var other = Search(4, seed: 2);

        Assert.Equal(first.Search!.Trials.Select(t => t.Configuration), again.Search!.Trials.Select(t => t.Configuration));
        Assert.Equal(first.Search.Trials.SelectMany(t => t.Folds.Select(f => f.Metrics[0])), again.Search.Trials.SelectMany(t => t.Folds.Select(f => f.Metrics[0])));
        Assert.NotEqual(first.Search.Trials[1].Configuration, other.Search!.Trials[1].Configuration);
    }

    [Fact]
    public void The_reported_code_names_the_trainer_and_every_searched_value_exactly()
    {
        var configuration = new BackpropConfiguration
        {
            HiddenLayers = [256, 128],
            Activation = ActivationKind.Tanh,
            LearningRate = 0.0031234567f,
            BatchSize = 32,
            L2Regularization = 1.2345e-4f,
            Dropout = 0.2f,
        };

        string code = configuration.ToCode(PredictionTask.BinaryClassification, "Label", "Features", seed: 7);

        Assert.StartsWith("var trainer = mlContext.BinaryClassification.Trainers.Backprop(new BackpropBinaryTrainer.Options", code);
        Assert.Contains("HiddenLayers = new[] { 256, 128 },", code);
        Assert.Contains("Activation = Activation.Tanh,", code);
        Assert.Contains("BatchSize = 32,", code);
        Assert.Contains("Seed = 7,", code);
        // The float literals read back as the very values searched.
        Assert.Contains($"LearningRate = {0.0031234567f.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}f,", code);
        Assert.Contains($"L2Regularization = {1.2345e-4f.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}f,", code);
        Assert.Contains("Dropout = 0.2f,", code);

        // And the options it describes are the ones the comparison trained.
        var options = configuration.Apply(new BackpropBinaryTrainer.Options(), "Label", "Features", 7);
        Assert.Equal([256, 128], options.HiddenLayers);
        Assert.Equal((0.0031234567f, 32, 1.2345e-4f, 0.2f, 7),
            (options.LearningRate, options.BatchSize, options.L2Regularization, options.Dropout, options.Seed!.Value));
        Assert.Equal(ActivationKind.Tanh, options.Activation.Kind);
    }

    [Fact]
    public void An_unset_L2_penalty_stays_unset_in_the_code_and_the_options_so_the_trainer_picks_it_from_the_rows()
    {
        var configuration = BackpropConfiguration.DefaultFor(PredictionTask.Regression);

        Assert.Null(configuration.L2Regularization);
        Assert.Contains("L2 by rows", configuration.Describe());
        Assert.DoesNotContain("L2Regularization", configuration.ToCode(PredictionTask.Regression, "Label", "Features", seed: 7));
        Assert.Null(configuration.Apply(new BackpropRegressionTrainer.Options { L2Regularization = 0.5f }, "Label", "Features", 7)
            .L2Regularization);
    }
}
