using Backprop.Tests.Support;

namespace Backprop.Tests;

/// <summary>
/// Residual connections, layer and batch normalisation: the layers they change, recomputed by hand; batch
/// normalisation's running statistics; deep networks that learn with them where plain ones stall; the same results on
/// any thread count, after Save/Load and through a warm start.
/// (Their gradients are checked against central differences in <see cref="GradientCheckTests"/>.)
/// </summary>
public class DeepNetworkTests
{
    private const int Features = 5;

    [Fact]
    public void Every_hidden_layer_after_the_first_adds_its_input_through_a_projection_where_the_widths_differ()
    {
        MultilayerPerceptron network = Train(new MlpTrainerOptions { HiddenLayers = [16, 16, 8], Residual = true }, epochs: 2);
        Assert.Equal([false, true, true, false], network.Layers.Select(l => l.Residual));
        Assert.True(network.Layers[1].Projection.IsEmpty);
        Assert.Equal(16 * 8, network.Layers[2].Projection.Length);
        Assert.Equal(5 * 16 + 16 + 16 * 16 + 16 + 16 * 8 + 8 + 8 + 1 + 16 * 8, network.ParameterCount);
        Assert.EndsWith("residual", network.Layout.ToString());

        // The first layer's output plus the second's f(z) is the second layer's output: checked on one row by hand.
        float[] row = [0.3f, -0.2f, 0.9f, 0.1f, -0.7f];
        double[] first = Dense(network.Layers[0], row.Select(v => (double)v).ToArray());
        double[] second = Dense(network.Layers[1], first).Select((v, j) => v + first[j]).ToArray();
        double[] third = Dense(network.Layers[2], second);
        var projection = network.Layers[2].Projection.Span;
        for (int j = 0; j < 8; j++)
            for (int i = 0; i < 16; i++)
                third[j] += second[i] * projection[i * 8 + j];
        AssertRawOutput(network, row, Dense(network.Layers[3], third)[0]);
    }

    [Fact]
    public void A_layer_normalised_layer_standardises_each_row_then_scales_and_shifts_it()
    {
        MultilayerPerceptron network = Train(new MlpTrainerOptions
        {
            HiddenLayers = [16, 8], Normalization = HiddenNormalization.Layer, Activation = Activation.Tanh,
        }, epochs: 3);
        Assert.All(network.Layers.SkipLast(1), l => Assert.Equal(l.OutputSize, l.NormalizationScale.Length));
        Assert.True(network.Layers[^1].NormalizationScale.IsEmpty);
        Assert.Equal(5 * 16 + 16 + 16 * 8 + 8 + 8 + 1 + 2 * 16 + 2 * 8, network.ParameterCount);
        // Trained, γ and β have moved from their start (1 and 0).
        Assert.Contains(network.Layers[0].NormalizationScale.ToArray(), g => g != 1f);
        Assert.Contains(network.Layers[0].NormalizationShift.ToArray(), b => b != 0f);

        float[] row = [0.3f, -0.2f, 0.9f, 0.1f, -0.7f];
        double[] first = Dense(network.Layers[0], [.. row.Select(v => (double)v)]);
        double[] second = Dense(network.Layers[1], first);
        AssertRawOutput(network, row, Dense(network.Layers[2], second)[0]);
    }

    [Fact]
    public void A_batch_normalised_layer_predicts_with_its_running_statistics()
    {
        MultilayerPerceptron network = Train(new MlpTrainerOptions
        {
            HiddenLayers = [16, 8], Normalization = HiddenNormalization.Batch, Activation = Activation.Tanh, BatchSize = 64,
        }, epochs: 3);
        Assert.All(network.Layers.SkipLast(1), l => Assert.Equal(HiddenNormalization.Batch, l.Normalization));
        Assert.All(network.Layers.SkipLast(1), l => Assert.Equal(l.OutputSize, l.RunningVariance.Length));
        Assert.True(network.Layers[^1].RunningMean.IsEmpty);
        // The running statistics are stored, not trained: the parameter count is layer normalisation's.
        Assert.Equal(5 * 16 + 16 + 16 * 8 + 8 + 8 + 1 + 2 * 16 + 2 * 8, network.ParameterCount);
        Assert.Equal(network.ParameterCount + 2 * 16 + 2 * 8, network.Parameters.Length);
        // 30 steps have moved them from their start (mean 0, variance 1).
        Assert.Contains(network.Layers[0].RunningMean.ToArray(), m => m != 0f);
        Assert.Contains(network.Layers[1].RunningVariance.ToArray(), v => v != 1f);

        float[] row = [0.3f, -0.2f, 0.9f, 0.1f, -0.7f];
        double[] first = Dense(network.Layers[0], [.. row.Select(v => (double)v)]);
        double[] second = Dense(network.Layers[1], first);
        AssertRawOutput(network, row, Dense(network.Layers[2], second)[0]);
        // A row's score does not depend on the rows scored with it.
        float[] rows = SyntheticData.Regression(40, Features, seed: 3).Features, together = new float[40];
        network.PredictRaw(rows, together);
        for (int r = 0; r < 40; r++)
        {
            float[] alone = new float[1];
            network.PredictRaw(rows.AsSpan(r * Features, Features), alone);
            Assert.Equal(together[r], alone[0]);
        }
    }

    [Fact]
    public void A_training_step_moves_the_running_statistics_a_tenth_of_the_way_to_the_batch_and_a_single_row_leaves_them()
    {
        const int rows = 6, width = 4;
        var layout = new NetworkLayout(3, [width, 1], [Activation.ReLU], normalization: HiddenNormalization.Batch);
        float[] values = new float[layout.ValueCount];
        WeightInitializer.Initialize(layout, values, WeightInitialization.Automatic, SeededRandom.ForStream(5, RandomStream.Initialization));
        Assert.Equal(new float[width], layout.RunningMean(values, 0).ToArray());
        Assert.Equal(Enumerable.Repeat(1f, width), layout.RunningVariance(values, 0).ToArray());
        layout.Biases(values.AsSpan(), 0).Fill(0.25f);
        float[] x = [.. Enumerable.Range(0, rows * 3).Select(i => MathF.Sin(i * 1.7f))];

        var propagator = new Propagator(layout, rows, withDropout: false, threads: 1);
        x.CopyTo(propagator.Input, 0);
        propagator.Forward(values, rows, training: true);
        propagator.UpdateRunningStatistics(values, rows);

        for (int j = 0; j < width; j++)
        {
            double[] z = [.. Enumerable.Range(0, rows).Select(r => 0.25 + Enumerable.Range(0, 3).Sum(i => (double)x[r * 3 + i] * layout.Weights(values, 0)[i * width + j]))];
            double mean = z.Average(), unbiased = z.Sum(v => (v - mean) * (v - mean)) / (rows - 1);
            Assert.Equal(0.1 * mean, layout.RunningMean(values, 0)[j], 1e-6);
            Assert.Equal(0.9 + 0.1 * unbiased, layout.RunningVariance(values, 0)[j], 1e-6);
        }

        float[] before = [.. values];
        propagator.Forward(values, 1, training: true);
        propagator.UpdateRunningStatistics(values, 1);
        Assert.Equal(before, values);
    }

    [Fact]
    public void Early_stopping_keeps_the_running_statistics_of_the_epoch_it_keeps()
    {
        TrainingData train = SyntheticData.Regression(400, Features, seed: 5), validation = SyntheticData.Regression(200, Features, seed: 6);
        var options = new MlpTrainerOptions
        {
            HiddenLayers = [32, 32], Normalization = HiddenNormalization.Batch, BatchSize = 32, LearningRate = 0.03f,
            NumberOfIterations = 200, EarlyStoppingPatience = 3, Seed = 2,
        };
        MultilayerPerceptron model = new MlpTrainer(options).Train(train, validation);
        Assert.Equal(StopReason.EarlyStopped, model.History.StopReason);

        // The kept epoch's validation R², recomputed from the model, running statistics and all.
        float[] predicted = new float[validation.RowCount];
        model.Predict(validation.Features, predicted);
        double mean = validation.Labels.Average(v => (double)v);
        double residual = predicted.Zip(validation.Labels, (p, y) => (double)(p - y) * (p - y)).Sum();
        double total = validation.Labels.Sum(y => (y - mean) * (y - mean));
        Assert.Equal(model.History.Epochs[model.History.BestEpoch!.Value - 1].ValidationMetric!.Value, 1 - residual / total, 1e-5);
    }

    [Fact]
    public void Batch_normalisation_needs_a_mini_batch_optimiser()
    {
        var refused = Assert.Throws<ArgumentException>(() =>
            new MlpTrainer(new MlpTrainerOptions { Normalization = HiddenNormalization.Batch, Optimizer = new LbfgsOptimizer() }));
        Assert.Equal(nameof(MlpTrainerOptions.Normalization), refused.ParamName);
        Assert.Contains("mini-batch optimiser", refused.Message);
    }

    [Fact]
    public void Batch_normalisation_of_a_network_without_hidden_layers_leaves_a_linear_model()
    {
        MultilayerPerceptron linear = Train(new MlpTrainerOptions { HiddenLayers = [], Normalization = HiddenNormalization.Batch }, epochs: 2);
        MultilayerPerceptron plain = Train(new MlpTrainerOptions { HiddenLayers = [] }, epochs: 2);
        Assert.Equal(Features + 1, linear.Parameters.Length);
        Assert.True(linear.Parameters.SequenceEqual(plain.Parameters));
    }

    [Fact]
    public void Through_residual_connections_the_gradient_reaches_the_first_layer_of_a_deep_sigmoid_network()
    {
        // Measured: the first layer's gradient RMS is 1.5e-11 of the output layer's without connections (the loss
        // stays at the label's variance, 1.08) and 0.019 with them (0.91, still held back by saturated units).
        MlpTrainerOptions Deep(bool residual) => new()
        {
            HiddenLayers = Enumerable.Repeat(32, 12).ToArray(), Activation = Activation.Sigmoid, Residual = residual,
        };
        MultilayerPerceptron plain = Train(Deep(false), epochs: 20), residual = Train(Deep(true), epochs: 20);
        static double Ratio(MultilayerPerceptron m) =>
            m.History.Epochs[^1].Diagnostics!.Layers[0].GradientRms / m.History.Epochs[^1].Diagnostics!.Layers[^1].GradientRms;
        Assert.True(Ratio(plain) < 1e-8, $"plain: first/output gradient RMS {Ratio(plain):G3}");
        Assert.True(Ratio(residual) > 1e-3, $"residual: first/output gradient RMS {Ratio(residual):G3}");
        Assert.Contains(plain.History.Warnings, w => w.Kind == TrainingWarningKind.VanishingGradients);
        Assert.DoesNotContain(residual.History.Warnings, w => w.Kind == TrainingWarningKind.VanishingGradients);
        double plainLoss = plain.History.Epochs[^1].TrainingLoss, residualLoss = residual.History.Epochs[^1].TrainingLoss;
        Assert.True(residualLoss < 0.9 * plainLoss, $"residual training loss {residualLoss:G4}, plain {plainLoss:G4}");
    }

    [Theory]
    [InlineData(HiddenNormalization.Layer)]
    [InlineData(HiddenNormalization.Batch)]
    public void A_deep_sigmoid_network_with_residual_connections_and_normalisation_trains(HiddenNormalization normalization)
    {
        MultilayerPerceptron Deep(bool residual, HiddenNormalization normalization) => Train(new MlpTrainerOptions
        {
            HiddenLayers = Enumerable.Repeat(32, 12).ToArray(), Activation = Activation.Sigmoid, Residual = residual, Normalization = normalization,
        }, epochs: 20);
        MultilayerPerceptron plain = Deep(false, HiddenNormalization.None), both = Deep(true, normalization);
        double plainLoss = plain.History.Epochs[^1].TrainingLoss, bothLoss = both.History.Epochs[^1].TrainingLoss;
        Assert.True(bothLoss < 0.5 * plainLoss, $"residual + {normalization} norm training loss {bothLoss:G4}, plain {plainLoss:G4}");
        Assert.DoesNotContain(both.History.Warnings, w => w.Kind is TrainingWarningKind.VanishingGradients or TrainingWarningKind.SaturatedUnits);
    }

    [Theory]
    [InlineData(true, HiddenNormalization.None)]
    [InlineData(false, HiddenNormalization.Layer)]
    [InlineData(true, HiddenNormalization.Layer)]
    [InlineData(true, HiddenNormalization.Batch)]
    public void Training_gives_the_same_bits_on_one_thread_or_two_with_dropout(bool residual, HiddenNormalization normalization)
    {
        // Wide enough, in rows and units, for the forward pass to split rows between two threads.
        TrainingData data = SyntheticData.Regression(2_000, Features, seed: 4);
        MultilayerPerceptron On(int threads) => Train(new MlpTrainerOptions
        {
            HiddenLayers = [128, 128, 64], Residual = residual, Normalization = normalization, Dropout = 0.1f, BatchSize = 256,
            NumberOfThreads = threads,
        }, epochs: 2, data);
        MultilayerPerceptron one = On(1), two = On(2);
        Assert.True(one.Parameters.SequenceEqual(two.Parameters));
        // Scoring splits rows between threads, batch normalisation included.
        float[] rows = data.Features, alone = new float[data.RowCount], split = new float[data.RowCount];
        one.PredictRaw(rows, alone, threads: 1);
        one.PredictRaw(rows, split, threads: 2);
        Assert.Equal(alone, split);
    }

    [Theory]
    [InlineData(true, HiddenNormalization.None)]
    [InlineData(false, HiddenNormalization.Layer)]
    [InlineData(true, HiddenNormalization.Layer)]
    [InlineData(false, HiddenNormalization.Batch)]
    public void A_saved_deep_network_predicts_the_same_after_loading_and_continues_by_warm_start(bool residual, HiddenNormalization normalization)
    {
        // No weight average, so that the warm start continues from the optimiser's own weights (checked below).
        MlpTrainerOptions Same() => new() { HiddenLayers = [16, 16, 8], Residual = residual, Normalization = normalization, WeightAverageDecay = 0f };
        MultilayerPerceptron model = Train(Same(), epochs: 3);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        MultilayerPerceptron loaded = MultilayerPerceptron.Load(stream);
        Assert.True(loaded.Layout.SameShapeAs(model.Layout));
        float[] rows = SyntheticData.Regression(50, Features, seed: 9).Features;
        float[] expected = new float[50], actual = new float[50];
        model.Predict(rows, expected);
        loaded.Predict(rows, actual);
        Assert.Equal(expected, actual);

        // 3 + 2 epochs from the loaded file take the steps of 5 in one run.
        MultilayerPerceptron continued = Train(Same(), epochs: 2, initial: loaded);
        MultilayerPerceptron straight = Train(Same(), epochs: 5);
        Assert.True(continued.Parameters.SequenceEqual(straight.Parameters));

        var refused = Assert.Throws<ArgumentException>(() =>
            Train(new MlpTrainerOptions { HiddenLayers = [16, 16, 8] }, epochs: 1, initial: loaded));
        Assert.Contains(residual ? "residual" : "normalised", refused.Message);
    }

    private static void AssertRawOutput(MultilayerPerceptron network, float[] row, double byHand)
    {
        float[] predicted = new float[1];
        network.PredictRaw(row, predicted);
        Assert.Equal(byHand, predicted[0], 1e-5);
    }

    /// <summary>A layer's f(z) from its weights and biases, with its normalisation if it has one (not its connection).</summary>
    private static double[] Dense(DenseLayer layer, double[] input)
    {
        var z = new double[layer.OutputSize];
        ReadOnlySpan<float> w = layer.Weights.Span, b = layer.Biases.Span;
        for (int j = 0; j < layer.OutputSize; j++)
        {
            z[j] = b[j];
            for (int i = 0; i < layer.InputSize; i++)
                z[j] += input[i] * w[i * layer.OutputSize + j];
        }
        if (layer.Normalization == HiddenNormalization.Layer)
        {
            double mean = z.Average(), deviation = Math.Sqrt(z.Average(v => (v - mean) * (v - mean)) + DenseLayer.NormalizationEpsilon);
            ReadOnlySpan<float> gamma = layer.NormalizationScale.Span, beta = layer.NormalizationShift.Span;
            for (int j = 0; j < z.Length; j++)
                z[j] = gamma[j] * (z[j] - mean) / deviation + beta[j];
        }
        if (layer.Normalization == HiddenNormalization.Batch)
        {
            ReadOnlySpan<float> gamma = layer.NormalizationScale.Span, beta = layer.NormalizationShift.Span;
            ReadOnlySpan<float> mean = layer.RunningMean.Span, variance = layer.RunningVariance.Span;
            for (int j = 0; j < z.Length; j++)
                z[j] = gamma[j] * (z[j] - mean[j]) / Math.Sqrt(variance[j] + DenseLayer.NormalizationEpsilon) + beta[j];
        }
        return [.. z.Select(v => layer.Activation is { } a ? ReferenceNetwork.Activate(a, v) : v)];
    }

    private static MultilayerPerceptron Train(MlpTrainerOptions options, int epochs, TrainingData? data = null, MultilayerPerceptron? initial = null)
    {
        options.NumberOfIterations = epochs;
        options.EarlyStopping = false;
        options.ValidationFraction = 0;
        options.Seed = 1;
        return new MlpTrainer(options).Train(data ?? SyntheticData.Regression(600, Features, seed: 21), initialModel: initial);
    }
}
