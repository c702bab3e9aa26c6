using Backprop.Tests.Support;

namespace Backprop.Tests;

/// <summary>
/// The periodic embedding of numeric features: its gradient against central differences of a float64 reference, which
/// features it embeds, what it learns, and that it survives saving, warm start and any thread count.
/// </summary>
public class PeriodicEmbeddingTests
{
    private const int Inputs = 4, Rows = 6, Frequencies = 3, Size = 2;

    [Theory]
    [InlineData("SquaredError")]
    [InlineData("SoftmaxCrossEntropy")]
    public void Backpropagated_gradient_matches_central_differences(string lossName)
    {
        LossFunction loss = lossName == "SquaredError" ? LossFunction.SquaredError : LossFunction.SoftmaxCrossEntropy();
        int outputs = loss is SoftmaxCrossEntropyLoss ? 3 : 1;
        int[] embedded = [0, 1, 3];
        var embedding = new EmbeddingLayout(Inputs, embedded, Frequencies, Size);
        int[] widths = [5, outputs];
        var layout = new NetworkLayout(Inputs, widths, [Activation.Tanh], embedding);
        const float l2 = 0.2f;

        var random = new Random(11);
        float[] parameters = Enumerable.Range(0, layout.ParameterCount).Select(_ => (float)(random.NextDouble() * 1.6 - 0.8)).ToArray();
        float[] x = Enumerable.Range(0, Rows * Inputs).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        float[] y = Enumerable.Range(0, Rows).Select(_ => outputs == 1 ? (float)(random.NextDouble() * 4 - 2) : random.Next(0, 3)).ToArray();

        var propagator = new Propagator(layout, Rows, withDropout: false, threads: 1);
        x.CopyTo(propagator.Input, 0);
        var objective = new Objective(layout, loss, 0f, l2);
        var gradient = new float[layout.ParameterCount];
        double value = objective.Batch(propagator, parameters, Rows, y, default, 1f / Rows, gradient, accumulate: false) / Rows
            + objective.Penalty(parameters, gradient);

        double[] p = parameters.Select(v => (double)v).ToArray();
        // The penalty covers the dense weights only: the reference network sees just those, after the embedding.
        double Reference(double[] q) => ReferenceNetwork.Objective(embedding.OutputWidth, widths, [Activation.Tanh],
            q[..layout.EmbeddingOffset], Embed(x, embedding, q.AsSpan(layout.EmbeddingOffset)), Rows, y, null, loss, 0, l2);

        Assert.Equal(Reference(p), value, 1e-4 * Math.Max(1, Math.Abs(value)));
        CentralDifferences.AssertGradientMatches(gradient, p, Reference, i => i < layout.EmbeddingOffset ? " (dense)" : " (embedding)");
    }

    [Fact]
    public void Only_features_with_more_than_two_values_none_in_most_rows_are_embedded()
    {
        // Columns: constant, two-valued (a one-hot indicator), three-valued, continuous, mostly zero (three values, 0 in 4
        // of the 6 rows), one value in exactly half of the rows.
        float[] rows =
        [
            1, 0, 0, 0.1f, 0, 5,
            1, 1, 2, 0.2f, 0, 5,
            1, 0, 1, 0.3f, 2, 1,
            1, 1, 2, 0.4f, 0, 2,
            1, 1, 0, 0.5f, 1, 3,
            1, 1, 1, 0.6f, 0, 5,
        ];
        Assert.Equal([2, 3, 5], EmbeddingLayout.ManyValuedFeatures(rows, 6));

        var trained = Train(new TrainingData([0, 1, 1, 0, 0, 1, 1, 1], 2, [1, 2, 3, 4]), new MlpTrainerOptions
        {
            HiddenLayers = [3], NumericEmbedding = new PeriodicEmbedding(), NumberOfIterations = 2, ValidationFraction = 0f,
        });
        Assert.Null(trained.Embedding);
    }

    [Fact]
    public void The_first_layer_sees_each_embedded_feature_as_its_learned_values_then_itself_then_the_passed_features()
    {
        var data = new TrainingData([0.5f, 1, -1f, 0, 2f, 1, 0.25f, 0], 2, [1, 2, 3, 4]);
        MultilayerPerceptron network = Train(data, new MlpTrainerOptions
        {
            HiddenLayers = [3], NumericEmbedding = new PeriodicEmbedding { Frequencies = 4, Size = 2 }, NumberOfIterations = 3,
            ValidationFraction = 0f,
        });

        PeriodicEmbeddingLayer embedding = Assert.IsType<PeriodicEmbeddingLayer>(network.Embedding);
        Assert.Equal([0], embedding.EmbeddedFeatures);
        Assert.Equal([1], embedding.PassedFeatures);
        Assert.Equal(2 + 1 + 1, embedding.OutputSize);
        Assert.Equal(embedding.OutputSize, network.Layers[0].InputSize);
        Assert.Equal(4, embedding.Frequencies.Length);
        Assert.Equal(8, embedding.Weights.Length);

        // The public view and the formula it documents give the network's own prediction.
        float[] row = [2f, 1f];
        double[] firstInput = Embed(row, new EmbeddingLayout(2, [0], 4, 2), Flatten(embedding));
        double expected = DenseForward(network, firstInput);
        var raw = new float[1];
        network.PredictRaw(row, raw);
        Assert.Equal(expected, raw[0], 1e-5);
    }

    [Fact]
    public void Learns_a_step_response_that_the_same_network_without_it_fits_worse()
    {
        // y is a square wave of x₀ (4 steps over the range) plus a linear term in x₁: sharp in one feature.
        var random = new Random(3);
        const int rows = 600;
        var x = new float[rows * 2];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            x[2 * r] = (float)(random.NextDouble() * 4 - 2);
            x[2 * r + 1] = (float)(random.NextDouble() * 2 - 1);
            y[r] = MathF.Sign(MathF.Sin(MathF.PI * x[2 * r])) + 0.5f * x[2 * r + 1];
        }
        var training = new TrainingData(x[..800], 2, y[..400]);
        var test = new TrainingData(x[800..], 2, y[400..]);

        double Score(PeriodicEmbedding? embedding)
        {
            var network = Train(training, new MlpTrainerOptions
            {
                HiddenLayers = [32], NumericEmbedding = embedding, NumberOfIterations = 150, EarlyStopping = false,
                LearningRate = 0.01f, Seed = 1, NumberOfThreads = 1,
            });
            var predictions = new float[test.RowCount];
            network.Predict(test.Features, predictions);
            return Metrics.RSquared(predictions, test.Labels, default);
        }

        double with = Score(new PeriodicEmbedding { FrequencyScale = 0.3f }), without = Score(null);
        Assert.True(with >= 0.9, $"with the embedding, test R² {with:F3}");
        Assert.True(with > without + 0.1, $"test R² with the embedding {with:F3}, without {without:F3}");
    }

    [Fact]
    public void Save_and_load_give_the_same_predictions()
    {
        TrainingData data = SyntheticData.Regression(120, 3, seed: 4);
        var options = new MlpTrainerOptions { HiddenLayers = [8], NumericEmbedding = new PeriodicEmbedding(), NumberOfIterations = 5 };
        MultilayerPerceptron network = Train(data, options);

        using var stream = new MemoryStream();
        network.Save(stream);
        stream.Position = 0;
        MultilayerPerceptron loaded = MultilayerPerceptron.Load(stream);

        Assert.Equal(network.Embedding!.EmbeddedFeatures, loaded.Embedding!.EmbeddedFeatures);
        var before = new float[data.RowCount];
        var after = new float[data.RowCount];
        network.Predict(data.Features, before);
        loaded.Predict(data.Features, after);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Training_is_bit_identical_on_one_and_two_threads()
    {
        // Batches of 512 rows through 128 and 64 units are large enough for the two-thread forward and backward stages.
        TrainingData data = SyntheticData.Regression(1024, 6, seed: 8);
        float[] Parameters(int threads)
        {
            var network = Train(data, new MlpTrainerOptions
            {
                NumericEmbedding = new PeriodicEmbedding(), BatchSize = 512, NumberOfIterations = 3, NumberOfThreads = threads,
            });
            return network.Parameters.ToArray();
        }
        Assert.Equal(Parameters(1), Parameters(2));
    }

    [Fact]
    public void A_warm_start_continues_the_embedding_and_refuses_a_network_without_one()
    {
        TrainingData data = SyntheticData.Regression(150, 3, seed: 5);
        var options = new MlpTrainerOptions { HiddenLayers = [8], NumericEmbedding = new PeriodicEmbedding(), NumberOfIterations = 4 };
        MultilayerPerceptron first = Train(data, options);
        MultilayerPerceptron continued = new MlpTrainer(options).Train(data, initialModel: first);
        Assert.Equal(first.Embedding!.EmbeddedFeatures, continued.Embedding!.EmbeddedFeatures);
        Assert.NotEqual(first.Parameters.ToArray(), continued.Parameters.ToArray());

        MultilayerPerceptron plain = Train(data, new MlpTrainerOptions { HiddenLayers = [8], NumberOfIterations = 2 });
        var e = Assert.Throws<ArgumentException>(() => new MlpTrainer(options).Train(data, initialModel: plain));
        Assert.Equal("initialModel", e.ParamName);
        Assert.Contains("periodic", e.Message);
    }

    [Theory]
    [InlineData(0, 3, 0.1f, "NumericEmbedding.Frequencies")]
    [InlineData(16, 0, 0.1f, "NumericEmbedding.Size")]
    [InlineData(16, 3, 0f, "NumericEmbedding.FrequencyScale")]
    [InlineData(16, 3, float.NaN, "NumericEmbedding.FrequencyScale")]
    public void Bad_settings_are_refused_by_name(int frequencies, int size, float scale, string name)
    {
        var options = new MlpTrainerOptions
        {
            NumericEmbedding = new PeriodicEmbedding { Frequencies = frequencies, Size = size, FrequencyScale = scale },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MlpTrainer(options));
        Assert.Equal("NumericEmbedding", e.ParamName);
        Assert.Contains(name, e.Message);
    }

    private static MultilayerPerceptron Train(TrainingData data, MlpTrainerOptions options) => new MlpTrainer(options).Train(data);

    /// <summary>The first dense layer's input rows for <paramref name="x"/>, in float64, from the formula.</summary>
    private static double[] Embed(float[] x, EmbeddingLayout e, ReadOnlySpan<double> p)
    {
        int rows = x.Length / e.InputCount, k = e.Frequencies, m = e.Size, d = e.EmbeddedFeatures.Length;
        var (frequencies, phases, weights, biases) = e.Offsets;
        var output = new double[rows * e.OutputWidth];
        for (int r = 0; r < rows; r++)
        {
            int o = r * e.OutputWidth;
            for (int i = 0; i < d; i++)
            {
                double v = x[r * e.InputCount + e.EmbeddedFeatures[i]];
                for (int l = 0; l < m; l++)
                {
                    double sum = p[biases + i * m + l];
                    for (int j = 0; j < k; j++)
                        sum += Math.Cos(2 * Math.PI * p[frequencies + i * k + j] * v + p[phases + i * k + j]) * p[weights + (i * k + j) * m + l];
                    output[o++] = sum;
                }
                output[o++] = v;
            }
            foreach (int f in e.PassedFeatures)
                output[o++] = x[r * e.InputCount + f];
        }
        return output;
    }

    private static double[] Flatten(PeriodicEmbeddingLayer e) =>
        [.. e.Frequencies.ToArray().Concat(e.Phases.ToArray()).Concat(e.Weights.ToArray()).Concat(e.Biases.ToArray()).Select(v => (double)v)];

    private static double DenseForward(MultilayerPerceptron network, double[] input)
    {
        double[] a = input;
        foreach (DenseLayer layer in network.Layers)
        {
            float[] w = layer.Weights.ToArray(), b = layer.Biases.ToArray();
            var z = new double[layer.OutputSize];
            for (int j = 0; j < z.Length; j++)
            {
                z[j] = b[j];
                for (int i = 0; i < layer.InputSize; i++)
                    z[j] += a[i] * w[i * layer.OutputSize + j];
                if (layer.Activation is { } activation)
                    z[j] = ReferenceNetwork.Activate(activation, z[j]);
            }
            a = z;
        }
        return a[0];
    }
}
