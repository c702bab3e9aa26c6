using Backprop.Kernels;
using Backprop.Tests.Support;

namespace Backprop.Tests;

/// <summary>
/// Training diagnostics: each warning raised by the case that shows it and not by a healthy network, the figures
/// equal to a hand calculation, no trained bit changed, and the records saved with the model.
/// </summary>
public class TrainingDiagnosticsTests
{
    private const int Features = 5;

    [Fact]
    public void A_deep_sigmoid_network_warns_of_vanishing_gradients_and_a_shallow_ReLU_one_does_not()
    {
        var raised = new List<TrainingWarning>();
        MultilayerPerceptron deep = Train(new MlpTrainerOptions
        {
            HiddenLayers = Enumerable.Repeat(32, 12).ToArray(), Activation = Activation.Sigmoid, WarningRaised = raised.Add,
        });
        TrainingWarning vanishing = Assert.Single(deep.History.Warnings, w => w.Kind == TrainingWarningKind.VanishingGradients);
        Assert.Equal(TrainingHealth.VanishingEpochs, vanishing.Epoch);
        Assert.Equal(0, vanishing.Layer);
        Assert.Contains("ReLU or GELU", vanishing.Message);
        Assert.Contains(vanishing, raised);
        EpochDiagnostics last = deep.History.Epochs[^1].Diagnostics!;
        Assert.Equal(13, last.Layers.Count);
        Assert.True(last.Layers[0].GradientRms < 1e-4 * last.Layers[^1].GradientRms,
            $"first layer {last.Layers[0].GradientRms:G3}, output layer {last.Layers[^1].GradientRms:G3}");

        MultilayerPerceptron shallow = Train(new MlpTrainerOptions { HiddenLayers = [32, 32, 32], Activation = Activation.ReLU });
        Assert.Empty(shallow.History.Warnings);
        Assert.All(shallow.History.Epochs, e => Assert.NotNull(e.Diagnostics));
    }

    [Fact]
    public void A_learning_rate_of_10_warns_of_exploding_gradients_before_training_diverges()
    {
        var raised = new List<TrainingWarning>();
        var options = new MlpTrainerOptions
        {
            HiddenLayers = [32, 16], Optimizer = new SgdOptimizer(), LearningRate = 10f, WarningRaised = raised.Add,
        };
        var diverged = Assert.Throws<TrainingDivergedException>(() => Train(options));
        TrainingWarning exploding = Assert.Single(raised, w => w.Kind == TrainingWarningKind.ExplodingGradients);
        Assert.Contains("Lower the learning rate (it is 10)", exploding.Message);
        Assert.Contains("Before that: Exploding gradients: the gradient's norm reached", diverged.Message);
        Assert.Contains(exploding.Message[..exploding.Message.IndexOf(" Lower", StringComparison.Ordinal)], diverged.Message);
        // The norm passed a thousand times its start on the way to overflow, not only in the step that overflowed.
        Assert.DoesNotContain("∞", exploding.Message);
        Assert.DoesNotContain("Infinity", exploding.Message);
    }

    [Theory]
    [InlineData(TrainingWarningKind.DeadUnits)]
    [InlineData(TrainingWarningKind.SaturatedUnits)]
    [InlineData(TrainingWarningKind.LargeUpdates)]
    [InlineData(TrainingWarningKind.ExplodingGradients)]
    public void Each_unhealthy_layer_raises_its_warning_once(TrainingWarningKind kind)
    {
        TrainingData data = SyntheticData.Regression(600, Features, seed: 21);
        var options = new MlpTrainerOptions { HiddenLayers = [32, 16], Activation = Activation.ReLU };
        MultilayerPerceptron? initial = null;
        switch (kind)
        {
            case TrainingWarningKind.DeadUnits:
                // Every first-layer bias far below anything the inputs can reach: the layer starts dead and stays so.
                MultilayerPerceptron healthy = Train(options, epochs: 1);
                float[] parameters = healthy.Parameters.ToArray();
                healthy.Layout.Biases(parameters.AsSpan(), 0).Fill(-100f);
                initial = new MultilayerPerceptron(healthy.Layout, parameters, healthy.OutputTransform, healthy.LabelScaling, healthy.History, null);
                break;
            case TrainingWarningKind.SaturatedUnits:
                options.Activation = Activation.Tanh;
                data = new TrainingData([.. data.Features.Select(x => 50f * x)], Features, data.Labels);
                break;
            case TrainingWarningKind.LargeUpdates:
                options.LearningRate = 1f;
                break;
            default:
                options.GradientClipNorm = 1e-6f;
                break;
        }
        MultilayerPerceptron model = Train(options, data: data, initial: initial);
        // Once, though every epoch shows it: for the first hidden layer, or the whole network.
        int? layer = kind == TrainingWarningKind.ExplodingGradients ? null : 0;
        TrainingWarning warning = Assert.Single(model.History.Warnings, w => w.Kind == kind && w.Layer == layer);
        Assert.Contains(warning, model.History.Epochs.Single(e => e.Epoch == warning.Epoch).Warnings);
        Assert.Matches(kind switch
        {
            TrainingWarningKind.DeadUnits => "100 % of hidden layer 1's 32 ReLU units .* Try LeakyReLU",
            TrainingWarningKind.SaturatedUnits => "of hidden layer 1's Tanh values lay in its flat tails .* Standardise the inputs",
            TrainingWarningKind.LargeUpdates => "Lower the learning rate \\(it is 1\\)",
            _ => "GradientClipNorm 1E-06 clipped 100 % of the steps",
        }, warning.Message);
    }

    [Fact]
    public void The_figures_of_a_tiny_network_equal_a_hand_calculation()
    {
        // 2 inputs → 2 ReLU units → 1 output, 4 rows in one batch, one plain SGD step of 0.1 on the squared error.
        float[] x = [1f, 2f, 0.5f, -1f, 2f, 0.5f, 1.5f, 1f], y = [1f, -1f, 0.5f, 2f];
        float[] w1 = [0.3f, -0.4f, 0.2f, -0.6f], b1 = [0.1f, -2f], w2 = [0.7f, -0.5f], b2 = [0.05f];
        var layout = new NetworkLayout(2, [2, 1], [Activation.ReLU]);
        float[] parameters = [.. w1, .. b1, .. w2, .. b2];
        var initial = new MultilayerPerceptron(layout, parameters, OutputTransform.Identity, null,
            new TrainingHistory([], "RSquared", null, StopReason.Completed), null);
        MultilayerPerceptron trained = new MlpTrainer(new MlpTrainerOptions
        {
            HiddenLayers = [2], Optimizer = new SgdOptimizer(momentum: 0f), LearningRate = 0.1f, BatchSize = 4, NumberOfIterations = 1,
            EarlyStopping = false, ValidationFraction = 0, L2Regularization = 0, Shuffle = false, StandardizeLabel = false, Seed = 1,
        }).Train(new TrainingData(x, 2, y), initialModel: initial);

        // By hand, in double precision.
        var gw1 = new double[4]; var gb1 = new double[2]; var gw2 = new double[2]; double gb2 = 0;
        var delta1 = new double[8]; var delta2 = new double[4];
        var unitActive = new bool[2];
        for (int r = 0; r < 4; r++)
        {
            var a = new double[2];
            var z = new double[2];
            for (int j = 0; j < 2; j++)
            {
                z[j] = x[2 * r] * w1[j] + x[2 * r + 1] * w1[2 + j] + b1[j];
                a[j] = Math.Max(z[j], 0);
                unitActive[j] |= z[j] > 0;
            }
            double output = a[0] * w2[0] + a[1] * w2[1] + b2[0];
            double d2 = 2 * (output - y[r]) / 4;      // ∂(mean of r²)/∂output
            delta2[r] = d2;
            gb2 += d2;
            for (int j = 0; j < 2; j++)
            {
                gw2[j] += a[j] * d2;
                double d1 = z[j] > 0 ? d2 * w2[j] : 0;
                delta1[2 * r + j] = d1;
                gb1[j] += d1;
                gw1[j] += x[2 * r] * d1;
                gw1[2 + j] += x[2 * r + 1] * d1;
            }
        }
        static double Rms(IEnumerable<double> v) => Math.Sqrt(v.Average(e => e * e));
        static double Norm(IEnumerable<double> v) => Math.Sqrt(v.Sum(e => e * e));
        double[] newW1 = [.. w1.Select((w, i) => w - 0.1 * gw1[i])], newW2 = [.. w2.Select((w, i) => w - 0.1 * gw2[i])];

        EpochDiagnostics d = trained.History.Epochs.Single().Diagnostics!;
        Assert.Equal(1, d.SampledSteps);
        Assert.Equal(0, d.ClippedFraction);
        AssertClose(Norm([.. gw1, .. gb1, .. gw2, gb2]), d.GradientNorm);
        LayerDiagnostics hidden = d.Layers[0], last = d.Layers[1];
        AssertClose(Rms(gw1), hidden.GradientRms);
        AssertClose(Rms(gw2), last.GradientRms);
        AssertClose(Rms(delta1), hidden.DeltaRms);
        AssertClose(Rms(delta2), last.DeltaRms);
        AssertClose(Rms(newW1), hidden.WeightRms);
        AssertClose(Rms(newW2), last.WeightRms);
        AssertClose(0.1 * Norm(gw1) / Norm(w1.Select(w => (double)w)), hidden.UpdateRatio);
        AssertClose(0.1 * Norm(gw2) / Norm(w2.Select(w => (double)w)), last.UpdateRatio);
        Assert.Equal(new[] { true, false }, unitActive);   // the second unit's bias keeps it below zero on every row
        Assert.Equal(0.5, hidden.DeadFraction);
        Assert.Null(last.DeadFraction);
        Assert.Null(hidden.SaturatedFraction);
    }

    [Theory]
    [InlineData("Adam, dropout, two threads")]
    [InlineData("L-BFGS")]
    public void Turning_diagnostics_off_changes_no_trained_bit(string run)
    {
        MlpTrainerOptions Options(bool diagnostics) => run == "L-BFGS"
            ? new MlpTrainerOptions { HiddenLayers = [16, 8], Optimizer = new LbfgsOptimizer(), Diagnostics = diagnostics }
            : new MlpTrainerOptions { HiddenLayers = [64, 32], Dropout = 0.1f, NumberOfThreads = 2, BatchSize = 32, Diagnostics = diagnostics };
        MultilayerPerceptron on = Train(Options(true)), off = Train(Options(false));
        Assert.True(on.Parameters.SequenceEqual(off.Parameters));
        Assert.Equal(on.History.TrainingLossCurve, off.History.TrainingLossCurve);
        Assert.All(on.History.Epochs, e => Assert.NotNull(e.Diagnostics));
        Assert.All(off.History.Epochs, e => Assert.Null(e.Diagnostics));
        if (run == "L-BFGS")
            Assert.All(on.History.Epochs, e => Assert.Equal(1, e.Diagnostics!.SampledSteps));
        else
            Assert.All(on.History.Epochs, e => Assert.InRange(e.Diagnostics!.SampledSteps, 1, TrainingDiagnostics.SampledStepsPerEpoch));
    }

    [Fact]
    public void Diagnostics_and_warnings_are_saved_with_the_model()
    {
        MultilayerPerceptron model = Train(new MlpTrainerOptions
        {
            HiddenLayers = Enumerable.Repeat(16, 12).ToArray(), Activation = Activation.Sigmoid,
        });
        Assert.NotEmpty(model.History.Warnings);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        MultilayerPerceptron loaded = MultilayerPerceptron.Load(stream);
        Assert.Equal(model.History.Epochs.Select(e => e with { Seconds = 0 }), loaded.History.Epochs);
        Assert.Equal(model.History.Warnings, loaded.History.Warnings);
    }

    [Fact]
    public void Counting_values_beyond_a_threshold_matches_a_scalar_count_at_every_length()
    {
        var random = new Random(5);
        for (int length = 0; length < 70; length++)
        {
            float[] values = [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 8 - 4))];
            if (length > 3)
                values[3] = 3f;   // exactly at the threshold: not beyond it
            Assert.Equal(values.Count(v => Math.Abs(v) > 3f), DiagnosticKernels.CountBeyond(values, 3f));
        }
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Abs(expected) + 1e-7, $"expected {expected}, got {actual}");

    private static MultilayerPerceptron Train(MlpTrainerOptions options, int epochs = 10, TrainingData? data = null,
        MultilayerPerceptron? initial = null)
    {
        options.NumberOfIterations = epochs;
        options.EarlyStopping = false;
        options.ValidationFraction = 0;
        options.Seed = 1;
        return new MlpTrainer(options).Train(data ?? SyntheticData.Regression(600, Features, seed: 21), initialModel: initial);
    }
}
