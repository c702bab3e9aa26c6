namespace Backprop;

/// <summary>
/// Explains a network's predictions by integrated gradients (Sundararajan, Taly and Yan, 2017): the contribution of
/// input i to a row x is (xᵢ − x′ᵢ)·∫₀¹ ∂f/∂xᵢ(x′ + α(x − x′)) dα, for a baseline x′, so that the contributions add
/// up to f(x) − f(x′). The integral is taken by Gauss–Legendre quadrature on <see cref="Steps"/> points, and every
/// point of many rows goes through the network's forward and backward kernels in one batch.
/// </summary>
/// <remarks>
/// f is the network's output before its output transform, in the units of the model's score: a regression network's
/// prediction with the label scaling undone (for squared, absolute and Huber losses, the label's own units; under a
/// Poisson loss, the log of the mean), a binary classifier's logit, a class's logit. An ensemble is explained as the
/// mean of its members, which is the mean of their contributions. Given several baseline rows (a background sample),
/// the contributions are averaged over them: the expected gradients behind SHAP's GradientExplainer.
/// An instance keeps its buffers between calls and allocates nothing once warm; it is not safe for concurrent use.
/// </remarks>
public sealed class IntegratedGradients
{
    /// <summary>
    /// Quadrature points per row and baseline: 64. A ReLU network's gradient jumps where a unit switches on, so the
    /// error falls only as 1/steps; at 64 the contributions of trained ReLU networks missed f(x) − f(x′) by 0.2–0.4 % in
    /// total (at 32, 0.5–1.1 %).
    /// </summary>
    public const int DefaultSteps = 64;

    // Points of the path that go through the network at once: on W1's [128, 64] network 256 measured 1.73 s for 10,000
    // rows, 64 and 1,024 points 1.90 and 1.94 s (one thread).
    private const int BatchPoints = 256;

    private readonly MultilayerPerceptron[] _members;
    private readonly Propagator[] _propagators;
    private readonly float[] _nodes, _weights;
    private readonly float[] _gradients, _integrals, _rowOutputs;
    private float[] _baselineOutputs = [];
    private readonly int _rowsPerBatch;
    private readonly double _scoreScale;

    /// <summary>Explains <paramref name="network"/> with <see cref="DefaultSteps"/> quadrature points per row.</summary>
    public IntegratedGradients(MultilayerPerceptron network)
        : this(network, DefaultSteps)
    {
    }

    /// <summary>Explains <paramref name="network"/> with <paramref name="steps"/> quadrature points per row.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is below 1.</exception>
    public IntegratedGradients(MultilayerPerceptron network, int steps)
        : this([network ?? throw new ArgumentNullException(nameof(network))], steps)
    {
    }

    /// <summary>Explains the mean of <paramref name="ensemble"/>'s networks with <see cref="DefaultSteps"/> quadrature points per row.</summary>
    public IntegratedGradients(MlpEnsemble ensemble)
        : this(ensemble, DefaultSteps)
    {
    }

    /// <summary>Explains the mean of <paramref name="ensemble"/>'s networks with <paramref name="steps"/> quadrature points per row.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is below 1.</exception>
    public IntegratedGradients(MlpEnsemble ensemble, int steps)
        : this([.. (ensemble ?? throw new ArgumentNullException(nameof(ensemble))).Members], steps)
    {
    }

    private IntegratedGradients(MultilayerPerceptron[] members, int steps)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps,
                $"steps is the number of quadrature points per row and must be at least 1; {DefaultSteps} is the default.");
        _members = members;
        Steps = steps;
        (_nodes, _weights) = GaussLegendre.OnUnitInterval(steps);
        MultilayerPerceptron first = members[0];
        _scoreScale = first.OutputTransform == OutputTransform.Identity && first.LabelScaling is { } scaling ? scaling.Scale : 1.0;
        _rowsPerBatch = Math.Max(1, BatchPoints / steps);
        int points = _rowsPerBatch * steps;
        _propagators = [.. members.Select(m => new Propagator(m.Layout, Math.Max(points, _rowsPerBatch), withDropout: false, threads: 1))];
        _gradients = new float[points * first.InputCount];
        _integrals = new float[_rowsPerBatch * first.InputCount];
        _rowOutputs = new float[_rowsPerBatch * first.OutputCount];
    }

    /// <summary>Quadrature points per row and baseline.</summary>
    public int Steps { get; }

    /// <summary>The inputs each row has.</summary>
    public int InputCount => _members[0].InputCount;

    /// <summary>The outputs one can explain: 1, or the number of classes.</summary>
    public int OutputCount => _members[0].OutputCount;

    /// <summary>
    /// Writes the contribution of every input of every row of <paramref name="features"/> to output
    /// <paramref name="output"/>, relative to <paramref name="baselines"/> (one row, or several to average over).
    /// </summary>
    /// <param name="features">Rows of <see cref="InputCount"/> network inputs, one after another.</param>
    /// <param name="baselines">One or more rows of <see cref="InputCount"/> finite inputs.</param>
    /// <param name="output">Which output to explain: 0 for a one-output network, else the class.</param>
    /// <param name="contributions">Receives rows × <see cref="InputCount"/> contributions in the score's units.</param>
    /// <param name="completenessGaps">
    /// Optional, one per row: |Σᵢ contributionᵢ − (f(x) − f(x′))| (averaged over the baselines), which shows how
    /// exact the quadrature was; empty to skip.
    /// </param>
    /// <exception cref="ArgumentException">A size does not fit, or a baseline is not finite.</exception>
    public void Explain(ReadOnlySpan<float> features, ReadOnlySpan<float> baselines, int output, Span<float> contributions,
        Span<float> completenessGaps = default)
    {
        int n = InputCount;
        if (features.Length % n != 0)
            throw new ArgumentException($"features has {features.Length} values, which is not a whole number of rows of {n} inputs.", nameof(features));
        int rows = features.Length / n;
        if (baselines.Length == 0 || baselines.Length % n != 0)
            throw new ArgumentException(
                $"baselines has {baselines.Length} values; it needs one or more whole rows of {n} inputs, as the model's features.", nameof(baselines));
        for (int i = 0; i < baselines.Length; i++)
            if (!float.IsFinite(baselines[i]))
                throw new ArgumentException(
                    $"baselines holds {baselines[i]} at row {i / n}, input {i % n}; a baseline must be finite.", nameof(baselines));
        if ((uint)output >= (uint)OutputCount)
            throw new ArgumentOutOfRangeException(nameof(output), output, $"The network has {OutputCount} output(s); output must be in [0, {OutputCount}).");
        if (contributions.Length != rows * n)
            throw new ArgumentException($"contributions holds {contributions.Length} values but {rows} rows of {n} inputs need {rows * n}.", nameof(contributions));
        if (!completenessGaps.IsEmpty && completenessGaps.Length != rows)
            throw new ArgumentException($"completenessGaps holds {completenessGaps.Length} values but there are {rows} rows.", nameof(completenessGaps));

        int baselineCount = baselines.Length / n;
        // f(x) and f(x′) are needed only for the gaps.
        bool gaps = !completenessGaps.IsEmpty;
        if (gaps && _baselineOutputs.Length < baselineCount * _members.Length)
            _baselineOutputs = new float[baselineCount * _members.Length];
        for (int m = 0; gaps && m < _members.Length; m++)
            for (int b = 0; b < baselineCount; b++)
            {
                ForwardRows(m, baselines.Slice(b * n, n), 1);
                _baselineOutputs[m * baselineCount + b] = _rowOutputs[output];
            }

        contributions.Clear();
        completenessGaps.Clear();
        float share = (float)(_scoreScale / (_members.Length * baselineCount));
        for (int first = 0; first < rows; first += _rowsPerBatch)
        {
            int count = Math.Min(_rowsPerBatch, rows - first);
            ReadOnlySpan<float> block = features.Slice(first * n, count * n);
            Span<float> blockContributions = contributions.Slice(first * n, count * n);
            for (int m = 0; m < _members.Length; m++)
            {
                if (gaps)
                    ForwardRows(m, block, count);
                for (int b = 0; b < baselineCount; b++)
                {
                    ReadOnlySpan<float> baseline = baselines.Slice(b * n, n);
                    Integrate(m, block, count, baseline, output);
                    for (int r = 0; r < count; r++)
                    {
                        double sum = 0;
                        for (int i = 0; i < n; i++)
                        {
                            float c = (block[r * n + i] - baseline[i]) * _integrals[r * n + i];
                            sum += c;
                            blockContributions[r * n + i] += share * c;
                        }
                        if (gaps)
                        {
                            double difference = _rowOutputs[r * OutputCount + output] - _baselineOutputs[m * baselineCount + b];
                            completenessGaps[first + r] += (float)(share * (sum - difference));
                        }
                    }
                }
            }
            if (gaps)
                for (int r = 0; r < count; r++)
                    completenessGaps[first + r] = Math.Abs(completenessGaps[first + r]);
        }
    }

    /// <summary>∫₀¹ ∂f/∂x along the path from <paramref name="baseline"/> to each row, into <see cref="_integrals"/>.</summary>
    private void Integrate(int member, ReadOnlySpan<float> rows, int count, ReadOnlySpan<float> baseline, int output)
    {
        int n = InputCount, outputs = OutputCount, points = count * Steps;
        Propagator propagator = _propagators[member];
        ReadOnlySpan<float> parameters = _members[member].Parameters;
        Span<float> path = propagator.Input.AsSpan(0, points * n);
        for (int r = 0; r < count; r++)
            for (int s = 0; s < Steps; s++)
            {
                float alpha = _nodes[s];
                Span<float> point = path.Slice((r * Steps + s) * n, n);
                for (int i = 0; i < n; i++)
                    point[i] = baseline[i] + alpha * (rows[r * n + i] - baseline[i]);
            }
        propagator.Forward(parameters, points);
        Span<float> seed = propagator.OutputGradient(points);
        seed.Clear();
        for (int p = 0; p < points; p++)
            seed[p * outputs + output] = 1f;
        Span<float> gradients = _gradients.AsSpan(0, points * n);
        propagator.InputGradient(parameters, points, gradients);

        Span<float> integrals = _integrals.AsSpan(0, count * n);
        integrals.Clear();
        for (int r = 0; r < count; r++)
        {
            Span<float> integral = integrals.Slice(r * n, n);
            for (int s = 0; s < Steps; s++)
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(gradients.Slice((r * Steps + s) * n, n), _weights[s], integral, integral);
        }
    }

    /// <summary>The raw outputs of <paramref name="count"/> rows, into <see cref="_rowOutputs"/>.</summary>
    private void ForwardRows(int member, ReadOnlySpan<float> rows, int count)
    {
        Propagator propagator = _propagators[member];
        rows.CopyTo(propagator.Input);
        propagator.Forward(_members[member].Parameters, count);
        propagator.Outputs(count).CopyTo(_rowOutputs);
    }
}
