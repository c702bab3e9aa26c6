namespace Backprop;

/// <summary>
/// Limited-memory BFGS on the full training set, scikit-learn's recommended solver for small data. Each epoch is
/// one iteration: a quasi-Newton direction from the last <see cref="HistorySize"/> steps (two-loop recursion) and a
/// backtracking line search satisfying the Armijo condition. The learning rate and its schedule do not apply: the
/// line search chooses the step. Dropout, weight decay and gradient clipping are refused with it, since they would
/// make the objective it minimises change under it.
/// </summary>
public sealed class LbfgsOptimizer : Optimizer
{
    private const double ArmijoSlope = 1e-4;
    private const int MaxLineSearchSteps = 40;

    /// <summary>Creates the optimiser.</summary>
    /// <param name="historySize">Steps remembered for the curvature estimate, 1 or more; default 10.</param>
    /// <param name="tolerance">
    /// Stop when an iteration lowers the loss by less than this fraction of it, or the largest gradient component
    /// falls below it; default 1e-7.
    /// </param>
    public LbfgsOptimizer(int historySize = 10, double tolerance = 1e-7)
    {
        if (historySize < 1)
            throw new ArgumentOutOfRangeException(nameof(historySize), historySize, "The L-BFGS history needs at least 1 step, for example 10.");
        if (!double.IsFinite(tolerance) || tolerance < 0)
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be a non-negative number, for example 1e-7.");
        HistorySize = historySize;
        Tolerance = tolerance;
    }

    /// <summary>The number of (step, gradient change) pairs kept.</summary>
    public int HistorySize { get; }

    /// <summary>The relative loss decrease and gradient size below which training has converged.</summary>
    public double Tolerance { get; }

    /// <inheritdoc/>
    public override string Name => "L-BFGS";

    internal override bool IsFullBatch => true;

    /// <summary>The history starts empty; it holds s₀…s_c₋₁ then y₀…y_c₋₁, oldest first.</summary>
    internal override float[][] CreateBuffers(int parameterCount) => [];

    internal override bool CanContinue(float[][] buffers, int parameterCount) =>
        buffers.Length % 2 == 0 && buffers.Length / 2 <= HistorySize && buffers.All(b => b.Length == parameterCount);

    internal override EpochStrategy CreateEpochs(TrainingContext context) => new FullBatchEpochs(context, this);

    /// <summary>
    /// One L-BFGS iteration from <paramref name="parameters"/>, where the objective is <paramref name="loss"/> with
    /// gradient <paramref name="gradient"/>. On return both describe the new point.
    /// </summary>
    /// <returns><see langword="false"/> when the method has converged or can make no further progress.</returns>
    internal bool Iterate(float[] parameters, float[] gradient, ref double loss, ref float[][] history, Func<float[], float[], double> objective)
    {
        int n = parameters.Length;
        if (MaxAbs(gradient) <= Tolerance)
            return false;

        double[] direction = Direction(gradient, history);
        double slope = Dot(gradient, direction);
        if (!(slope < 0))
        {
            // Stale curvature pairs can spoil the direction: fall back to steepest descent.
            history = [];
            direction = Direction(gradient, history);
            slope = Dot(gradient, direction);
        }

        double step = history.Length == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(Dot(gradient, gradient))) : 1.0;
        var candidate = new float[n];
        var candidateGradient = new float[n];
        double candidateLoss = double.NaN;
        bool accepted = false;
        for (int attempt = 0; attempt < MaxLineSearchSteps; attempt++, step *= 0.5)
        {
            for (int i = 0; i < n; i++)
                candidate[i] = (float)(parameters[i] + step * direction[i]);
            candidateLoss = objective(candidate, candidateGradient);
            if (double.IsFinite(candidateLoss) && candidateLoss <= loss + ArmijoSlope * step * slope)
            {
                accepted = true;
                break;
            }
        }
        if (!accepted)
            return false;

        var s = new float[n];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            s[i] = candidate[i] - parameters[i];
            y[i] = candidateGradient[i] - gradient[i];
        }
        // Keep the pair only under positive curvature, which keeps the inverse-Hessian estimate positive definite.
        if (Dot(s, y) > 1e-10 * Dot(y, y))
            history = Append(history, s, y);

        double previous = loss;
        candidate.CopyTo(parameters, 0);
        candidateGradient.CopyTo(gradient, 0);
        loss = candidateLoss;
        return previous - candidateLoss > Tolerance * Math.Max(Math.Max(Math.Abs(previous), Math.Abs(candidateLoss)), 1.0);
    }

    /// <summary>The two-loop recursion: −H·g with H scaled by sᵀy / yᵀy of the newest pair.</summary>
    private static double[] Direction(float[] gradient, float[][] history)
    {
        int count = history.Length / 2;
        var q = new double[gradient.Length];
        for (int i = 0; i < q.Length; i++)
            q[i] = gradient[i];
        var alpha = new double[count];
        var rho = new double[count];
        for (int j = count - 1; j >= 0; j--)
        {
            float[] s = history[j], y = history[count + j];
            rho[j] = 1.0 / Dot(s, y);
            alpha[j] = rho[j] * Dot(s, q);
            for (int i = 0; i < q.Length; i++)
                q[i] -= alpha[j] * y[i];
        }
        if (count > 0)
        {
            float[] s = history[count - 1], y = history[2 * count - 1];
            double gamma = Dot(s, y) / Dot(y, y);
            for (int i = 0; i < q.Length; i++)
                q[i] *= gamma;
        }
        for (int j = 0; j < count; j++)
        {
            float[] s = history[j], y = history[count + j];
            double beta = rho[j] * Dot(y, q);
            for (int i = 0; i < q.Length; i++)
                q[i] += s[i] * (alpha[j] - beta);
        }
        for (int i = 0; i < q.Length; i++)
            q[i] = -q[i];
        return q;
    }

    private float[][] Append(float[][] history, float[] s, float[] y)
    {
        int count = history.Length / 2;
        int keep = Math.Min(count, HistorySize - 1);
        var next = new float[2 * (keep + 1)][];
        for (int j = 0; j < keep; j++)
        {
            next[j] = history[count - keep + j];
            next[keep + 1 + j] = history[2 * count - keep + j];
        }
        next[keep] = s;
        next[2 * keep + 1] = y;
        return next;
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += (double)a[i] * b[i];
        return sum;
    }

    private static double Dot(float[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }

    private static double MaxAbs(float[] values)
    {
        double max = 0;
        foreach (float v in values)
            max = Math.Max(max, Math.Abs(v));
        return max;
    }
}
