namespace Backprop.Tests;

public class InitializationTests
{
    private static float[] FirstLayer(Activation activation, WeightInitialization scheme, int inputs = 200, int units = 100)
    {
        var layout = new NetworkLayout(inputs, [units, 1], [activation]);
        var parameters = new float[layout.ParameterCount];
        WeightInitializer.Initialize(layout, parameters, scheme, SeededRandom.ForStream(0, RandomStream.Initialization));
        Assert.All(layout.Biases(parameters.AsSpan(), 0).ToArray(), b => Assert.Equal(0f, b));
        return layout.Weights(parameters.AsSpan(), 0).ToArray();
    }

    private static double Variance(float[] w) => w.Average(v => (double)v * v);

    [Theory]
    [InlineData(ActivationKind.ReLU, 2.0 / 200)]           // He: Var = 2 / fan_in
    [InlineData(ActivationKind.Gelu, 2.0 / 200)]
    [InlineData(ActivationKind.Mish, 2.0 / 200)]
    [InlineData(ActivationKind.Selu, 2.0 / (200 + 100))]
    [InlineData(ActivationKind.Tanh, 2.0 / (200 + 100))]  // Glorot: Var = 2 / (fan_in + fan_out)
    [InlineData(ActivationKind.Sigmoid, 2.0 / (200 + 100))]
    public void Automatic_initialisation_picks_he_or_glorot_by_activation(ActivationKind kind, double expectedVariance)
    {
        float[] w = FirstLayer(Activation.FromKind(kind), WeightInitialization.Automatic);
        Assert.Equal(expectedVariance, Variance(w), expectedVariance * 0.05);
        double limit = Math.Sqrt(3 * expectedVariance); // uniform on ±limit has variance limit²/3
        Assert.All(w, v => Assert.InRange(v, -limit, limit));
    }

    [Theory]
    [InlineData(WeightInitialization.HeNormal, 2.0 / 200)]
    [InlineData(WeightInitialization.GlorotNormal, 2.0 / 300)]
    public void Normal_schemes_have_the_stated_variance_and_tails_beyond_the_uniform_limit(WeightInitialization scheme, double expectedVariance)
    {
        float[] w = FirstLayer(Activation.ReLU, scheme);
        Assert.Equal(expectedVariance, Variance(w), expectedVariance * 0.05);
        Assert.Contains(w, v => Math.Abs(v) > Math.Sqrt(3 * expectedVariance));
    }
}
