using System.Net.WebSockets;
using System.Text.Json;
using Ohm.Csms.Sessions;
using Ohm.Ocpp;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Support;

/// <summary>
/// An open WebSocket with nothing behind it: enough for an <see cref="OcppConnection"/> that is never run, so a block's
/// handler can be called with a real <see cref="OcppCallContext"/> and no network. Nothing is ever received; what is
/// sent is kept in <see cref="Sent"/>.
/// </summary>
public sealed class FakeWebSocket : WebSocket
{
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocketState _state = WebSocketState.Open;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;

    /// <summary>The frames sent, as text.</summary>
    public List<string> Sent { get; } = [];

    public override WebSocketCloseStatus? CloseStatus => _closeStatus;

    public override string? CloseStatusDescription => _closeDescription;

    public override WebSocketState State => _state;

    public override string? SubProtocol => "ocpp2.0.1";

    public override void Abort()
    {
        if (_state is not WebSocketState.Closed)
        {
            _state = WebSocketState.Aborted;
        }

        _aborted.TrySetResult();
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        _closeStatus = closeStatus;
        _closeDescription = statusDescription;
        _state = WebSocketState.Closed;
        _aborted.TrySetResult();
        return Task.CompletedTask;
    }

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override void Dispose() => Abort();

    /// <summary>Waits until the socket is closed or aborted: the peer never says anything.</summary>
    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        await _aborted.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        if (_state != WebSocketState.Open)
        {
            throw new WebSocketException(WebSocketError.InvalidState);
        }

        Sent.Add(System.Text.Encoding.UTF8.GetString(buffer));
        return Task.CompletedTask;
    }
}

/// <summary>One CSMS-to-station call the <see cref="FakeStationRouter"/> was asked to make.</summary>
public sealed record RecordedCall(string StationId, OcppAction Action, IOcppRequest? Request, byte[] Payload);

/// <summary>
/// An <see cref="IStationCallRouter"/> with no station behind it: it records every call and answers with the canned
/// response the test set for that request type, or throws what the test set (a CALLERROR, a timeout). A station not
/// marked connected gets <see cref="StationNotConnectedException"/>, as from the in-process router. Requests and
/// canned responses are checked against their schemas, as the real connection does: a block that builds an invalid
/// request fails here as it would on the wire.
/// </summary>
public sealed class FakeStationRouter : IStationCallRouter
{
    private readonly Dictionary<Type, Func<IOcppRequest, object>> _answers = [];
    private readonly Dictionary<string, Func<byte[], byte[]>> _rawAnswers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _connected = new(StringComparer.Ordinal);
    private readonly List<RecordedCall> _calls = [];

    /// <summary>Every call made, in order.</summary>
    public IReadOnlyList<RecordedCall> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The typed requests of <typeparamref name="TRequest"/> that were sent, in order.</summary>
    public IReadOnlyList<TRequest> Requests<TRequest>()
        where TRequest : class, IOcppRequest =>
        [.. Calls.Select(c => c.Request).OfType<TRequest>()];

    /// <summary>Marks a station connected: calls to it are answered.</summary>
    public FakeStationRouter Connect(string stationId)
    {
        lock (_connected)
        {
            _connected.Add(stationId);
        }

        return this;
    }

    /// <summary>Marks a station disconnected: calls to it throw <see cref="StationNotConnectedException"/>.</summary>
    public FakeStationRouter Disconnect(string stationId)
    {
        lock (_connected)
        {
            _connected.Remove(stationId);
        }

        return this;
    }

    /// <summary>Answers every <typeparamref name="TRequest"/> with what <paramref name="answer"/> makes of it.</summary>
    public FakeStationRouter Answer<TRequest, TResponse>(Func<TRequest, TResponse> answer)
        where TRequest : class, IOcppRequest<TResponse>
        where TResponse : class, IOcppResponse
    {
        ArgumentNullException.ThrowIfNull(answer);
        lock (_answers)
        {
            _answers[typeof(TRequest)] = request => answer((TRequest)request);
        }

        return this;
    }

    /// <summary>Answers every <typeparamref name="TRequest"/> with <paramref name="response"/>.</summary>
    public FakeStationRouter Answer<TRequest, TResponse>(TResponse response)
        where TRequest : class, IOcppRequest<TResponse>
        where TResponse : class, IOcppResponse =>
        Answer<TRequest, TResponse>(_ => response);

    /// <summary>Makes every <typeparamref name="TRequest"/> throw what <paramref name="failure"/> makes (a timeout, a CALLERROR).</summary>
    public FakeStationRouter Fail<TRequest>(Func<TRequest, Exception> failure)
        where TRequest : class, IOcppRequest
    {
        ArgumentNullException.ThrowIfNull(failure);
        lock (_answers)
        {
            _answers[typeof(TRequest)] = request => throw failure((TRequest)request);
        }

        return this;
    }

    /// <summary>Makes every <typeparamref name="TRequest"/> be answered with a CALLERROR of <paramref name="code"/>.</summary>
    public FakeStationRouter FailWithCallError<TRequest>(OcppErrorCode code, string description = "refused by the fake station")
        where TRequest : class, IOcppRequest =>
        Fail<TRequest>(r => new OcppCallErrorException(r.Action.Name, code, description));

    /// <summary>Makes every <typeparamref name="TRequest"/> time out, as an unanswered CALL does.</summary>
    public FakeStationRouter FailWithTimeout<TRequest>()
        where TRequest : class, IOcppRequest =>
        Fail<TRequest>(r => new OcppCallTimeoutException($"{r.Action.Name} was not answered in time."));

    /// <summary>Answers raw calls of <paramref name="action"/> with what <paramref name="answer"/> makes of the request JSON.</summary>
    public FakeStationRouter AnswerRaw(OcppAction action, Func<byte[], byte[]> answer)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(answer);
        lock (_rawAnswers)
        {
            _rawAnswers[action.Name] = answer;
        }

        return this;
    }

    public Task<bool> DisconnectAsync(string stationId, string reason, CancellationToken cancellationToken = default)
    {
        lock (_connected)
        {
            return Task.FromResult(_connected.Remove(stationId));
        }
    }

    public bool IsConnected(string stationId)
    {
        lock (_connected)
        {
            return _connected.Contains(stationId);
        }
    }

    public Task<TResponse> CallAsync<TResponse>(string stationId, IOcppRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : class, IOcppResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var action = request.Action;
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, action.RequestTypeInfo);
        if (action.ValidateRequest(payload) is { } invalid)
        {
            // The real connection refuses to send it, with the same exception.
            throw new OcppPayloadException(action.Name, invalid);
        }

        EnsureConnected(stationId);
        lock (_calls)
        {
            _calls.Add(new RecordedCall(stationId, action, request, payload));
        }

        Func<IOcppRequest, object>? answer;
        lock (_answers)
        {
            _answers.TryGetValue(request.GetType(), out answer);
        }

        if (answer is null)
        {
            throw new InvalidOperationException($"The test set no answer for {action.Name}: call Answer<{request.GetType().Name}, {typeof(TResponse).Name}>(...).");
        }

        var response = (TResponse)answer(request);
        var json = JsonSerializer.SerializeToUtf8Bytes(response, action.ResponseTypeInfo);
        if (action.ValidateResponse(json) is { } bad)
        {
            throw new InvalidOperationException($"The canned {action.Name} response breaks its schema: {bad}");
        }

        return Task.FromResult(response);
    }

    public Task<byte[]> CallRawAsync(string stationId, OcppAction action, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        cancellationToken.ThrowIfCancellationRequested();
        EnsureConnected(stationId);
        var bytes = payload.ToArray();
        lock (_calls)
        {
            _calls.Add(new RecordedCall(stationId, action, null, bytes));
        }

        Func<byte[], byte[]>? answer;
        lock (_rawAnswers)
        {
            _rawAnswers.TryGetValue(action.Name, out answer);
        }

        return answer is null
            ? throw new InvalidOperationException($"The test set no raw answer for {action.Name}: call AnswerRaw(...).")
            : Task.FromResult(answer(bytes));
    }

    private void EnsureConnected(string stationId)
    {
        if (!IsConnected(stationId))
        {
            throw new StationNotConnectedException(stationId);
        }
    }
}
