namespace Backprop;

/// <summary>Gauss–Legendre quadrature on [0, 1]: n nodes integrate polynomials of degree 2n − 1 exactly.</summary>
internal static class GaussLegendre
{
    /// <summary>The <paramref name="n"/> nodes in (0, 1), ascending, and their weights, which sum to 1.</summary>
    public static (float[] Nodes, float[] Weights) OnUnitInterval(int n)
    {
        var nodes = new float[n];
        var weights = new float[n];
        for (int i = 0; i < n; i++)
        {
            // Newton's method on the Legendre polynomial Pₙ from the Chebyshev-like first guess; the roots are symmetric.
            double t = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5)), derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                double p0 = 1, p1 = t;
                for (int k = 2; k <= n; k++)
                    (p0, p1) = (p1, ((2 * k - 1) * t * p1 - (k - 1) * p0) / k);
                derivative = n * (t * p1 - p0) / (t * t - 1);
                double step = p1 / derivative;
                t -= step;
                if (Math.Abs(step) < 1e-15)
                    break;
            }
            // On [−1, 1] the weight is 2 / ((1 − t²)·Pₙ′(t)²); mapping to [0, 1] halves it.
            double weight = 1.0 / ((1 - t * t) * derivative * derivative);
            nodes[n - 1 - i] = (float)((t + 1) / 2);
            weights[n - 1 - i] = (float)weight;
        }
        return (nodes, weights);
    }
}
