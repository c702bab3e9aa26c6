using System.Runtime.ExceptionServices;

namespace Backprop.Kernels;

/// <summary>One call's work, cut into parts that can run on any thread in any order.</summary>
internal interface IPartedWork
{
    /// <summary>Runs part <paramref name="part"/>.</summary>
    void Run(int part);
}

/// <summary>
/// Runs the parts of a <typeparamref name="TWork"/> on the calling thread and on thread-pool threads, allocating
/// nothing: the same work item is queued every time. Every thread, the caller included, claims parts one at a time
/// until none is left, so when the pool is slow to start a thread the caller runs that thread's parts itself: a busy
/// pool costs time, never a deadlock. Not for concurrent callers: give each thread its own.
/// </summary>
/// <remarks>
/// The claim counter carries a generation in its upper half, so a queued item that starts after its call has ended
/// (the caller took its parts) claims nothing of that call, and at most a part of whichever call is current, which is
/// equally correct: the work and the part count are written before the counter is published, and a claim succeeds
/// only while the counter is unchanged since they were read.
/// </remarks>
internal sealed class ParallelWork<TWork> : IThreadPoolWorkItem
    where TWork : struct, IPartedWork
{
    private TWork _work;
    private int _parts;
    private long _claims;       // generation << 32 | the next part to claim
    private int _finished;      // parts run to the end (or failed) in this generation
    private Exception? _failure;

    /// <summary>Runs parts 0 … <paramref name="parts"/> − 1 of <paramref name="work"/> on up to <paramref name="threads"/>
    /// threads, and returns when all have run; rethrows the first failure.</summary>
    public void Run(in TWork work, int parts, int threads)
    {
        _work = work;
        _parts = parts;
        _failure = null;
        Volatile.Write(ref _finished, 0);
        long generation = (Volatile.Read(ref _claims) >> 32) + 1;
        Volatile.Write(ref _claims, generation << 32);
        for (int t = 1; t < Math.Min(threads, parts); t++)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

        RunParts();

        // Close the generation, then wait for the parts other threads claimed: they work on the caller's buffers. They
        // started, so they take about as long as a part of ours: spin (blocking and waking would cost more, and allocate).
        long claims, closed = (generation << 32) | (uint)parts;
        do
            claims = Volatile.Read(ref _claims);
        while (Interlocked.CompareExchange(ref _claims, closed, claims) != claims);
        int claimed = (int)Math.Min(claims & uint.MaxValue, parts);
        var spin = new SpinWait();
        while (Volatile.Read(ref _finished) < claimed)
            spin.SpinOnce(sleep1Threshold: -1);
        if (_failure is { } failure)
            ExceptionDispatchInfo.Throw(failure);
    }

    void IThreadPoolWorkItem.Execute() => RunParts();

    private void RunParts()
    {
        while (true)
        {
            long claims = Volatile.Read(ref _claims);
            int part = (int)(claims & uint.MaxValue), parts = _parts;
            if (part >= parts)
                return;
            TWork work = _work;
            if (Interlocked.CompareExchange(ref _claims, claims + 1, claims) != claims)
                continue;
            try
            {
                work.Run(part);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            finally
            {
                Interlocked.Increment(ref _finished);
            }
        }
    }
}
