namespace Backprop.Tests;

public class LossTests
{
    [Fact]
    public void Binary_cross_entropy_stays_finite_and_exact_at_extreme_logits()
    {
        var loss = LossFunction.BinaryCrossEntropy();
        float[] gradient = new float[2];
        double sum = loss.Evaluate([100f, -100f], [1f, 0f], default, 2, gradient, 1f);
        Assert.True(sum < 1e-30, $"confidently right should cost ~0, got {sum}");
        double wrong = loss.Evaluate([-100f], [1f], default, 1, default, 1f);
        Assert.Equal(100.0, wrong, 1e-4); // log(1 + e^100) ≈ 100, never log(0)
    }

    [Fact]
    public void Softmax_cross_entropy_stays_finite_at_extreme_logits()
    {
        var loss = LossFunction.SoftmaxCrossEntropy();
        float[] gradient = new float[3];
        double value = loss.Evaluate([500f, -500f, 0f], [1f], default, 1, gradient, 1f);
        Assert.Equal(1000.0, value, 1e-3);
        Assert.Equal([1f, -1f, 0f], gradient);
    }

    [Fact]
    public void Label_smoothing_spreads_the_target_mass()
    {
        var loss = LossFunction.SoftmaxCrossEntropy(labelSmoothing: 0.3f);
        float[] gradient = new float[3];
        loss.Evaluate([0f, 0f, 0f], [2f], default, 1, gradient, 1f);
        // p = 1/3 each; q = (0.1, 0.1, 0.8): gradient p − q.
        Assert.Equal(1f / 3 - 0.1f, gradient[0], 6);
        Assert.Equal(1f / 3 - 0.8f, gradient[2], 6);
    }

    [Fact]
    public void Class_and_positive_weights_scale_only_their_class()
    {
        var weighted = LossFunction.SoftmaxCrossEntropy([1f, 4f]);
        var plain = LossFunction.SoftmaxCrossEntropy();
        float[] z = [0.3f, -0.2f];
        Assert.Equal(4 * plain.Evaluate(z, [1f], default, 1, default, 1f), weighted.Evaluate(z, [1f], default, 1, default, 1f), 9);
        Assert.Equal(plain.Evaluate(z, [0f], default, 1, default, 1f), weighted.Evaluate(z, [0f], default, 1, default, 1f), 9);

        var positive = LossFunction.BinaryCrossEntropy(3f);
        var even = LossFunction.BinaryCrossEntropy();
        Assert.Equal(3 * even.Evaluate([0.4f], [1f], default, 1, default, 1f), positive.Evaluate([0.4f], [1f], default, 1, default, 1f), 6);
        Assert.Equal(even.Evaluate([0.4f], [0f], default, 1, default, 1f), positive.Evaluate([0.4f], [0f], default, 1, default, 1f), 9);
    }

    [Fact]
    public void Huber_is_quadratic_inside_delta_and_linear_outside()
    {
        var huber = LossFunction.Huber(2f);
        Assert.Equal(0.5 * 1.5 * 1.5, huber.Evaluate([1.5f], [0f], default, 1, default, 1f), 9);
        Assert.Equal(2 * (5 - 1), huber.Evaluate([5f], [0f], default, 1, default, 1f), 9);
    }

    [Theory]
    [InlineData("Poisson", -1f, "non-negative")]
    [InlineData("Binary", 2f, "0 (negative) or 1 (positive)")]
    [InlineData("Softmax", 1.5f, "class indices")]
    [InlineData("Softmax", 3f, "class indices 0…2")]
    public void Invalid_targets_are_named(string lossName, float target, string expected)
    {
        LossFunction loss = lossName switch
        {
            "Poisson" => LossFunction.Poisson,
            "Binary" => LossFunction.BinaryCrossEntropy(),
            _ => LossFunction.SoftmaxCrossEntropy(),
        };
        var error = Assert.Throws<ArgumentException>(() => loss.ValidateTargets([0f, target], 3, "labels"));
        Assert.Contains("labels[1]", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Loss_parameters_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LossFunction.Huber(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => LossFunction.BinaryCrossEntropy(-1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => LossFunction.SoftmaxCrossEntropy(labelSmoothing: 1f));
        Assert.Throws<ArgumentException>(() => LossFunction.SoftmaxCrossEntropy([1f, float.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Activation.LeakyReLU(-0.1f));
    }
}
