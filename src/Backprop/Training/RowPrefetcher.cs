using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Backprop;

/// <summary>
/// Reads one side of a source's rows on a thread of its own, a chunk of rows at a time and a few chunks ahead, so that
/// reading, decoding and scaling rows overlaps the training thread's steps. The rows arrive in the cursor's order, so
/// the result does not depend on the threads; an error on the reading thread is thrown on the training thread.
/// </summary>
internal sealed class RowPrefetcher : IDisposable
{
    private const int ChunkRows = 4096;
    private const int ChunksAhead = 3;

    private readonly StreamedRows _rows;
    private readonly int _width;
    private readonly BlockingCollection<Chunk> _full = new(ChunksAhead);
    private readonly BlockingCollection<Chunk> _free = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private Chunk? _current;
    private int _next;
    private ExceptionDispatchInfo? _error;

    /// <param name="rows">The side of the source to read.</param>
    /// <param name="shuffleSeed">The cursor's seed, or <see langword="null"/> for the source's order.</param>
    public RowPrefetcher(StreamedRows rows, int? shuffleSeed)
    {
        _rows = rows;
        _width = rows.Source.FeatureCount;
        for (int i = 0; i < ChunksAhead + 1; i++)
            _free.Add(new Chunk(ChunkRows, _width));
        _reader = Task.Factory.StartNew(() => Read(shuffleSeed), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The next row: its features into <paramref name="features"/>, its target and weight.</summary>
    /// <returns><see langword="false"/> after the last row.</returns>
    public bool Next(Span<float> features, out float target, out float weight)
    {
        while (_current is null || _next == _current.Count)
        {
            if (_current is not null)
                _free.Add(_current);
            if (!_full.TryTake(out _current, Timeout.Infinite))
            {
                _current = null;
                _error?.Throw();
                (target, weight) = (0f, 0f);
                return false;
            }
            _next = 0;
        }
        _current.Features.AsSpan(_next * _width, _width).CopyTo(features);
        (target, weight) = (_current.Targets[_next], _current.Weights[_next]);
        _next++;
        return true;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _reader.Wait();
        }
        catch (AggregateException)
        {
            // Stopped while waiting for a free chunk; any error of its own was already handed over.
        }
        _stop.Dispose();
        _full.Dispose();
        _free.Dispose();
    }

    private void Read(int? shuffleSeed)
    {
        try
        {
            using TrainingRowCursor cursor = _rows.Source.GetCursor(shuffleSeed);
            bool more = true;
            while (more)
            {
                Chunk chunk = _free.Take(_stop.Token);
                chunk.Count = 0;
                while (chunk.Count < ChunkRows
                    && (more = _rows.Read(cursor, chunk.Features.AsSpan(chunk.Count * _width, _width), out chunk.Targets[chunk.Count], out chunk.Weights[chunk.Count])))
                    chunk.Count++;
                if (chunk.Count > 0)
                    _full.Add(chunk, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            _error = ExceptionDispatchInfo.Capture(e);
        }
        _full.CompleteAdding();
    }

    private sealed class Chunk(int rows, int width)
    {
        public readonly float[] Features = new float[rows * width];
        public readonly float[] Targets = new float[rows];
        public readonly float[] Weights = new float[rows];
        public int Count;
    }
}
