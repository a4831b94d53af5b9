namespace Ohm.Station;

/// <summary>
/// How the station waits for a CALL it sent. The CALL itself is never cancelled: Ohm.Ocpp fails a CALL in flight when
/// its connection closes, and when the caller had cancelled just before, that failure landed on a task nobody
/// observed any more. So the CALL runs until it is answered, times out or its connection closes, and only the wait
/// for it is cancelled; a CALL nobody waits for any more has its outcome observed here.
/// </summary>
internal static class CallWaits
{
    /// <summary>Waits for <paramref name="call"/> until <paramref name="cancellationToken"/> cancels the wait.</summary>
    public static async Task<T> WaitAsync<T>(Task<T> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Nobody waits for the answer any more; its failure (the connection closing, as a rule) is expected. The
            // call may have failed between the cancellation and this line: the continuation observes it then as well.
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }
}
