namespace Backprop.Tests;

/// <summary>Each optimiser's update against values worked out by hand from its documented formula.</summary>
public class OptimizerTests
{
    private static float[] TwoSteps(MiniBatchOptimizer optimizer, float learningRate, params float[] gradients)
    {
        float[] parameter = [1f];
        float[][] buffers = optimizer.CreateBuffers(1);
        var trace = new List<float>();
        for (int t = 0; t < gradients.Length; t++)
        {
            optimizer.Step(parameter, [gradients[t]], learningRate, buffers, t + 1, offset: 0);
            trace.Add(parameter[0]);
        }
        return [.. trace];
    }

    [Fact]
    public void Sgd_without_momentum_steps_against_the_gradient() =>
        Assert.Equal([0.95f, 0.90f], TwoSteps(new SgdOptimizer(momentum: 0f), 0.1f, 0.5f, 0.5f), new FloatTolerance(1e-6f));

    [Fact]
    public void Sgd_with_momentum_accumulates_velocity()
    {
        // v₁ = 0.5 → θ = 1 − 0.05; v₂ = 0.9·0.5 + 0.5 = 0.95 → θ = 0.95 − 0.095.
        Assert.Equal([0.95f, 0.855f], TwoSteps(new SgdOptimizer(0.9f), 0.1f, 0.5f, 0.5f), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void Sgd_with_nesterov_looks_ahead()
    {
        // θ₁ = 1 − 0.1·(0.5 + 0.9·0.5) = 0.905; θ₂ = 0.905 − 0.1·(0.5 + 0.9·0.95) = 0.7695.
        Assert.Equal([0.905f, 0.7695f], TwoSteps(new SgdOptimizer(0.9f, nesterov: true), 0.1f, 0.5f, 0.5f), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void Adam_applies_bias_corrected_moments()
    {
        // Step 1: m̂/√v̂ = g/|g|, so θ moves by exactly η; step 2 worked through the formula in float64.
        Assert.Equal([0.9f, 0.86543942f], TwoSteps(new AdamOptimizer(), 0.1f, 0.5f, -0.2f), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void RmsProp_divides_by_the_root_mean_square()
    {
        // s₁ = 0.1·0.25 → θ = 1 − 0.1·0.5/√0.025; s₂ = 0.9·0.025 + 0.1·0.04.
        Assert.Equal([0.68377225f, 0.80663127f], TwoSteps(new RmsPropOptimizer(), 0.1f, 0.5f, -0.2f), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void AdamW_decays_weights_apart_from_the_gradient_and_leaves_biases()
    {
        // A linear model z = w·x + b with w = 0.5, b = 0 on x = (1, 2), y = (1, 3): ∂w = −4.5, ∂b = −2.5.
        // AdamW (η 0.1, λ 0.1): w ← 0.5·(1 − 0.01) then +η (Adam's first step is η·sign); b ← 0 + η.
        MultilayerPerceptron start = LinearModel(0.5f, 0f);
        var options = new MlpTrainerOptions
        {
            HiddenLayers = [], Optimizer = new AdamWOptimizer(), WeightDecay = 0.1f, LearningRate = 0.1f,
            NumberOfIterations = 1, BatchSize = 2, StandardizeLabel = false, EarlyStopping = false, ValidationFraction = 0f, L2Regularization = 0f,
        };
        MultilayerPerceptron trained = new MlpTrainer(options).Train(new TrainingData([1f, 2f], 1, [1f, 3f]), initialModel: start);

        Assert.Equal(0.595f, trained.Layers[0].Weights.Span[0], 5);
        Assert.Equal(0.1f, trained.Layers[0].Biases.Span[0], 5);
        Assert.Equal("AdamW", trained.TrainingState!.OptimizerName);
        Assert.Equal(1, trained.TrainingState.StepsCompleted);
    }

    [Fact]
    public void Lbfgs_reaches_the_minimum_of_a_convex_quadratic()
    {
        // f(x) = ½xᵀAx − bᵀx with A = [[3, 1], [1, 2]], b = (1, 1): minimum at A⁻¹b = (0.2, 0.4).
        static double Quadratic(float[] x, float[] g)
        {
            g[0] = 3 * x[0] + x[1] - 1;
            g[1] = x[0] + 2 * x[1] - 1;
            return 0.5 * (3.0 * x[0] * x[0] + 2.0 * x[0] * x[1] + 2.0 * x[1] * x[1]) - x[0] - x[1];
        }

        var lbfgs = new LbfgsOptimizer(historySize: 5);
        float[] x = [3f, -4f], gradient = new float[2];
        double loss = Quadratic(x, gradient);
        float[][] history = lbfgs.CreateBuffers(2);
        int iterations = 0;
        while (iterations < 50 && lbfgs.Iterate(x, gradient, ref loss, ref history, Quadratic))
            iterations++;

        Assert.Equal(0.2f, x[0], 4);
        Assert.Equal(0.4f, x[1], 4);
        Assert.True(iterations < 20, $"took {iterations} iterations on a 2-D quadratic");
    }

    [Fact]
    public void Lbfgs_on_a_linear_network_reproduces_least_squares()
    {
        (TrainingData train, TrainingData test) = Support.HousingData.LoadSplit();
        var options = new MlpTrainerOptions
        {
            HiddenLayers = [], Optimizer = new LbfgsOptimizer(), NumberOfIterations = 200, EarlyStopping = false, ValidationFraction = 0f, L2Regularization = 0f,
        };
        MultilayerPerceptron model = new MlpTrainer(options).Train(train);

        float[] ols = Support.HousingData.FitLeastSquares(train)(test.Features);
        float[] predicted = new float[test.RowCount];
        model.Predict(test.Features, predicted);
        for (int i = 0; i < predicted.Length; i++)
            Assert.Equal(ols[i], predicted[i], Math.Abs(ols[i]) * 1e-3 + 1);
        Assert.Equal(StopReason.Converged, model.History.StopReason);
    }

    internal static MultilayerPerceptron LinearModel(float weight, float bias) =>
        new(new NetworkLayout(1, [1], []), [weight, bias], OutputTransform.Identity, null,
            new TrainingHistory([], "RSquared", null, StopReason.Completed), null);

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
