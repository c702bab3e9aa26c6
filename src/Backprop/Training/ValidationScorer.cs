namespace Backprop;

/// <summary>
/// Scores the network on validation rows without dropout: the weighted mean loss and the history's metric (R² for
/// regression, accuracy for classifiers, or the early-stopping metric when one is chosen). Rows in memory are gathered
/// in place; streamed rows are read through a cursor in the source's order.
/// </summary>
internal sealed class ValidationScorer
{
    private readonly LossFunction _loss;
    private readonly BatchBuffer _batch;
    private readonly int _width;
    private readonly float[] _outputs;
    private readonly float[] _targets, _weights;

    public ValidationScorer(LossFunction loss, ValidationMetric earlyStoppingMetric, BatchBuffer batch, int outputWidth, RowCollection rows)
    {
        _loss = loss;
        _batch = batch;
        _width = outputWidth;
        _outputs = new float[(long)rows.Count * outputWidth];
        // A row set has its targets and weights at hand; streamed rows are read into these on every pass.
        bool streamed = rows is StreamedRows;
        _targets = streamed ? new float[rows.Count] : [];
        _weights = streamed && rows.HasWeights ? new float[rows.Count] : [];
        MetricName = MetricFor(loss, earlyStoppingMetric);
    }

    /// <summary>The metric's name, as the history records it.</summary>
    public string MetricName { get; }

    /// <summary>The history's metric for a loss and an early-stopping metric.</summary>
    public static string MetricFor(LossFunction loss, ValidationMetric earlyStoppingMetric)
        => earlyStoppingMetric != ValidationMetric.Loss ? earlyStoppingMetric.ToString()
            : loss.IsClassification ? nameof(ValidationMetric.Accuracy) : nameof(ValidationMetric.RSquared);

    public (double Loss, double Metric) Score(float[] parameters, RowCollection rows)
    {
        double lossSum = 0;
        if (rows is RowSet set)
        {
            for (int start = 0; start < set.Count; start += _batch.Capacity)
            {
                int count = Math.Min(_batch.Capacity, set.Count - start);
                _batch.Gather(set, set.Rows.AsSpan(start, count));
                lossSum += ForwardBatch(parameters, start, count);
            }
            return (lossSum / set.TotalWeight, Metric(set.RowTargets, set.RowWeights));
        }

        var streamed = (StreamedRows)rows;
        int read = 0;
        using (var prefetcher = new RowPrefetcher(streamed, shuffleSeed: null))
        {
            int count;
            do
            {
                for (count = 0; count < _batch.Capacity && read + count < _targets.Length; count++)
                {
                    if (!prefetcher.Next(_batch.FeatureSlot(count), out float target, out float weight))
                        break;
                    _batch.SetTarget(count, target, weight, streamed.HasWeights);
                    _targets[read + count] = target;
                    if (_weights.Length > 0)
                        _weights[read + count] = weight;
                }
                if (count > 0)
                    lossSum += ForwardBatch(parameters, read, count);
                read += count;
            }
            while (count == _batch.Capacity);
        }
        streamed.RequireCount(read, "when scoring the held-out rows");
        return (lossSum / streamed.TotalWeight, Metric(_targets, _weights));
    }

    // Runs the gathered batch, keeps its outputs from row <paramref name="first"/> on, and returns its summed loss.
    private double ForwardBatch(float[] parameters, int first, int count)
    {
        var propagator = _batch.Propagator;
        propagator.Forward(parameters, count);
        Span<float> raw = propagator.Outputs(count);
        raw.CopyTo(_outputs.AsSpan(first * _width));
        return _loss.Evaluate(raw, _batch.Targets(count), _batch.Weights(count), count, default, 0f);
    }

    private double Metric(float[] targets, float[] weights) => MetricName switch
    {
        nameof(ValidationMetric.Accuracy) => Metrics.Accuracy(_outputs, targets, weights, _width),
        nameof(ValidationMetric.Auc) => Metrics.Auc(_outputs, targets, weights),
        _ => Metrics.RSquared(_loss.OutputTransform == OutputTransform.Exp ? _outputs.Select(MathF.Exp).ToArray() : _outputs,
            targets, weights),
    };
}
