using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Backprop.Kernels;

/// <summary>One call's work, cut into parts that can run on any thread in any order.</summary>
internal interface IPartedWork
{
    /// <summary>Runs part <paramref name="part"/>.</summary>
    void Run(int part);
}

/// <summary>
/// Runs the parts of a piece of work on the calling thread and on thread-pool threads, allocating nothing: each thread
/// that calls has one instance (<see cref="ForCurrentThread"/>), whose same work item is queued every time. Every
/// thread, the caller included, claims parts one at a time until none is left, so when the pool is slow to start a
/// thread the caller runs that thread's parts itself: a busy pool costs time, never a deadlock.
/// </summary>
/// <remarks>
/// A helper that has run its parts waits <see cref="HelperSpinMicroseconds"/> for the caller's next call before it
/// goes back to the pool, so that a training step's next stage finds it running instead of paying the pool's wake-up
/// (tens of microseconds on the virtual machines measured); a call queues a work item only for the helpers it lacks
/// (queued, running or waiting ones count), so in a steady run nothing is queued, and nothing allocated.
/// The claim counter carries a generation in its upper half, so a helper that comes late (the caller took its parts)
/// claims nothing of that call, and at most a part of whichever call is current, which is equally correct: a finished
/// call leaves the counter past any part number, the next call's work and part count are written before its counter is
/// published, and a claim succeeds only while the counter is unchanged since they were read.
/// </remarks>
internal sealed class ParallelWork : IThreadPoolWorkItem
{
    /// <summary>
    /// How long a helper waits for the next call: on a 2-core AVX2 machine it took W1's training from 300–320k to
    /// 390–400k samples/s and W2's from 33k to 37–38k (waits of 100 µs gave 369k; 1 ms no more than 300 µs).
    /// </summary>
    private const int HelperSpinMicroseconds = 300;

    [ThreadStatic]
    private static ParallelWork? t_current;

    private IPartedWork? _work;
    private int _parts;
    private long _claims;       // generation << 32 | the next part to claim
    private int _finished;      // parts run to the end (or failed) in this generation
    private int _helpers;       // helpers queued, running parts or waiting for the next call
    private bool _running;      // the owner is inside Run
    private Exception? _failure;

    /// <summary>The calling thread's instance.</summary>
    public static ParallelWork ForCurrentThread => t_current ??= new ParallelWork();

    /// <summary>Runs parts 0 … <paramref name="parts"/> − 1 of <paramref name="work"/> on up to <paramref name="threads"/>
    /// threads, and returns when all have run; rethrows the first failure. A call from inside one of its own parts runs
    /// every part on the calling thread.</summary>
    public void Run(IPartedWork work, int parts, int threads)
    {
        if (_running || threads <= 1 || parts <= 1)
        {
            for (int part = 0; part < parts; part++)
                work.Run(part);
            return;
        }
        _running = true;
        try
        {
            RunShared(work, parts, threads);
        }
        finally
        {
            _running = false;
            _work = null;
        }
    }

    private void RunShared(IPartedWork work, int parts, int threads)
    {
        _work = work;
        _parts = parts;
        _failure = null;
        Volatile.Write(ref _finished, 0);
        long generation = (Volatile.Read(ref _claims) >> 32) + 1;
        Volatile.Write(ref _claims, generation << 32);
        for (int helpers = Volatile.Read(ref _helpers); helpers < Math.Min(threads, parts) - 1; helpers++)
        {
            Interlocked.Increment(ref _helpers);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        RunParts();

        // Close the generation (no part number is that high, whatever the next call's count), then wait for the parts other threads claimed: they work on the caller's buffers. They
        // started, so they take about as long as a part of ours: spin (blocking and waking would cost more, and allocate).
        long claims, closed = (generation << 32) | int.MaxValue;
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

    void IThreadPoolWorkItem.Execute()
    {
        while (true)
        {
            RunParts();
            if (AwaitOpenCall())
                continue;
            Interlocked.Decrement(ref _helpers);
            // A call that opened as the wait ran out may have counted on this helper: stay for it.
            if (!HasOpenCall())
                return;
            Interlocked.Increment(ref _helpers);
        }
    }

    private void RunParts()
    {
        while (true)
        {
            long claims = Volatile.Read(ref _claims);
            int part = (int)(claims & uint.MaxValue), parts = _parts;
            IPartedWork? work = _work;
            if (part >= parts || work is null)
                return;
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

    /// <summary>Spins for up to <see cref="HelperSpinMicroseconds"/> until a call has parts to claim; whether one has.</summary>
    private bool AwaitOpenCall()
    {
        long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * HelperSpinMicroseconds / 1_000_000;
        var spin = new SpinWait();
        while (!HasOpenCall())
        {
            if (Stopwatch.GetTimestamp() >= deadline)
                return false;
            spin.SpinOnce(sleep1Threshold: -1);
        }
        return true;
    }

    /// <summary>Whether a call has parts left to claim (a finished call's counter is past every part number).</summary>
    private bool HasOpenCall() => (int)(Volatile.Read(ref _claims) & uint.MaxValue) < Volatile.Read(ref _parts);
}
