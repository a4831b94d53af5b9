using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ohm.Ocpp.Messages;

namespace Ohm.Ocpp.Rpc;

/// <summary>
/// One OCPP-J connection (Part 4) over a WebSocket, for either role. It sends CALLs one at a time (further calls wait
/// in order), answers the peer's CALLs in the order they arrive through the registered handlers, and validates every
/// payload in both directions against its schema.
/// </summary>
public sealed class OcppConnection : IAsyncDisposable
{
    private const int ReceiveChunk = 4096;

    private readonly WebSocket _socket;
    private readonly OcppHandlers _handlers;
    private readonly OcppRpcOptions _options;
    private readonly ILogger _logger;
    private readonly IOcppFrameObserver? _observer;
    private readonly AsyncGate _callGate = new();
    private readonly AsyncGate _sendLock = new();
    private readonly AsyncGate _incomingGate = new();
    private readonly CancellationTokenSource _closing = new();
    private TaskCompletionSource? _completion;
    private PendingCall? _pending;
    private int _shutDown;
    private long _lastMessageId;
    private int _queuedIncoming;
    private int _pendingSends;
    private int _running;

    /// <summary>How long a close handshake may take before the socket is aborted.</summary>
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);
    private int _end;

    /// <summary>Wraps an open WebSocket; call <see cref="RunAsync"/> to start receiving.</summary>
    public OcppConnection(WebSocket socket, string stationId, OcppRole localRole, OcppHandlers handlers, OcppRpcOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(options);
        if (localRole is not (OcppRole.ChargingStation or OcppRole.Csms))
        {
            throw new ArgumentException("The local role must be ChargingStation or Csms.", nameof(localRole));
        }

        options.Validate();
        _socket = socket;
        StationId = stationId;
        LocalRole = localRole;
        _handlers = handlers;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _observer = options.FrameObserver;
    }

    /// <summary>The charging station's identity: the peer's on the CSMS side, our own on the station side.</summary>
    public string StationId { get; }

    /// <summary>The role this end plays.</summary>
    public OcppRole LocalRole { get; }

    /// <summary>The role of the peer.</summary>
    public OcppRole PeerRole => LocalRole == OcppRole.Csms ? OcppRole.ChargingStation : OcppRole.Csms;

    /// <summary>The negotiated WebSocket subprotocol.</summary>
    public string? SubProtocol => _socket.SubProtocol;

    /// <summary>Whether the connection can still carry messages.</summary>
    public bool IsOpen => !_closing.IsCancellationRequested && _socket.State == WebSocketState.Open;

    /// <summary>Completes when the connection has closed, for whatever reason.</summary>
    public Task Completion
    {
        get
        {
            // Made on first request: an idle connection that nobody watches holds no completion source.
            var completion = Volatile.Read(ref _completion);
            if (completion is null)
            {
                completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                completion = Interlocked.CompareExchange(ref _completion, completion, null) ?? completion;
            }

            if (Volatile.Read(ref _shutDown) != 0)
            {
                completion.TrySetResult();
            }

            return completion.Task;
        }
    }

    /// <summary>The close status the connection ended with, when it ended with a close handshake.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>How the connection ended (the first cause wins); <see cref="OcppConnectionEnd.Open"/> while it has not.</summary>
    public OcppConnectionEnd End => (OcppConnectionEnd)Volatile.Read(ref _end);

    /// <summary>Anything the host wants to keep with the connection (a session, for example).</summary>
    public object? State { get; set; }

    /// <summary>
    /// The messages waiting for the send lock or being sent. Bounded: the receive loop waits for its own answers (to
    /// malformed frames, to CALLs beyond the queue) before it reads on, so at most one of those, the answers of the
    /// queued CALLs and our own CALL are ever pending.
    /// </summary>
    internal int PendingSends => Volatile.Read(ref _pendingSends);

    /// <summary>
    /// Receives and dispatches messages until the connection closes. Call it once. Cancelling
    /// <paramref name="cancellationToken"/> aborts the connection.
    /// </summary>
    /// <remarks>
    /// While the peer is silent the loop waits in one zero-byte read, without a buffer and without a cancellation
    /// registration: closing the connection aborts the socket, which ends the read.
    /// </remarks>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("The connection is running already.");
        }

        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((OcppConnection)state!).Abort(), this)
            : default;
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                var first = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
                var message = await ReceiveMessageAsync(first).ConfigureAwait(false);
                if (message is null)
                {
                    break;
                }

                await DispatchAsync(message).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException
                                   && (_closing.IsCancellationRequested || cancellationToken.IsCancellationRequested))
        {
        }
        catch (WebSocketException ex)
        {
            Ended(IsKeepAliveTimeout(ex) ? OcppConnectionEnd.KeepAliveTimeout : OcppConnectionEnd.Lost);
            _logger.LogInformation("Connection of {StationId} lost: {Reason}", StationId, ex.Message);
        }
        finally
        {
            Ended(OcppConnectionEnd.Lost);
            Shutdown();
        }
    }

    /// <summary>Sends a CALL and waits for its CALLRESULT: <c>await connection.CallAsync(new HeartbeatRequest())</c>.</summary>
    /// <exception cref="OcppCallErrorException">The peer answered with a CALLERROR.</exception>
    /// <exception cref="OcppCallTimeoutException">No answer within <see cref="OcppRpcOptions.CallTimeout"/>.</exception>
    /// <exception cref="OcppPayloadException">The request, or the response received, breaks its schema.</exception>
    /// <exception cref="OcppConnectionClosedException">The connection closed first.</exception>
    public async Task<TResponse> CallAsync<TResponse>(IOcppRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : class, IOcppResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        var action = request.Action;
        var response = await CallCoreAsync(action, raw: false, (output, id) => OcppFrameWriter.WriteCall(output, id, action, request), cancellationToken).ConfigureAwait(false);
        return (TResponse)response;
    }

    /// <summary>Sends a CALL of any action and returns its response, for code that handles actions generically.</summary>
    public Task<object> CallAsync(IOcppRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var action = request.Action;
        return CallCoreAsync(action, raw: false, (output, id) => OcppFrameWriter.WriteCall(output, id, action, request), cancellationToken);
    }

    /// <summary>Sends a CALL whose payload is JSON already and returns the response payload's JSON; both are validated.</summary>
    public async Task<byte[]> CallRawAsync(OcppAction action, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        var error = action.ValidateRequest(payload.Span);
        if (error is not null)
        {
            throw new OcppPayloadException(action.Name, error);
        }

        var response = await CallCoreAsync(
            action,
            raw: true,
            (output, id) =>
            {
                OcppFrameWriter.WriteCall(output, id, action, payload.Span);
                return null;
            },
            cancellationToken).ConfigureAwait(false);
        return (byte[])response;
    }

    /// <summary>Closes the connection with a close handshake.</summary>
    public Task CloseAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string? description = null, CancellationToken cancellationToken = default)
    {
        Ended(OcppConnectionEnd.ClosedLocally);
        return CloseCoreAsync(status, description, fromReceiveLoop: false, cancellationToken);
    }

    private void Ended(OcppConnectionEnd end) => Interlocked.CompareExchange(ref _end, (int)end, (int)OcppConnectionEnd.Open);

    /// <summary>Whether a receive failed because the keep-alive ping went unanswered (ManagedWebSocket's KeepAliveTimeout).</summary>
    private static bool IsKeepAliveTimeout(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException || e.Message.Contains("Pong", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Sends the close frame and stops. From inside the receive loop the loop ends by itself. From outside it, the loop
    /// is given a short while to read the peer's answering close frame, so that the close handshake completes and the
    /// peer reads ours before the TCP connection goes (an abort right after it could reset the connection before the
    /// peer read the frame); then the socket is aborted, which ends a read still pending.
    /// </summary>
    private async Task CloseCoreAsync(WebSocketCloseStatus status, string? description, bool fromReceiveLoop, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CloseHandshakeTimeout);
        var sent = false;
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
                sent = true;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug("Close of {StationId} did not complete: {Reason}", StationId, ex.Message);
        }
        finally
        {
            await _closing.CancelAsync().ConfigureAwait(false);
            if (_running == 0)
            {
                Shutdown();
            }
            else if (!fromReceiveLoop)
            {
                if (sent)
                {
                    try
                    {
                        await Completion.WaitAsync(timeout.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        _logger.LogDebug("{StationId} did not answer the close in time; aborting", StationId);
                    }
                }

                _socket.Abort();
            }
        }
    }

    private void Abort()
    {
        _closing.Cancel();
        _socket.Abort();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync(WebSocketCloseStatus.NormalClosure).ConfigureAwait(false);
        _socket.Abort();
        _socket.Dispose();
    }

    private async Task<object> CallCoreAsync(OcppAction action, bool raw, Func<PooledBufferWriter, string, Validation.OcppValidationError?> write, CancellationToken cancellationToken)
    {
        if (!action.IsSentBy(LocalRole))
        {
            throw new InvalidOperationException($"{action.Name} is not sent by the {LocalRole} role.");
        }

        ThrowIfClosed();
        await _callGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            var messageId = Interlocked.Increment(ref _lastMessageId).ToString(CultureInfo.InvariantCulture);
            var pending = new PendingCall(messageId, action, raw);
            using (var frame = new PooledBufferWriter())
            {
                var error = write(frame, messageId);
                if (error is not null)
                {
                    _logger.LogError("Refused to send {Action} to {StationId}: {Error}", action.Name, StationId, error);
                    throw new OcppPayloadException(action.Name, error);
                }

                Volatile.Write(ref _pending, pending);
                if (_observer is not null)
                {
                    Observe(OcppFrameDirection.Sent, OcppMessageType.Call, messageId, action.Name, frame.WrittenSpan);
                }

                try
                {
                    await SendAsync(frame.WrittenMemory, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    // Not sent: nobody will answer it, and nothing may fail it later behind the caller's back.
                    Interlocked.CompareExchange(ref _pending, null, pending);
                    throw;
                }

                OcppMetrics.CallSent(action.Name);
            }

            // The outcome is recorded in each branch rather than kept in a variable for a finally: every local that lives
            // across the await makes each call's state machine bigger.
            var sent = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                var response = await pending.Result.WaitAsync(_options.CallTimeout, cancellationToken).ConfigureAwait(false);
                OcppMetrics.CallDone(action.Name, OcppMetrics.Outgoing, OcppMetrics.OutcomeResult, sent);
                return response;
            }
            catch (TimeoutException)
            {
                OcppMetrics.CallDone(action.Name, OcppMetrics.Outgoing, OcppMetrics.OutcomeTimeout, sent);
                throw new OcppCallTimeoutException($"{action.Name} to {StationId} was not answered within {_options.CallTimeout.TotalSeconds:0.###} s.");
            }
            catch (OcppCallErrorException ex)
            {
                OcppMetrics.CallDone(action.Name, OcppMetrics.Outgoing, OcppMetrics.ErrorOutcome(ex.Code), sent);
                throw;
            }
            catch (OcppPayloadException)
            {
                OcppMetrics.CallDone(action.Name, OcppMetrics.Outgoing, OcppMetrics.OutcomeInvalid, sent);
                throw;
            }
            catch (OperationCanceledException)
            {
                OcppMetrics.CallDone(action.Name, OcppMetrics.Outgoing, OcppMetrics.OutcomeCancelled, sent);
                throw;
            }
            catch
            {
                OcppMetrics.CallDone(action.Name, OcppMetrics.Outgoing, OcppMetrics.OutcomeClosed, sent);
                throw;
            }
            finally
            {
                Interlocked.CompareExchange(ref _pending, null, pending);
            }
        }
        finally
        {
            _callGate.Release();
        }
    }

    private void ThrowIfClosed()
    {
        if (!IsOpen)
        {
            throw new OcppConnectionClosedException($"The OCPP connection of {StationId} is closed.");
        }
    }

    private async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pendingSends);
        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var sending = _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                if (sending.IsCompleted)
                {
                    await sending.ConfigureAwait(false);
                }
                else
                {
                    await WithSendDeadlineAsync(sending.AsTask()).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
            {
                throw new OcppConnectionClosedException($"The OCPP connection of {StationId} is closed.", ex);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pendingSends);
        }
    }

    /// <summary>
    /// Waits for a send that did not complete at once (the socket's buffer is full: the peer is not reading) for at most
    /// <see cref="OcppRpcOptions.SendTimeout"/>, then aborts the connection, which fails the send and every one behind it.
    /// </summary>
    private async Task WithSendDeadlineAsync(Task sending)
    {
        using (var stop = new CancellationTokenSource())
        {
            var deadline = Task.Delay(_options.SendTimeout, stop.Token);
            var first = await Task.WhenAny(sending, deadline).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            if (first == sending)
            {
                await sending.ConfigureAwait(false);
                return;
            }
        }

        _logger.LogWarning("{StationId} did not take a message within {Timeout} s; aborting the connection", StationId, _options.SendTimeout.TotalSeconds);
        Ended(OcppConnectionEnd.SendTimeout);
        Abort();
        try
        {
            await sending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The abort failed the send, as intended.
        }

        throw new OcppConnectionClosedException($"The OCPP connection of {StationId} was aborted: the peer did not take a message within {_options.SendTimeout.TotalSeconds:0.###} s.");
    }

    /// <summary>
    /// Reads the rest of the message whose arrival <paramref name="first"/> (a zero-byte read) announced. Usually its
    /// bytes are there already and this completes without waiting.
    /// </summary>
    private async ValueTask<PooledBufferWriter?> ReceiveMessageAsync(ValueWebSocketReceiveResult first)
    {
        var cancellationToken = _closing.Token;
        if (first.MessageType == WebSocketMessageType.Close)
        {
            await AnswerCloseAsync().ConfigureAwait(false);
            return null;
        }

        var message = new PooledBufferWriter(ReceiveChunk);
        var complete = first.EndOfMessage;
        var binary = first.MessageType == WebSocketMessageType.Binary;
        try
        {
            while (!complete)
            {
                var room = _options.MaxMessageSize + 1 - message.WrittenCount;
                var buffer = message.GetMemory(Math.Min(ReceiveChunk, room));
                var result = await _socket.ReceiveAsync(buffer[..Math.Min(buffer.Length, room)], cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await AnswerCloseAsync().ConfigureAwait(false);
                    message.Dispose();
                    return null;
                }

                binary |= result.MessageType == WebSocketMessageType.Binary;
                message.Advance(result.Count);
                complete = result.EndOfMessage;
                if (message.WrittenCount > _options.MaxMessageSize)
                {
                    message.Dispose();
                    Ended(OcppConnectionEnd.MessageTooBig);
                    _logger.LogWarning("{StationId} sent a message over {Max} bytes; closing with 1009", StationId, _options.MaxMessageSize);
                    await CloseCoreAsync(WebSocketCloseStatus.MessageTooBig, $"A message may be at most {_options.MaxMessageSize} bytes.", fromReceiveLoop: true, cancellationToken).ConfigureAwait(false);
                    return null;
                }
            }
        }
        catch
        {
            message.Dispose();
            throw;
        }

        if (binary)
        {
            message.Dispose();
            Ended(OcppConnectionEnd.BinaryMessage);
            _logger.LogWarning("{StationId} sent a binary message; OCPP-J uses text frames. Closing with 1003", StationId);
            await CloseCoreAsync(WebSocketCloseStatus.InvalidMessageType, "OCPP-J messages are text frames.", fromReceiveLoop: true, cancellationToken).ConfigureAwait(false);
            return null;
        }

        return message;
    }

    private async Task AnswerCloseAsync()
    {
        Ended(OcppConnectionEnd.ClosedByPeer);
        _logger.LogDebug("{StationId} closed the connection: {Status} {Description}", StationId, _socket.CloseStatus, _socket.CloseStatusDescription);
        if (_socket.State == WebSocketState.CloseReceived)
        {
            await CloseCoreAsync(_socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, fromReceiveLoop: true, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Routes one message. The answers that the loop writes itself (to a malformed frame, to a CALL beyond the queue)
    /// are awaited before the next read: a peer that floods without reading what we send holds up its own reads, not an
    /// unbounded number of our sends.
    /// </summary>
    private ValueTask DispatchAsync(PooledBufferWriter message)
    {
        if (!OcppFrame.TryParse(message.WrittenSpan, out var frame, out var error))
        {
            if (_observer is not null)
            {
                Observe(OcppFrameDirection.Received, null, error.MessageId, null, message.WrittenSpan);
            }

            message.Dispose();
            if (error.IsResponse)
            {
                // Nothing is answered to a malformed response; a CALLERROR we send is logged where it is sent.
                _logger.LogWarning("Malformed response from {StationId} (message id {MessageId}): {Description}", StationId, error.MessageId, error.Description);
                return ValueTask.CompletedTask;
            }

            return new ValueTask(SendCallErrorAsync(error.MessageId, null, error.Code, error.Description));
        }

        if (_observer is not null)
        {
            ObserveReceived(frame, message.WrittenSpan);
        }

        switch (frame.Type)
        {
            case OcppMessageType.Call:
                if (Interlocked.Increment(ref _queuedIncoming) > _options.MaxQueuedIncomingCalls + 1)
                {
                    Interlocked.Decrement(ref _queuedIncoming);
                    message.Dispose();
                    return new ValueTask(SendCallErrorAsync(frame.MessageId, frame.Action, OcppErrorCode.RpcFrameworkError, "Too many CALLs in flight; send one at a time and wait for its answer."));
                }

                _ = ServeCallAsync(frame, message);
                break;
            case OcppMessageType.CallResult:
            case OcppMessageType.CallError:
                try
                {
                    CompletePending(frame, message.WrittenSpan);
                }
                finally
                {
                    message.Dispose();
                }

                break;
        }

        return ValueTask.CompletedTask;
    }

    private void CompletePending(in OcppFrame frame, ReadOnlySpan<byte> message)
    {
        var pending = Volatile.Read(ref _pending);
        if (pending is not null && (pending.MessageId != frame.MessageId || Interlocked.CompareExchange(ref _pending, null, pending) != pending))
        {
            pending = null;
        }

        if (pending is null)
        {
            _logger.LogWarning("{StationId} answered message id {MessageId}, which matches no pending CALL; dropped", StationId, frame.MessageId);
            return;
        }

        if (frame.Type == OcppMessageType.CallError)
        {
            OcppMetrics.ErrorReceived(OcppErrorCodes.FromWire(frame.ErrorCode));
            _logger.LogWarning(
                "{StationId} answered {Action} message {MessageId} with CALLERROR {ErrorCode}: {Description}",
                StationId, pending.Action.Name, frame.MessageId, frame.ErrorCode, frame.ErrorDescription);
            pending.Fail(new OcppCallErrorException(pending.Action.Name, OcppErrorCodes.FromWire(frame.ErrorCode), frame.ErrorDescription ?? ""));
            return;
        }

        var payload = message[frame.Payload];
        var error = pending.Action.ValidateResponse(payload);
        if (error is not null)
        {
            _logger.LogWarning("{StationId} answered {Action} with an invalid response: {Error}", StationId, pending.Action.Name, error);
            pending.Fail(new OcppPayloadException(pending.Action.Name, error));
            return;
        }

        try
        {
            pending.Complete(pending.Raw ? payload.ToArray() : pending.Action.ReadResponse(payload));
        }
        catch (JsonException ex)
        {
            pending.Fail(new OcppPayloadException(pending.Action.Name, new Validation.OcppValidationError(OcppErrorCode.FormatViolation, "", ex.Message)));
        }
    }

    private async Task ServeCallAsync(OcppFrame frame, PooledBufferWriter message)
    {
        try
        {
            await _incomingGate.WaitAsync(_closing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            message.Dispose();
            Interlocked.Decrement(ref _queuedIncoming);
            return;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            using var output = new PooledBufferWriter();
            var outcome = await HandleCallAsync(frame, message, output).ConfigureAwait(false);
            if (_observer is not null)
            {
                var answered = string.Equals(outcome, OcppMetrics.OutcomeResult, StringComparison.Ordinal);
                Observe(OcppFrameDirection.Sent, answered ? OcppMessageType.CallResult : OcppMessageType.CallError, frame.MessageId, frame.Action, output.WrittenSpan);
            }

            await SendAsync(output.WrittenMemory, _closing.Token).ConfigureAwait(false);
            OcppMetrics.HandlerDone(frame.Action!, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            OcppMetrics.CallDone(frame.Action!, OcppMetrics.Incoming, outcome, started);
        }
        catch (Exception ex) when (ex is OcppConnectionClosedException or OperationCanceledException)
        {
            _logger.LogDebug("Could not answer {Action} from {StationId}: the connection closed", frame.Action, StationId);
        }
#pragma warning disable CA1031 // A failure of our own code is logged and answered, never left unobserved.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Answering {Action} message {MessageId} from {StationId} failed", frame.Action, frame.MessageId, StationId);
            OcppMetrics.CallDone(frame.Action!, OcppMetrics.Incoming, OcppMetrics.ErrorOutcome(OcppErrorCode.InternalError), started);
            await SendCallErrorAsync(frame.MessageId, frame.Action, OcppErrorCode.InternalError, "An internal error occurred.").ConfigureAwait(false);
        }
        finally
        {
            message.Dispose();
            _incomingGate.Release();
            Interlocked.Decrement(ref _queuedIncoming);
        }
    }

    /// <summary>
    /// Handles a CALL and writes its answer, a CALLRESULT or a CALLERROR, to <paramref name="output"/>; returns the
    /// outcome label of the metrics. A ValueTask: it completes at once when the handler does, and a Task of a string
    /// would then be allocated for every CALL (a Task of a bool is cached).
    /// </summary>
    private async ValueTask<string> HandleCallAsync(OcppFrame frame, PooledBufferWriter message, PooledBufferWriter output)
    {
        OcppMetrics.CallReceived(frame.Action!);
        if (_handlers.CallGuard is { } guard)
        {
            try
            {
                guard(this, frame.Action!);
            }
            catch (OcppCallErrorException ex)
            {
                return Error(output, frame.MessageId, frame.Action, ex.Code, ex.Description);
            }
        }

        var action = OcppActions.Find(frame.Action!);
        if (action is null)
        {
            return Error(output, frame.MessageId, frame.Action, OcppErrorCode.NotImplemented, $"The action '{frame.Action}' is not an OCPP 2.0.1 action.");
        }

        if (!action.IsSentBy(PeerRole))
        {
            return Error(output, frame.MessageId, frame.Action, OcppErrorCode.NotSupported, $"{action.Name} is not sent by the {PeerRole} role.");
        }

        if (!_handlers.TryGet(action.Name, out var entry))
        {
            return Error(output, frame.MessageId, frame.Action, OcppErrorCode.NotSupported, $"{action.Name} is not supported here.");
        }

        object request;
        var payload = message.WrittenSpan[frame.Payload];
        var invalid = action.ValidateRequest(payload);
        if (invalid is not null)
        {
            return Error(output, frame.MessageId, frame.Action, invalid.Code, invalid.Message);
        }

        try
        {
            request = action.ReadRequest(payload);
        }
        catch (JsonException ex)
        {
            return Error(output, frame.MessageId, frame.Action, OcppErrorCode.FormatViolation, ex.Message);
        }

        object response;
        try
        {
            // The message's buffer stays rented until the handler is done, for OcppCallContext.Payload; the caller
            // returns it.
            var payloadMemory = message.WrittenMemory[frame.Payload];
            response = await entry.Invoke(request, new OcppCallContext(this, frame.MessageId, action, payloadMemory), _closing.Token).ConfigureAwait(false);
        }
        catch (OcppCallErrorException ex)
        {
            return Error(output, frame.MessageId, frame.Action, ex.Code, ex.Description);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A handler's failure is answered with InternalError and logged, never thrown into the loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "The {Action} handler failed for message {MessageId} of {StationId}", action.Name, frame.MessageId, StationId);
            return Error(output, frame.MessageId, frame.Action, OcppErrorCode.InternalError, $"An internal error occurred while handling {action.Name}.");
        }

        var outgoing = OcppFrameWriter.WriteCallResult(output, frame.MessageId, action, response);
        if (outgoing is not null)
        {
            _logger.LogError("The {Action} handler returned a response to message {MessageId} of {StationId} that breaks the schema: {Error}", action.Name, frame.MessageId, StationId, outgoing);
            output.Clear();
            return Error(output, frame.MessageId, frame.Action, OcppErrorCode.InternalError, $"An internal error occurred while handling {action.Name}.");
        }

        return OcppMetrics.OutcomeResult;
    }

    private string Error(PooledBufferWriter output, string messageId, string? action, OcppErrorCode code, string description)
    {
        OcppMetrics.ErrorSent(code);
        LogCallErrorSent(messageId, action, code, description);
        OcppFrameWriter.WriteCallError(output, messageId, code, description);
        return OcppMetrics.ErrorOutcome(code);
    }

    private async Task SendCallErrorAsync(string messageId, string? action, OcppErrorCode code, string description)
    {
        OcppMetrics.ErrorSent(code);
        LogCallErrorSent(messageId, action, code, description);
        using var output = new PooledBufferWriter(256);
        OcppFrameWriter.WriteCallError(output, messageId, code, description);
        if (_observer is not null)
        {
            Observe(OcppFrameDirection.Sent, OcppMessageType.CallError, messageId, action, output.WrittenSpan);
        }

        try
        {
            await SendAsync(output.WrittenMemory, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OcppConnectionClosedException or OperationCanceledException)
        {
            _logger.LogDebug("Could not send a CALLERROR to {StationId}: the connection closed", StationId);
        }
    }

    /// <summary>Every CALLERROR this end sends is logged once, here, with what an operator needs to find it.</summary>
    private void LogCallErrorSent(string messageId, string? action, OcppErrorCode code, string description) =>
        _logger.LogWarning(
            "Answered {Action} message {MessageId} of {StationId} with CALLERROR {ErrorCode}: {Description}",
            action ?? "(unknown action)", messageId, StationId, code.ToWire(), description);

    private void ObserveReceived(in OcppFrame frame, ReadOnlySpan<byte> message)
    {
        var action = frame.Action;
        if (action is null && Volatile.Read(ref _pending) is { } pending && pending.MessageId == frame.MessageId)
        {
            action = pending.Action.Name;
        }

        Observe(OcppFrameDirection.Received, frame.Type, frame.MessageId, action, message);
    }

    private void Observe(OcppFrameDirection direction, OcppMessageType? type, string? messageId, string? action, ReadOnlySpan<byte> frame)
    {
        var observer = _observer!;
        if (!observer.IsObserving(this))
        {
            return;
        }

        try
        {
            observer.OnFrame(this, direction, type, messageId, action, frame);
        }
#pragma warning disable CA1031 // A trace must never break the connection it watches.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogWarning(ex, "The frame observer failed on a frame of {StationId}", StationId);
        }
    }

    private void Shutdown()
    {
        _closing.Cancel();
        var pending = Interlocked.Exchange(ref _pending, null);
        pending?.Fail(new OcppConnectionClosedException($"The OCPP connection of {StationId} closed before {pending.Action.Name} was answered."));
        Interlocked.Exchange(ref _shutDown, 1);
        Volatile.Read(ref _completion)?.TrySetResult();
    }
}
