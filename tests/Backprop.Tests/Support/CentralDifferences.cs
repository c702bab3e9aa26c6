namespace Backprop.Tests.Support;

/// <summary>
/// Compares a back-propagated gradient with central differences (h = 1e-6) of a float64 reference objective. The
/// tolerance 2e-5 + 1e-3·|numeric| passes float32 rounding after a few layers and fails any wrong term.
/// </summary>
internal static class CentralDifferences
{
    public static void AssertGradientMatches(float[] gradient, double[] parameters, Func<double[], double> objective,
        Func<int, string>? describe = null)
    {
        const double h = 1e-6;
        for (int i = 0; i < parameters.Length; i++)
        {
            double saved = parameters[i];
            parameters[i] = saved + h;
            double plus = objective(parameters);
            parameters[i] = saved - h;
            double minus = objective(parameters);
            parameters[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(gradient[i] - numeric) <= 2e-5 + 1e-3 * Math.Abs(numeric),
                $"parameter {i}{describe?.Invoke(i)}: back-propagated {gradient[i]:G6}, central difference {numeric:G6}");
        }
    }
}
