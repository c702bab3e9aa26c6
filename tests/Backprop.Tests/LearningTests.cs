using Backprop.Tests.Support;
using Xunit.Abstractions;

namespace Backprop.Tests;

public class LearningTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Adam")]
    [InlineData("L-BFGS")]
    public void Xor_is_solved(string optimizer)
    {
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] y = [0, 1, 1, 0];
        var options = new MlpTrainerOptions
        {
            HiddenLayers = [8], Activation = Activation.Tanh, Loss = LossFunction.BinaryCrossEntropy(),
            Optimizer = optimizer == "Adam" ? new AdamOptimizer() : new LbfgsOptimizer(), LearningRate = 0.05f,
            BatchSize = 4, NumberOfIterations = 1000, EarlyStopping = false, ValidationFraction = 0f, L2Regularization = 0f, Seed = 1,
        };
        MultilayerPerceptron model = new MlpTrainer(options).Train(new TrainingData(x, 2, y));

        var probabilities = new float[4];
        model.Predict(x, probabilities);
        for (int i = 0; i < 4; i++)
            Assert.True(Math.Abs(probabilities[i] - y[i]) < 0.1, $"XOR({x[2 * i]}, {x[2 * i + 1]}) predicted {probabilities[i]:F3}");
    }

    /// <summary>
    /// Price from (sqft, beds, baths) on the Sacramento sales, 80/20 split (seed 42), with scikit-learn's solver for
    /// small data: L-BFGS, 16 ReLU units, L2 0.03. Bar: test R² ≥ 0.62 and above ordinary least squares on the same
    /// split. Measured: the network 0.626–0.628 over seeds 0–3, OLS 0.619. With three features the relation is nearly
    /// linear, so the margin is small and depends on the split (averaged over four splits, +0.005).
    /// </summary>
    [Fact]
    public void House_prices_are_learned_better_than_least_squares()
    {
        (TrainingData train, TrainingData test) = HousingData.LoadSplit(seed: 42);
        var options = new MlpTrainerOptions
        {
            HiddenLayers = [16], Optimizer = new LbfgsOptimizer(), L2Regularization = 0.03f, NumberOfIterations = 300, EarlyStopping = false,
        };
        MultilayerPerceptron model = new MlpTrainer(options).Train(train);

        var predictions = new float[test.RowCount];
        model.Predict(test.Features, predictions);
        double network = HousingData.RSquared(predictions, test.Labels);
        double leastSquares = HousingData.RSquared(HousingData.FitLeastSquares(train)(test.Features), test.Labels);
        output.WriteLine($"test R²: network {network:F4}, least squares {leastSquares:F4}, iterations {model.History.Epochs.Count}");

        Assert.True(network >= 0.62, $"network R² {network:F4} is below the 0.62 bar");
        Assert.True(network > leastSquares, $"network R² {network:F4} does not beat least squares {leastSquares:F4}");
    }

    [Fact]
    public void Raw_dollar_labels_train_as_well_as_standardised_ones_thanks_to_label_scaling()
    {
        (TrainingData train, TrainingData test) = HousingData.LoadSplit();
        var options = new MlpTrainerOptions { HiddenLayers = [16], LearningRate = 0.01f, BatchSize = 64, NumberOfIterations = 60, EarlyStopping = false };
        MultilayerPerceptron scaled = new MlpTrainer(options).Train(train);
        options.StandardizeLabel = false;
        MultilayerPerceptron raw = new MlpTrainer(options).Train(train);

        double R2(MultilayerPerceptron m)
        {
            var p = new float[test.RowCount];
            m.Predict(test.Features, p);
            return HousingData.RSquared(p, test.Labels);
        }
        output.WriteLine($"R² with label scaling {R2(scaled):F4}, without {R2(raw):F4}");
        Assert.NotNull(scaled.LabelScaling);
        Assert.True(R2(scaled) > 0.5, $"R² {R2(scaled):F4} with label scaling");
        Assert.True(R2(raw) < 0.2, "without scaling, dollar-sized targets should defeat an untuned learning rate; if this passes the test proves nothing");
    }

    [Fact]
    public void Multiclass_softmax_separates_three_gaussian_blobs()
    {
        var random = new Random(11);
        int n = 300;
        float[] x = new float[n * 2], y = new float[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % 3;
            y[i] = c;
            x[2 * i] = (float)(Math.Cos(2 * Math.PI * c / 3) * 3 + random.NextDouble() - 0.5);
            x[2 * i + 1] = (float)(Math.Sin(2 * Math.PI * c / 3) * 3 + random.NextDouble() - 0.5);
        }
        var options = new MlpTrainerOptions
        {
            HiddenLayers = [8], Loss = LossFunction.SoftmaxCrossEntropy(labelSmoothing: 0.05f), LearningRate = 0.01f,
            BatchSize = 32, NumberOfIterations = 50, ValidationFraction = 0.2f, EarlyStoppingMetric = ValidationMetric.Accuracy,
            RefitOnAllRows = false,
        };
        MultilayerPerceptron model = new MlpTrainer(options).Train(new TrainingData(x, 2, y));

        Assert.Equal(3, model.OutputCount);
        Assert.Equal("Accuracy", model.History.MetricName);
        Assert.Equal(1.0, model.History.Epochs[^1].ValidationMetric!.Value, 3);
        float[] p = model.Predict(x.AsSpan(0, 2));
        Assert.Equal(1.0, p.Sum(), 5);
        Assert.Equal(0, Array.IndexOf(p, p.Max()));

        // Raw logits then the output transform give the same probabilities, for whole rows only.
        var twoRows = new float[6];
        model.PredictRaw(x.AsSpan(0, 4), twoRows);
        Assert.NotEqual(1.0, twoRows[..3].Sum(), 3);
        model.ApplyOutputTransform(twoRows);
        Assert.Equal(model.Predict(x.AsSpan(0, 2)), twoRows[..3]);
        Assert.Equal(model.Predict(x.AsSpan(2, 2)), twoRows[3..]);
        Assert.Throws<ArgumentException>(() => model.ApplyOutputTransform(new float[4]));
    }

    [Fact]
    public void Poisson_regression_recovers_a_log_linear_rate()
    {
        // counts ~ Poisson(exp(0.5 + 0.8·x)); a network without hidden layers is exactly the Poisson GLM.
        var random = new Random(2);
        int n = 2000;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)(random.NextDouble() * 2 - 1);
            double rate = Math.Exp(0.5 + 0.8 * x[i]), p = Math.Exp(-rate), cumulative = p;
            double u = random.NextDouble();
            int k = 0;
            while (u > cumulative)
            {
                k++;
                p *= rate / k;
                cumulative += p;
            }
            y[i] = k;
        }
        var options = new MlpTrainerOptions { HiddenLayers = [], Loss = LossFunction.Poisson, Optimizer = new LbfgsOptimizer(), NumberOfIterations = 100 };
        MultilayerPerceptron model = new MlpTrainer(options).Train(new TrainingData(x, 1, y));

        Assert.Null(model.LabelScaling);
        Assert.Equal(0.8, model.Layers[0].Weights.Span[0], 0.1);
        Assert.Equal(0.5, model.Layers[0].Biases.Span[0], 0.1);
        Assert.Equal(Math.Exp(0.5), model.Predict([0f])[0], 0.15);
    }
}
