namespace Ohm.Ocpp.Rpc;

/// <summary>
/// An asynchronous lock that lets one holder in at a time, in the order they asked. It is a few bytes while nobody
/// waits: the queue of waiters exists only while there are some. A connection keeps three of these for its whole life,
/// so their idle size counts (a <see cref="SemaphoreSlim"/> with its lock object is about 90 bytes).
/// </summary>
internal sealed class AsyncGate
{
    private Queue<Waiter>? _waiters;
    private bool _taken;

    /// <summary>Completes when the caller holds the gate; call <see cref="Release"/> once done.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (this)
        {
            if (!_taken)
            {
                _taken = true;
                return Task.CompletedTask;
            }

            cancellationToken.ThrowIfCancellationRequested();
            waiter = new Waiter();
            (_waiters ??= new Queue<Waiter>()).Enqueue(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).TrySetCanceled(token), waiter);
            if (waiter.Task.IsCompleted)
            {
                // Let in (or cancelled) before the registration was stored: Release could not dispose it.
                waiter.Registration.Dispose();
            }
        }

        return waiter.Task;
    }

    /// <summary>Lets the next waiter in (skipping those that gave up), or opens the gate.</summary>
    public void Release()
    {
        while (true)
        {
            Waiter? next;
            lock (this)
            {
                if (!_taken)
                {
                    throw new InvalidOperationException("The gate is not held.");
                }

                if (_waiters is null || !_waiters.TryDequeue(out next))
                {
                    _waiters = null;
                    _taken = false;
                    return;
                }

                if (_waiters.Count == 0)
                {
                    _waiters = null;
                }
            }

            if (next.TrySetResult())
            {
                next.Registration.Dispose();
                return;
            }
        }
    }

    private sealed class Waiter() : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public CancellationTokenRegistration Registration { get; set; }
    }
}
