using Backprop.Tests.Support;

namespace Backprop.Tests;

/// <summary>
/// Residual connections and layer normalisation: the layers they change, recomputed by hand; deep networks that learn
/// with them where plain ones stall; the same results on any thread count, after Save/Load and through a warm start.
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

    [Fact]
    public void A_deep_sigmoid_network_with_residual_connections_and_layer_normalisation_trains()
    {
        MultilayerPerceptron Deep(bool residual, HiddenNormalization normalization) => Train(new MlpTrainerOptions
        {
            HiddenLayers = Enumerable.Repeat(32, 12).ToArray(), Activation = Activation.Sigmoid, Residual = residual, Normalization = normalization,
        }, epochs: 20);
        MultilayerPerceptron plain = Deep(false, HiddenNormalization.None), both = Deep(true, HiddenNormalization.Layer);
        double plainLoss = plain.History.Epochs[^1].TrainingLoss, bothLoss = both.History.Epochs[^1].TrainingLoss;
        Assert.True(bothLoss < 0.5 * plainLoss, $"residual + layer norm training loss {bothLoss:G4}, plain {plainLoss:G4}");
        Assert.DoesNotContain(both.History.Warnings, w => w.Kind is TrainingWarningKind.VanishingGradients or TrainingWarningKind.SaturatedUnits);
    }

    [Theory]
    [InlineData(true, HiddenNormalization.None)]
    [InlineData(false, HiddenNormalization.Layer)]
    [InlineData(true, HiddenNormalization.Layer)]
    public void Training_gives_the_same_bits_on_one_thread_or_two_with_dropout(bool residual, HiddenNormalization normalization)
    {
        // Wide enough, in rows and units, for the forward pass to split rows between two threads.
        TrainingData data = SyntheticData.Regression(2_000, Features, seed: 4);
        MultilayerPerceptron On(int threads) => Train(new MlpTrainerOptions
        {
            HiddenLayers = [128, 128, 64], Residual = residual, Normalization = normalization, Dropout = 0.1f, BatchSize = 256,
            NumberOfThreads = threads,
        }, epochs: 2, data);
        Assert.True(On(1).Parameters.SequenceEqual(On(2).Parameters));
    }

    [Theory]
    [InlineData(true, HiddenNormalization.None)]
    [InlineData(false, HiddenNormalization.Layer)]
    [InlineData(true, HiddenNormalization.Layer)]
    public void A_saved_deep_network_predicts_the_same_after_loading_and_continues_by_warm_start(bool residual, HiddenNormalization normalization)
    {
        var options = new MlpTrainerOptions { HiddenLayers = [16, 16, 8], Residual = residual, Normalization = normalization };
        MultilayerPerceptron model = Train(options, epochs: 3);
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
        MlpTrainerOptions Same() => new() { HiddenLayers = [16, 16, 8], Residual = residual, Normalization = normalization };
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

    /// <summary>A layer's f(z) from its weights and biases, with its layer normalisation if it has one (not its connection).</summary>
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
        if (!layer.NormalizationScale.IsEmpty)
        {
            double mean = z.Average(), deviation = Math.Sqrt(z.Average(v => (v - mean) * (v - mean)) + DenseLayer.NormalizationEpsilon);
            ReadOnlySpan<float> gamma = layer.NormalizationScale.Span, beta = layer.NormalizationShift.Span;
            for (int j = 0; j < z.Length; j++)
                z[j] = gamma[j] * (z[j] - mean) / deviation + beta[j];
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
