namespace Ohm.Ocpp.Rpc;

/// <summary>The one outgoing CALL in flight on a connection, waiting for its CALLRESULT or CALLERROR.</summary>
internal sealed class PendingCall
{
    private readonly TaskCompletionSource<object> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingCall(string messageId, OcppAction action, bool raw)
    {
        MessageId = messageId;
        Action = action;
        Raw = raw;
    }

    public string MessageId { get; }

    public OcppAction Action { get; }

    /// <summary>Whether the caller wants the response as validated JSON bytes rather than as its type.</summary>
    public bool Raw { get; }

    public Task<object> Result => _result.Task;

    public void Complete(object response) => _result.TrySetResult(response);

    /// <summary>
    /// Fails the call. The caller may have stopped waiting already (its token was cancelled, or the send failed), so
    /// the failure is marked observed here: a call nobody waits for must not surface as an unobserved task exception.
    /// </summary>
    public void Fail(Exception exception)
    {
        if (_result.TrySetException(exception))
        {
            _ = _result.Task.Exception;
        }
    }
}
