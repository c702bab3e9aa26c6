using Backprop.Tests.Support;

namespace Backprop.Tests;

/// <summary>Integrated gradients: exact on linear networks, complete on trained ones, zero for an ignored input, and every bad argument named.</summary>
public class IntegratedGradientsTests
{
    private const int Features = 5;

    public enum Task { Regression, Binary, Multiclass }

    [Fact]
    public void A_linear_network_gets_exactly_its_weights_times_the_distance_from_the_baseline_in_label_units()
    {
        // Identity activations make f linear, so f(x′ + (xᵢ − x′ᵢ)·eᵢ) − f(x′) is input i's exact contribution; Predict
        // undoes the label scaling, which the contributions must also be in.
        MultilayerPerceptron network = Train(Task.Regression, Activation.Identity);
        Assert.NotNull(network.LabelScaling);
        float[] rows = Rows(20, seed: 3), baseline = Rows(1, seed: 4);
        var contributions = new float[rows.Length];
        new IntegratedGradients(network, steps: 1).Explain(rows, baseline, 0, contributions);

        for (int r = 0; r < 20; r++)
            for (int i = 0; i < Features; i++)
            {
                float[] moved = (float[])baseline.Clone();
                moved[i] = rows[r * Features + i];
                double expected = network.Predict(moved)[0] - network.Predict(baseline)[0];
                Assert.True(Math.Abs(contributions[r * Features + i] - expected) <= 1e-4 * (1 + Math.Abs(expected)),
                    $"row {r}, input {i}: {contributions[r * Features + i]} against {expected}");
            }
    }

    [Theory]
    [InlineData(Task.Regression, "ReLU")]
    [InlineData(Task.Regression, "Tanh")]
    [InlineData(Task.Regression, "Gelu")]
    [InlineData(Task.Binary, "ReLU")]
    [InlineData(Task.Binary, "Tanh")]
    [InlineData(Task.Multiclass, "ReLU")]
    [InlineData(Task.Multiclass, "Gelu")]
    public void Contributions_of_a_trained_network_add_up_to_the_change_in_its_score(Task task, string activation)
    {
        MultilayerPerceptron network = Train(task, activation switch { "ReLU" => Activation.ReLU, "Tanh" => Activation.Tanh, _ => Activation.Gelu });
        var explainer = new IntegratedGradients(network);
        Assert.Equal(activation == "ReLU", explainer.IsExact);
        AssertComplete(explainer, network.OutputCount, everyRow: true);
    }

    [Theory]
    [InlineData("ReLU", new[] { 24, 16, 8 }, false, false)]
    [InlineData("LeakyReLU", new[] { 24, 16, 8 }, false, false)]
    [InlineData("ReLU", new[] { 96 }, false, false)]
    [InlineData("ReLU", new[] { 24, 24, 8 }, true, false)]
    [InlineData("ReLU", new[] { 24, 24, 8 }, true, true)]
    public void A_path_through_a_piecewise_linear_network_is_linear_between_its_breakpoints(string activation, int[] hiddenLayers, bool residual,
        bool batchNorm)
    {
        // Three hidden layers, so that breakpoints found in one layer split the pieces the next layer sees; one wide
        // layer, whose breakpoints outnumber its width; residual connections, as they are and through a projection;
        // batch normalisation, an affine map per unit at prediction.
        MultilayerPerceptron network = Train(Task.Regression, activation == "ReLU" ? Activation.ReLU : Activation.LeakyReLU(0.1f),
            hiddenLayers: hiddenLayers, residual: residual, normalization: batchNorm ? HiddenNormalization.Batch : HiddenNormalization.None);
        var path = new PiecewiseLinearPath(network.Layout);
        float[] rows = Rows(30, seed: 5);
        static float[] Point(float[] start, float[] end, float alpha) =>
            [.. Enumerable.Range(0, Features).Select(i => start[i] + alpha * (end[i] - start[i]))];
        int pieces = 0;
        for (int r = 0; r + 1 < 30; r += 2)
        {
            float[] start = rows[(r * Features)..((r + 1) * Features)], end = rows[((r + 1) * Features)..((r + 2) * Features)];
            float[] breakpoints = path.Breakpoints(network.Parameters, start, end).ToArray();
            Assert.Equal(0f, breakpoints[0]);
            Assert.Equal(1f, breakpoints[^1]);
            for (int s = 0; s + 1 < breakpoints.Length; s++)
            {
                float a = breakpoints[s], b = breakpoints[s + 1];
                Assert.True(b >= a, $"breakpoints out of order: {a} then {b}");
                // Linear on the piece: the value a quarter of the way along is the interpolation of its ends.
                double fa = network.Predict(Point(start, end, a))[0], fb = network.Predict(Point(start, end, b))[0];
                double quarter = network.Predict(Point(start, end, a + 0.25f * (b - a)))[0];
                Assert.True(Math.Abs(quarter - (0.75 * fa + 0.25 * fb)) <= 1e-4 * (1 + Math.Abs(fa) + Math.Abs(fb)),
                    $"row pair {r / 2}, piece [{a}, {b}]: {quarter} against {0.75 * fa + 0.25 * fb}");
            }
            pieces += breakpoints.Length - 1;
        }
        Assert.True(pieces > 3 * 15, $"only {pieces} pieces on 15 paths: the paths should cross many units");
    }

    [Theory]
    [InlineData(HiddenNormalization.None)]
    [InlineData(HiddenNormalization.Batch)]
    public void A_residual_ReLU_network_is_explained_exactly(HiddenNormalization normalization)
    {
        MultilayerPerceptron network = Train(Task.Multiclass, Activation.ReLU, hiddenLayers: [32, 32, 16], residual: true, normalization: normalization);
        var explainer = new IntegratedGradients(network);
        Assert.True(explainer.IsExact);
        AssertComplete(explainer, network.OutputCount, everyRow: true);
    }

    [Fact]
    public void A_network_with_a_periodic_embedding_is_explained_through_the_embedding()
    {
        MultilayerPerceptron network = Train(Task.Regression, Activation.ReLU, new PeriodicEmbedding());
        Assert.NotNull(network.Embedding);
        var explainer = new IntegratedGradients(network);
        Assert.False(explainer.IsExact);
        AssertComplete(explainer, 1, everyRow: false);
    }

    [Fact]
    public void An_input_the_network_ignores_gets_zero()
    {
        MultilayerPerceptron trained = Train(Task.Regression, Activation.ReLU);
        float[] parameters = trained.Parameters.ToArray();
        Span<float> firstWeights = trained.Layout.Weights(parameters.AsSpan(), 0);   // inputs × width, row-major
        int width = trained.Layout.OutputWidth(0);
        firstWeights.Slice(2 * width, width).Clear();
        var network = new MultilayerPerceptron(trained.Layout, parameters, trained.OutputTransform, trained.LabelScaling, trained.History, null);

        float[] rows = Rows(50, seed: 5);
        var contributions = new float[rows.Length];
        new IntegratedGradients(network).Explain(rows, new float[Features], 0, contributions);
        for (int r = 0; r < 50; r++)
            Assert.Equal(0f, contributions[r * Features + 2]);
        Assert.Contains(contributions, c => Math.Abs(c) > 1e-3);
    }

    [Fact]
    public void Several_baselines_average_their_explanations_and_an_ensemble_averages_its_members()
    {
        MultilayerPerceptron a = Train(Task.Regression, Activation.Tanh, seed: 1), b = Train(Task.Regression, Activation.Tanh, seed: 2);
        float[] rows = Rows(30, seed: 6), baselines = Rows(2, seed: 7);
        float[] Explain(IntegratedGradients explainer, ReadOnlySpan<float> baseline)
        {
            var c = new float[rows.Length];
            explainer.Explain(rows, baseline, 0, c);
            return c;
        }

        var single = new IntegratedGradients(a);
        float[] both = Explain(single, baselines), first = Explain(single, baselines.AsSpan(0, Features)), second = Explain(single, baselines.AsSpan(Features));
        for (int i = 0; i < both.Length; i++)
            Assert.Equal((first[i] + second[i]) / 2, both[i], 1e-4f);

        float[] ensemble = Explain(new IntegratedGradients(new MlpEnsemble([a, b])), baselines.AsSpan(0, Features));
        float[] other = Explain(new IntegratedGradients(b), baselines.AsSpan(0, Features));
        for (int i = 0; i < ensemble.Length; i++)
            Assert.Equal((first[i] + other[i]) / 2, ensemble[i], 1e-4f);
    }

    [Theory]
    [InlineData("ReLU")]
    [InlineData("Tanh")]
    public void An_explainer_allocates_nothing_per_row_once_warm(string activation)
    {
        // ReLU takes the exact path, tanh quadrature.
        var explainer = new IntegratedGradients(Train(Task.Multiclass, activation == "ReLU" ? Activation.ReLU : Activation.Tanh));
        float[] rows = Rows(200, seed: 8), baseline = new float[Features], contributions = new float[rows.Length], gaps = new float[200];
        explainer.Explain(rows, baseline, 1, contributions, gaps);
        long before = GC.GetAllocatedBytesForCurrentThread();
        explainer.Explain(rows, baseline, 2, contributions, gaps);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        MultilayerPerceptron network = Train(Task.Multiclass, Activation.ReLU);
        var explainer = new IntegratedGradients(network);
        float[] rows = Rows(3, seed: 9), contributions = new float[rows.Length];

        Assert.Contains("steps", Assert.Throws<ArgumentOutOfRangeException>(() => new IntegratedGradients(network, 0)).Message);
        var size = Assert.Throws<ArgumentException>(() => explainer.Explain(rows, new float[Features + 1], 0, contributions));
        Assert.Equal("baselines", size.ParamName);
        Assert.Contains($"rows of {Features} inputs", size.Message);
        var nan = new float[Features];
        nan[3] = float.NaN;
        var notFinite = Assert.Throws<ArgumentException>(() => explainer.Explain(rows, nan, 0, contributions));
        Assert.Contains("input 3", notFinite.Message);
        Assert.Contains("finite", notFinite.Message);
        Assert.Equal("output", Assert.Throws<ArgumentOutOfRangeException>(() => explainer.Explain(rows, new float[Features], 3, contributions)).ParamName);
        Assert.Equal("contributions", Assert.Throws<ArgumentException>(() => explainer.Explain(rows, new float[Features], 0, new float[4])).ParamName);
        Assert.Equal("features", Assert.Throws<ArgumentException>(() => explainer.Explain(rows.AsSpan(1), new float[Features], 0, contributions)).ParamName);
    }

    /// <summary>
    /// Over 400 rows and every output, |Σ contributions − (f(x) − f(x′))| is below 1 % of |f(x) − f(x′)|, in total and
    /// on the median row, and on every row when <paramref name="everyRow"/>; an exact explainer's gaps are float
    /// rounding (measured: 1e-7 of the changes in total, the worst row 2e-4 of a small change). The exception is
    /// quadrature through ReLU units behind a periodic embedding, whose gradient jumps where a unit switches on, so
    /// that the error falls only as 1/steps (measured at 64 steps: 0.5 % in total, the worst row 38 % of a small change).
    /// </summary>
    private static void AssertComplete(IntegratedGradients explainer, int outputs, bool everyRow)
    {
        const int rows = 400;
        float[] x = Rows(rows, seed: 11), baseline = new float[Features], contributions = new float[x.Length], gaps = new float[rows];
        var ratios = new List<double>();
        double totalGap = 0, totalChange = 0;
        for (int output = 0; output < outputs; output++)
        {
            explainer.Explain(x, baseline, output, contributions, gaps);
            for (int r = 0; r < rows; r++)
            {
                double sum = contributions.AsSpan(r * Features, Features).ToArray().Sum(c => (double)c);
                // The gap is |Σ − Δ|, so Δ is Σ ± gap; measured against the smaller, the ratio is the strictest.
                double change = Math.Abs(sum) - gaps[r];
                totalGap += gaps[r];
                totalChange += Math.Abs(sum);
                if (change > 1e-3)
                    ratios.Add(gaps[r] / change);
            }
        }
        ratios.Sort();
        Assert.True(ratios.Count > rows / 2, $"only {ratios.Count} rows changed the score measurably");
        Assert.True(totalGap / totalChange < 0.01, $"the gaps add up to {totalGap / totalChange:P3} of the changes in score");
        Assert.True(ratios[ratios.Count / 2] < 0.01, $"the median row's gap is {ratios[ratios.Count / 2]:P3} of its change in score");
        if (explainer.IsExact)
            Assert.True(totalGap / totalChange < 1e-5, $"an exact explainer's gaps add up to {totalGap / totalChange:E2} of the changes in score");
        if (everyRow)
            Assert.True(ratios[^1] < 0.01, $"the worst row's gap is {ratios[^1]:P3} of its change in score");
    }

    private static float[] Rows(int rows, int seed) => SyntheticData.Regression(rows, Features, seed).Features;

    private static MultilayerPerceptron Train(Task task, Activation activation, PeriodicEmbedding? embedding = null, int seed = 1,
        int[]? hiddenLayers = null, bool residual = false, HiddenNormalization normalization = HiddenNormalization.None)
    {
        TrainingData data = SyntheticData.Regression(600, Features, seed: 21);
        float[] labels = task switch
        {
            Task.Regression => data.Labels,
            Task.Binary => [.. data.Labels.Select(y => y > 0 ? 1f : 0f)],
            _ => [.. data.Labels.Select(y => y < -0.3f ? 0f : y < 0.3f ? 1f : 2f)],
        };
        return new MlpTrainer(new MlpTrainerOptions
        {
            HiddenLayers = hiddenLayers ?? [32, 16],
            Residual = residual,
            Normalization = normalization,
            Activation = activation,
            NumericEmbedding = embedding,
            Loss = task switch
            {
                Task.Regression => LossFunction.SquaredError,
                Task.Binary => LossFunction.BinaryCrossEntropy(),
                _ => LossFunction.SoftmaxCrossEntropy(),
            },
            NumberOfIterations = 60,
            EarlyStopping = false,
            ValidationFraction = 0,
            L2Regularization = 0,
            Seed = seed,
        }).Train(new TrainingData(data.Features, Features, labels));
    }
}
