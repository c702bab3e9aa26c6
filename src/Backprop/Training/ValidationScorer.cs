namespace Backprop;

/// <summary>
/// Scores the network on a row set without dropout: the weighted mean loss and the history's metric (R² for
/// regression, accuracy for classifiers, or the early-stopping metric when one is chosen).
/// </summary>
internal sealed class ValidationScorer
{
    private readonly LossFunction _loss;
    private readonly BatchBuffer _batch;
    private readonly int _width;
    private readonly float[] _outputs;

    public ValidationScorer(LossFunction loss, ValidationMetric earlyStoppingMetric, BatchBuffer batch, int outputWidth, int rows)
    {
        _loss = loss;
        _batch = batch;
        _width = outputWidth;
        _outputs = new float[rows * outputWidth];
        MetricName = MetricFor(loss, earlyStoppingMetric);
    }

    /// <summary>The metric's name, as the history records it.</summary>
    public string MetricName { get; }

    /// <summary>The history's metric for a loss and an early-stopping metric.</summary>
    public static string MetricFor(LossFunction loss, ValidationMetric earlyStoppingMetric)
        => earlyStoppingMetric != ValidationMetric.Loss ? earlyStoppingMetric.ToString()
            : loss.IsClassification ? nameof(ValidationMetric.Accuracy) : nameof(ValidationMetric.RSquared);

    public (double Loss, double Metric) Score(float[] parameters, RowSet set)
    {
        var propagator = _batch.Propagator;
        double lossSum = 0;
        for (int start = 0; start < set.Count; start += _batch.Capacity)
        {
            int count = Math.Min(_batch.Capacity, set.Count - start);
            _batch.Gather(set, set.Rows.AsSpan(start, count));
            propagator.Forward(parameters, count);
            Span<float> raw = propagator.Outputs(count);
            lossSum += _loss.Evaluate(raw, _batch.Targets(count), _batch.Weights(set, count), count, default, 0f);
            raw.CopyTo(_outputs.AsSpan(start * _width));
        }

        double metric = MetricName switch
        {
            nameof(ValidationMetric.Accuracy) => Metrics.Accuracy(_outputs, set.RowTargets, set.RowWeights, _width),
            nameof(ValidationMetric.Auc) => Metrics.Auc(_outputs, set.RowTargets, set.RowWeights),
            _ => Metrics.RSquared(_loss.OutputTransform == OutputTransform.Exp ? _outputs.Select(MathF.Exp).ToArray() : _outputs,
                set.RowTargets, set.RowWeights),
        };
        return (lossSum / set.TotalWeight, metric);
    }
}
