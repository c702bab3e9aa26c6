using Backprop.Tests.Support;

namespace Backprop.Tests;

/// <summary>
/// Back-propagated gradients against central finite differences of an independent float64 implementation, for every
/// hidden activation × loss pair, with sample weights and (in one set) L1 + L2 penalties.
/// </summary>
/// <remarks>
/// Tolerance: the float32 analytic gradient carries rounding of order 1e-6 relative after three layers, and the
/// float64 differences (h = 1e-6) are exact to ~1e-9, so |analytic − numeric| ≤ 2e-5 + 1e-3·|numeric| passes every
/// correct gradient while any wrong term (an O(1) relative error) fails.
/// </remarks>
public class GradientCheckTests
{
    private const int Inputs = 4, Rows = 7;

    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (string activation in Activations.Keys)
            foreach (string loss in Losses.Keys)
                data.Add(activation, loss, false);
        foreach (string loss in Losses.Keys)
            data.Add("Tanh", loss, true);
        return data;
    }

    private static readonly Dictionary<string, Activation> Activations = new()
    {
        ["Identity"] = Activation.Identity,
        ["ReLU"] = Activation.ReLU,
        ["LeakyReLU(0.1)"] = Activation.LeakyReLU(0.1f),
        ["Tanh"] = Activation.Tanh,
        ["Sigmoid"] = Activation.Sigmoid,
        ["Gelu"] = Activation.Gelu,
        ["SoftPlus"] = Activation.SoftPlus,
        ["Selu"] = Activation.Selu,
        ["Mish"] = Activation.Mish,
    };

    private static readonly Dictionary<string, LossFunction> Losses = new()
    {
        ["SquaredError"] = LossFunction.SquaredError,
        ["AbsoluteError"] = LossFunction.AbsoluteError,
        ["Huber(0.5)"] = LossFunction.Huber(0.5f),
        ["Poisson"] = LossFunction.Poisson,
        ["BinaryCrossEntropy(pos 2.5)"] = LossFunction.BinaryCrossEntropy(2.5f),
        ["SoftmaxCrossEntropy(weights, smoothing)"] = LossFunction.SoftmaxCrossEntropy([1f, 2f, 0.5f], 0.1f),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backpropagated_gradient_matches_central_differences(string activationName, string lossName, bool penalties)
    {
        Activation activation = Activations[activationName];
        LossFunction loss = Losses[lossName];
        int outputs = loss is SoftmaxCrossEntropyLoss ? 3 : 1;
        int[] widths = [5, 3, outputs];
        float l1 = penalties ? 0.03f : 0f, l2 = penalties ? 0.2f : 0f;
        var layout = new NetworkLayout(Inputs, widths, [activation, activation]);

        AssertGradientMatches(layout, loss, l1, l2, seed: 7);
    }

    [Theory]
    [InlineData("ReLU", "SquaredError", false, true, HiddenNormalization.None)]
    [InlineData("Tanh", "SoftmaxCrossEntropy(weights, smoothing)", false, true, HiddenNormalization.None)]
    [InlineData("Gelu", "BinaryCrossEntropy(pos 2.5)", true, true, HiddenNormalization.None)]
    [InlineData("Tanh", "SquaredError", true, false, HiddenNormalization.Layer)]
    [InlineData("Sigmoid", "SoftmaxCrossEntropy(weights, smoothing)", false, false, HiddenNormalization.Layer)]
    [InlineData("ReLU", "Huber(0.5)", true, true, HiddenNormalization.Layer)]
    [InlineData("Tanh", "SquaredError", true, false, HiddenNormalization.Batch)]
    [InlineData("Sigmoid", "SoftmaxCrossEntropy(weights, smoothing)", false, false, HiddenNormalization.Batch)]
    [InlineData("Gelu", "BinaryCrossEntropy(pos 2.5)", true, true, HiddenNormalization.Batch)]
    public void Residual_and_normalisation_gradients_match_central_differences(string activationName, string lossName, bool penalties,
        bool residual, HiddenNormalization normalization)
    {
        // Layer 1 adds its input as it is (5 → 5), layer 2 through a projection (5 → 3); penalties reach the projection
        // (not γ and β).
        Activation activation = Activations[activationName];
        LossFunction loss = Losses[lossName];
        int outputs = loss is SoftmaxCrossEntropyLoss ? 3 : 1;
        int[] widths = [5, 5, 3, outputs];
        Activation[] hidden = [activation, activation, activation];
        float l1 = penalties ? 0.03f : 0f, l2 = penalties ? 0.2f : 0f;
        var layout = new NetworkLayout(Inputs, widths, hidden, residual: residual, normalization: normalization);
        Assert.True(!residual || layout.HasSkip(1) && !layout.HasProjection(1) && layout.HasProjection(2) && !layout.HasSkip(0) && !layout.HasSkip(3));

        AssertGradientMatches(layout, loss, l1, l2, seed: 8);
    }

    /// <summary>
    /// The objective and its back-propagated gradient on random parameters, rows, weights and targets, against the
    /// float64 reference and its central differences.
    /// </summary>
    private static void AssertGradientMatches(NetworkLayout layout, LossFunction loss, float l1, float l2, int seed)
    {
        var random = new Random(seed);
        float[] parameters = Enumerable.Range(0, layout.ParameterCount).Select(_ => (float)(random.NextDouble() * 1.6 - 0.8)).ToArray();
        float[] x = Enumerable.Range(0, Rows * Inputs).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        float[] weights = Enumerable.Range(0, Rows).Select(_ => (float)(0.5 + random.NextDouble())).ToArray();
        float[] y = Enumerable.Range(0, Rows).Select(_ => Target(loss, random)).ToArray();

        var propagator = new Propagator(layout, Rows, withDropout: false, threads: 1);
        x.CopyTo(propagator.Input, 0);
        var objective = new Objective(layout, loss, l1, l2);
        var gradient = new float[layout.ParameterCount];
        double weightSum = weights.Sum(w => (double)w);
        double value = objective.Batch(propagator, parameters, Rows, y, weights, (float)(1 / weightSum), gradient, accumulate: false) / weightSum
            + objective.Penalty(parameters, gradient);

        double[] p = parameters.Select(v => (double)v).ToArray();
        double[] xd = x.Select(v => (double)v).ToArray();
        int[] widths = layout.LayerWidths();
        double Reference(double[] q) => ReferenceNetwork.Objective(Inputs, widths, layout.HiddenActivations, q, xd, Rows, y, weights, loss, l1, l2,
            layout.Residual, layout.Normalization);

        Assert.Equal(Reference(p), value, 1e-4 * Math.Max(1, Math.Abs(value)));
        CentralDifferences.AssertGradientMatches(gradient, p, Reference);
    }

    private static float Target(LossFunction loss, Random random) => loss switch
    {
        PoissonLoss => random.Next(0, 5),
        BinaryCrossEntropyLoss => random.Next(0, 2),
        SoftmaxCrossEntropyLoss => random.Next(0, 3),
        _ => (float)(random.NextDouble() * 4 - 2),
    };
}
