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
    private readonly StepTail _tail;

    public TrainingStep(TrainingContext context, MiniBatchOptimizer optimizer)
    {
        _context = context;
        _optimizer = optimizer;
        _gradient = new float[context.Layout.ParameterCount];
        _weightDecay = context.Options.WeightDecay ?? optimizer.DefaultWeightDecay;
        _tail = new StepTail(this, context.Batch.Propagator.Threads);
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
            batch.Weights(count), (float)(1.0 / batchWeight), _gradient, accumulate: false, options.Dropout, dropoutRandom);
        if (!double.IsFinite(batchLoss))
            throw new TrainingDivergedException(
                $"Training diverged: the loss became {batchLoss} in epoch {epoch + 1}, batch {batchIndex + 1}. {_context.DivergenceAdvice}");
        if (measured)
            diagnostics!.ObserveBackward(batch.Propagator, count, _gradient);
        batch.Propagator.UpdateRunningStatistics(values, count);

        double squares = _tail.AddPenaltyAndSumSquares(values);
        bool clips = options.GradientClipNorm is { } limit && squares > (double)limit * limit;
        // Measured first, so that an exploding gradient is warned about before the divergence it leads to.
        diagnostics?.ObserveGradientNorm(Math.Sqrt(squares), clips);
        if (!double.IsFinite(squares))
            throw new TrainingDivergedException(
                $"Training diverged: the gradient became non-finite in epoch {epoch + 1}, batch {batchIndex + 1}. {_context.DivergenceAdvice}");
        if (measured)
            diagnostics!.BeforeUpdate(parameters);
        _tail.Update(values, clips ? (float)(options.GradientClipNorm!.Value / Math.Sqrt(squares)) : 1f, rate, state.Buffers, ++state.Steps);
        if (measured)
            diagnostics!.AfterUpdate(parameters);
        return batchLoss;
    }

    /// <summary>
    /// What follows the backward pass, element by element over the parameters, split between two threads from
    /// <see cref="ParallelFrom"/> parameters: the penalty's gradient and the gradient's sum of squares (for clipping and
    /// the divergence check), then clipping's scale, decoupled weight decay and the optimiser's update. Each reads and
    /// writes several values per parameter (Adam five, with a division and a square root), which on W2's 235K parameters
    /// was a fifth of a two-thread step. The sum of squares is added up in blocks of <see cref="Block"/> in a fixed
    /// order, so neither the split nor the thread count changes a bit.
    /// </summary>
    private sealed class StepTail : Kernels.IPartedWork
    {
        private const int ParallelFrom = 1 << 16;
        private const int Block = 1 << 14;

        private readonly TrainingStep _owner;
        private readonly int _parts, _threads;
        private readonly double[] _blockSums;
        private bool _updating;
        private float[] _values = [];
        private float[][] _buffers = [];
        private float _scale, _rate, _decay;
        private long _step;

        public StepTail(TrainingStep owner, int threads)
        {
            _owner = owner;
            _threads = threads;
            int length = owner._gradient.Length;
            _parts = threads > 1 && length >= ParallelFrom ? 2 : 1;
            _blockSums = new double[(length + Block - 1) / Block];
        }

        /// <summary>Adds the penalty's gradient; returns the gradient's sum of squares.</summary>
        public double AddPenaltyAndSumSquares(float[] values)
        {
            (_values, _updating) = (values, false);
            Kernels.ParallelWork.ForCurrentThread.Run(this, _parts, _threads);
            double sum = 0;
            foreach (double block in _blockSums)
                sum += block;
            return sum;
        }

        /// <summary>Scales the gradient by <paramref name="scale"/> (clipping), decays the weights, and steps.</summary>
        public void Update(float[] values, float scale, float rate, float[][] buffers, long step)
        {
            (_values, _scale, _rate, _decay, _buffers, _step, _updating) = (values, scale, rate, rate * _owner._weightDecay, buffers, step, true);
            Kernels.ParallelWork.ForCurrentThread.Run(this, _parts, _threads);
        }

        public void Run(int part)
        {
            // Parts of whole blocks, so each block's sum is taken by one thread.
            int blocks = _blockSums.Length, firstBlock = blocks * part / _parts, endBlock = blocks * (part + 1) / _parts;
            float[] gradient = _owner._gradient;
            int start = firstBlock * Block, end = Math.Min(gradient.Length, endBlock * Block);
            if (!_updating)
            {
                _owner._context.Objective.AddPenaltyGradient(_values, gradient, start, end);
                for (int b = firstBlock; b < endBlock; b++)
                    _blockSums[b] = Kernels.OptimizerKernels.SumOfSquares(gradient.AsSpan(b * Block, Math.Min(Block, gradient.Length - b * Block)));
                return;
            }
            Span<float> g = gradient.AsSpan(start, end - start), p = _values.AsSpan(start, end - start);
            if (_scale != 1f)
                System.Numerics.Tensors.TensorPrimitives.Multiply(g, _scale, g);
            if (_decay > 0f)
                _owner.DecayWeights(_values, start, end, _decay);
            _owner._optimizer.Step(p, g, _rate, _buffers, _step, start);
        }
    }

    private void DecayWeights(Span<float> parameters, int start, int end, float shrink)
    {
        foreach (var (offset, count) in _context.Layout.PenalisedWeights)
        {
            int from = Math.Max(offset, start), to = Math.Min(offset + count, end);
            if (from < to)
                System.Numerics.Tensors.TensorPrimitives.Multiply(parameters[from..to], 1f - shrink, parameters[from..to]);
        }
    }
}
