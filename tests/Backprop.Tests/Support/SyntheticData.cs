namespace Backprop.Tests.Support;

internal static class SyntheticData
{
    /// <summary>x ~ U(−1, 1)ᵈ, y = sin(2·x₀) + x₁·x₂ + 0.1·noise: smooth, non-linear, learnable.</summary>
    public static TrainingData Regression(int rows, int features, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * features];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < features; c++)
                x[r * features + c] = (float)(random.NextDouble() * 2 - 1);
            y[r] = (float)(Math.Sin(2 * x[r * features]) + x[r * features + 1] * x[r * features + 2] + 0.1 * (random.NextDouble() - 0.5));
        }
        return new TrainingData(x, features, y);
    }
}
