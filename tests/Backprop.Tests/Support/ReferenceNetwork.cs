namespace Backprop.Tests.Support;

/// <summary>
/// An independent float64 implementation of the network's objective, written from the formulas, used as the oracle
/// for gradient checks: its central differences (h = 1e-6) are accurate to ~1e-9, far below float32 resolution.
/// </summary>
internal static class ReferenceNetwork
{
    /// <param name="residual">
    /// Whether hidden layers after the first add their input (or its product with a projection, where the widths
    /// differ) to their output; the projections follow every layer's parameters, in layer order.
    /// </param>
    /// <param name="normalization">
    /// How every hidden layer's pre-activations are standardised — per row (layer) or per unit over the batch's rows
    /// (batch, biased variance) — before they are scaled and shifted by γ and β, which follow the projections, γ then β
    /// for each hidden layer in order.
    /// </param>
    public static double Objective(int inputs, int[] widths, Activation[] hidden, double[] p, double[] x, int rows,
        float[] y, float[]? w, LossFunction loss, double l1, double l2, bool residual = false,
        HiddenNormalization normalization = HiddenNormalization.None)
    {
        double[] current = x;
        int width = inputs, offset = 0;
        int projection = 0;
        for (int l = 0, fanIn = inputs; l < widths.Length; fanIn = widths[l], l++)
            projection += fanIn * widths[l] + widths[l];
        int norm = projection;
        for (int l = 1; residual && l < widths.Length - 1; l++)
            if (widths[l - 1] != widths[l])
                norm += widths[l - 1] * widths[l];
        double penalty = 0;
        for (int l = 0; l < widths.Length; l++)
        {
            int outWidth = widths[l];
            bool isHidden = l < widths.Length - 1;
            var next = new double[rows * outWidth];
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < outWidth; j++)
                {
                    double z = p[offset + width * outWidth + j];
                    for (int i = 0; i < width; i++)
                        z += current[r * width + i] * p[offset + i * outWidth + j];
                    next[r * outWidth + j] = z;
                }
            if (isHidden && normalization != HiddenNormalization.None)
            {
                // Layer: the units of one row; batch: one unit over the rows.
                bool layer = normalization == HiddenNormalization.Layer;
                int groups = layer ? rows : outWidth, size = layer ? outWidth : rows;
                int Index(int group, int k) => layer ? group * outWidth + k : k * outWidth + group;
                for (int g = 0; g < groups; g++)
                {
                    double mean = 0, variance = 0;
                    for (int k = 0; k < size; k++)
                        mean += next[Index(g, k)] / size;
                    for (int k = 0; k < size; k++)
                        variance += (next[Index(g, k)] - mean) * (next[Index(g, k)] - mean) / size;
                    for (int k = 0; k < size; k++)
                    {
                        int i = Index(g, k), j = i % outWidth;
                        next[i] = p[norm + j] * (next[i] - mean) / Math.Sqrt(variance + 1e-5) + p[norm + outWidth + j];
                    }
                }
                norm += 2 * outWidth;
            }
            if (isHidden)
                for (int i = 0; i < next.Length; i++)
                    next[i] = Activate(hidden[l], next[i]);
            for (int i = 0; i < width * outWidth; i++)
                penalty += 0.5 * l2 * p[offset + i] * p[offset + i] + l1 * Math.Abs(p[offset + i]);
            if (residual && l > 0 && l < widths.Length - 1)
            {
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < outWidth; j++)
                    {
                        double skip = 0;
                        if (width == outWidth)
                            skip = current[r * width + j];
                        else
                            for (int i = 0; i < width; i++)
                                skip += current[r * width + i] * p[projection + i * outWidth + j];
                        next[r * outWidth + j] += skip;
                    }
                if (width != outWidth)
                {
                    for (int i = 0; i < width * outWidth; i++)
                        penalty += 0.5 * l2 * p[projection + i] * p[projection + i] + l1 * Math.Abs(p[projection + i]);
                    projection += width * outWidth;
                }
            }
            offset += width * outWidth + outWidth;
            current = next;
            width = outWidth;
        }

        double sum = 0, weightSum = 0;
        for (int r = 0; r < rows; r++)
        {
            double weight = w?[r] ?? 1;
            sum += weight * Loss(loss, current.AsSpan(r * width, width), y[r]);
            weightSum += weight;
        }
        return sum / weightSum + penalty;
    }

    public static double Activate(Activation a, double z) => a.Kind switch
    {
        ActivationKind.Identity => z,
        ActivationKind.ReLU => Math.Max(z, 0),
        ActivationKind.LeakyReLU => z > 0 ? z : a.NegativeSlope * z,
        ActivationKind.Tanh => Math.Tanh(z),
        ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-z)),
        ActivationKind.Gelu => 0.5 * z * (1 + Erf(z / Math.Sqrt(2))),
        ActivationKind.SoftPlus => Math.Log(1 + Math.Exp(z)),
        // The exact constants of Klambauer et al., not the engine's float ones.
        ActivationKind.Selu => 1.0507009873554805 * (z > 0 ? z : 1.6732632423543772 * (Math.Exp(z) - 1)),
        ActivationKind.Mish => z * Math.Tanh(Math.Log(1 + Math.Exp(z))),
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    public static double Loss(LossFunction loss, ReadOnlySpan<double> z, float y) => loss switch
    {
        SquaredErrorLoss => Math.Pow(z[0] - y, 2),
        AbsoluteErrorLoss => Math.Abs(z[0] - y),
        HuberLoss h => Math.Abs(z[0] - y) <= h.Delta ? 0.5 * Math.Pow(z[0] - y, 2) : h.Delta * (Math.Abs(z[0] - y) - 0.5 * h.Delta),
        PoissonLoss => Math.Exp(z[0]) - y * z[0],
        BinaryCrossEntropyLoss b => -(b.PositiveClassWeight * y * Math.Log(1 / (1 + Math.Exp(-z[0]))) + (1 - y) * Math.Log(1 - 1 / (1 + Math.Exp(-z[0])))),
        SoftmaxCrossEntropyLoss s => SoftmaxLoss(s, z, (int)y),
        _ => throw new ArgumentOutOfRangeException(nameof(loss)),
    };

    private static double SoftmaxLoss(SoftmaxCrossEntropyLoss s, ReadOnlySpan<double> z, int y)
    {
        int k = z.Length;
        double norm = 0;
        foreach (double v in z)
            norm += Math.Exp(v);
        double loss = 0;
        for (int j = 0; j < k; j++)
        {
            double q = (j == y ? 1 - s.LabelSmoothing : 0) + s.LabelSmoothing / k;
            loss -= q * Math.Log(Math.Exp(z[j]) / norm);
        }
        return loss * (s.ClassWeights?[y] ?? 1);
    }

    /// <summary>erf by its Taylor series, exact to double precision for the |x| &lt; 4 used here.</summary>
    public static double Erf(double x)
    {
        double term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= -x * x / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
                break;
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
