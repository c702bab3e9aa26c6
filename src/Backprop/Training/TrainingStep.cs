namespace Backprop;

/// <summary>
/// One mini-batch step on the batch gathered in the buffer: forward and backward (with dropout), batch normalisation's
/// running statistics, the penalty's gradient, clipping, decoupled weight decay, then the optimiser's update of the
/// parameters (not the statistics that follow them).
/// </summary>
internal sealed class TrainingStep
{
    private readonly TrainingContext _context;
    private readonly MiniBatchOptimizer _optimizer;
    private readonly float[] _gradient;
    private readonly float _weightDecay;
    private readonly ParameterUpdate _update;

    public TrainingStep(TrainingContext context, MiniBatchOptimizer optimizer)
    {
        _context = context;
        _optimizer = optimizer;
        _gradient = new float[context.Layout.ParameterCount];
        _weightDecay = context.Options.WeightDecay ?? optimizer.DefaultWeightDecay;
        _update = new ParameterUpdate(optimizer, _gradient, context.Batch.Propagator.Threads);
    }

    /// <summary>Steps on the first <paramref name="count"/> gathered rows, of total weight <paramref name="batchWeight"/>.</summary>
    /// <returns>The batch's summed weighted loss, without the penalty.</returns>
    public double Run(float[] values, int count, double batchWeight, float rate, OptimizerProgress state, SeededRandom dropoutRandom,
        int epoch, int batchIndex)
    {
        var (options, batch, diagnostics) = (_context.Options, _context.Batch, _context.Diagnostics);
        bool measured = diagnostics is not null && diagnostics.Samples(batchIndex);
        Span<float> parameters = values.AsSpan(0, _gradient.Length);
        double batchLoss = _context.Objective.Batch(batch.Propagator, values, count, batch.Targets(count),
            batch.Weights(_context.Train, count), (float)(1.0 / batchWeight), _gradient, accumulate: false, options.Dropout, dropoutRandom);
        if (!double.IsFinite(batchLoss))
            throw new TrainingDivergedException(
                $"Training diverged: the loss became {batchLoss} in epoch {epoch + 1}, batch {batchIndex + 1}. {_context.DivergenceAdvice}");
        if (measured)
            diagnostics!.ObserveBackward(batch.Propagator, count, _gradient);
        batch.Propagator.UpdateRunningStatistics(values, count);

        _context.Objective.AddPenaltyGradient(parameters, _gradient);
        Clip(epoch, batchIndex);
        if (measured)
            diagnostics!.BeforeUpdate(parameters);
        if (_weightDecay > 0f)
            DecayWeights(parameters, rate * _weightDecay);
        _update.Apply(values, rate, state.Buffers, ++state.Steps);
        if (measured)
            diagnostics!.AfterUpdate(parameters);
        return batchLoss;
    }

    /// <summary>
    /// The optimiser's update, split between two threads from <see cref="ParallelFrom"/> parameters: it reads and
    /// writes four or five values per parameter, with a division and a square root for Adam, which on W2's 235K
    /// parameters was a fifth of a two-thread step. Element by element, so the split changes no bit.
    /// </summary>
    private sealed class ParameterUpdate(MiniBatchOptimizer optimizer, float[] gradient, int threads) : Kernels.IPartedWork
    {
        private const int ParallelFrom = 1 << 16;

        private readonly int _parts = threads > 1 && gradient.Length >= ParallelFrom ? 2 : 1;
        private float[] _values = [];
        private float[][] _buffers = [];
        private float _rate;
        private long _step;

        /// <summary>Updates the parameters at the start of <paramref name="values"/> from the step's gradient.</summary>
        public void Apply(float[] values, float rate, float[][] buffers, long step)
        {
            (_values, _rate, _buffers, _step) = (values, rate, buffers, step);
            Kernels.ParallelWork.ForCurrentThread.Run(this, _parts, threads);
        }

        public void Run(int part)
        {
            // Parts that start on a cache line (16 floats).
            int start = (int)((long)gradient.Length * part / _parts) & ~15;
            int end = part == _parts - 1 ? gradient.Length : (int)((long)gradient.Length * (part + 1) / _parts) & ~15;
            optimizer.Step(_values.AsSpan(start, end - start), gradient.AsSpan(start, end - start), _rate, _buffers, _step, start);
        }
    }

    private void Clip(int epoch, int batchIndex)
    {
        double squares = Kernels.OptimizerKernels.SumOfSquares(_gradient);
        bool clips = _context.Options.GradientClipNorm is { } limit && squares > (double)limit * limit;
        // Measured first, so that an exploding gradient is warned about before the divergence it leads to.
        _context.Diagnostics?.ObserveGradientNorm(Math.Sqrt(squares), clips);
        if (!double.IsFinite(squares))
            throw new TrainingDivergedException(
                $"Training diverged: the gradient became non-finite in epoch {epoch + 1}, batch {batchIndex + 1}. {_context.DivergenceAdvice}");
        if (clips)
            System.Numerics.Tensors.TensorPrimitives.Multiply(_gradient, (float)(_context.Options.GradientClipNorm!.Value / Math.Sqrt(squares)), _gradient);
    }

    private void DecayWeights(Span<float> parameters, float shrink)
    {
        foreach (var (offset, count) in _context.Layout.PenalisedWeights)
        {
            Span<float> w = parameters.Slice(offset, count);
            System.Numerics.Tensors.TensorPrimitives.Multiply(w, 1f - shrink, w);
        }
    }
}
