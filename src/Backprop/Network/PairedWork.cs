using System.Runtime.ExceptionServices;

namespace Backprop;

/// <summary>
/// Runs <c>work(0)</c> on the calling thread and <c>work(1)</c> on a thread-pool thread, allocating nothing: the same
/// work item is queued every time. Whichever thread first claims the second half runs it, so when no pool thread has
/// started by the time the first half is done, the caller runs both: a busy pool costs time, never a deadlock.
/// </summary>
/// <remarks>
/// A queued item that starts late (its half was taken by the caller) finds nothing to claim, or claims the second
/// half of whatever pair is current, which is equally correct: the work and its state are written before the claim
/// flag is reset.
/// </remarks>
internal sealed class PairedWork : IThreadPoolWorkItem
{
    private Action<int>? _work;
    private Exception? _failure;
    private int _claimed = 1; // 0 while a second half waits to be claimed
    private int _finished;    // set by the pool thread when it has run a half it claimed

    public void Run(Action<int> work)
    {
        _work = work;
        _failure = null;
        Volatile.Write(ref _finished, 0);
        Volatile.Write(ref _claimed, 0);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

        bool secondIsOurs;
        try
        {
            work(0);
        }
        finally
        {
            // Never leave while a pool thread still works on our buffers. It started, so it is running its half, which
            // takes about as long as ours: spin (blocking and waking would cost more, and allocate).
            secondIsOurs = Interlocked.Exchange(ref _claimed, 1) == 0;
            if (!secondIsOurs)
            {
                var spin = new SpinWait();
                while (Volatile.Read(ref _finished) == 0)
                    spin.SpinOnce(sleep1Threshold: -1);
            }
        }
        if (secondIsOurs)
            work(1);
        else if (_failure is { } failure)
            ExceptionDispatchInfo.Throw(failure);
    }

    void IThreadPoolWorkItem.Execute()
    {
        if (Interlocked.Exchange(ref _claimed, 1) != 0)
            return;
        try
        {
            _work!(1);
        }
        catch (Exception e)
        {
            _failure = e;
        }
        finally
        {
            Volatile.Write(ref _finished, 1);
        }
    }
}
