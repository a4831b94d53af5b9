using System.Collections.Frozen;
using System.Text;
using Microsoft.Extensions.Logging;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Sessions;

/// <summary>Which stations the message trace logs: all of them, or a set, until an expiry.</summary>
public sealed record MessageTraceState(bool All, FrozenSet<string> Stations, DateTimeOffset? Until)
{
    /// <summary>Nothing is traced. The connection's check is a reference comparison with this instance.</summary>
    public static MessageTraceState Off { get; } = new(false, FrozenSet<string>.Empty, null);

    /// <summary>Whether nothing is traced.</summary>
    public bool IsOff => !All && Stations.Count == 0;
}

/// <summary>
/// Holds the trace switch. The single-node default keeps it in memory; a cluster replaces it with one that every node
/// shares, so that a trace switched on through any node's API traces the station wherever it is connected.
/// </summary>
public interface IMessageTraceSwitch
{
    /// <summary>The state now. Read for every frame: it must be cheap (a field read).</summary>
    MessageTraceState Current { get; }

    /// <summary>Replaces the state with <paramref name="replacement"/> if it is still <paramref name="expected"/>; false if it changed meanwhile.</summary>
    bool Replace(MessageTraceState expected, MessageTraceState replacement);
}

/// <summary>The in-process trace switch: one field.</summary>
public sealed class InProcessMessageTraceSwitch : IMessageTraceSwitch
{
    private MessageTraceState _state = MessageTraceState.Off;

    /// <inheritdoc/>
    public MessageTraceState Current => Volatile.Read(ref _state);

    /// <inheritdoc/>
    public bool Replace(MessageTraceState expected, MessageTraceState replacement) =>
        ReferenceEquals(Interlocked.CompareExchange(ref _state, replacement, expected), expected);
}

/// <summary>
/// The message trace: while it is on for a station (or all), every frame in and out of that station is logged as a
/// structured record (category <see cref="Category"/>, Information, with StationId, Direction, MessageType, Action,
/// MessageId and Frame). Switched at run time through the API; it switches itself off at its expiry. While it is off a
/// frame costs one field read and a reference comparison.
/// </summary>
public sealed class MessageTrace : IOcppFrameObserver
{
    /// <summary>The log category of the trace records.</summary>
    public const string Category = "Ohm.Csms.Trace";

    /// <summary>How long a trace lasts when the request gives no duration.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromMinutes(60);

    /// <summary>The longest a trace may be switched on for.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);

    private static readonly Action<ILogger, OcppFrameDirection, string, string?, string?, string, string, Exception?> Record =
        LoggerMessage.Define<OcppFrameDirection, string, string?, string?, string, string>(
            LogLevel.Information, new EventId(1, "Frame"), "{Direction} {MessageType} {Action} {MessageId} {StationId}: {Frame}");

    private readonly IMessageTraceSwitch _switch;
    private readonly TimeProvider _time;
    private readonly ILogger _trace;
    private readonly ILogger _logger;

    /// <summary>Creates the trace on its switch.</summary>
    public MessageTrace(IMessageTraceSwitch traceSwitch, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(traceSwitch);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _switch = traceSwitch;
        _time = time;
        _trace = loggers.CreateLogger(Category);
        _logger = loggers.CreateLogger<MessageTrace>();
    }

    /// <summary>What is traced now (an expired trace reads as off, and is switched off).</summary>
    public MessageTraceState State
    {
        get
        {
            var state = _switch.Current;
            return ReferenceEquals(state, MessageTraceState.Off) || !Expired(state) ? state : MessageTraceState.Off;
        }
    }

    /// <summary>Traces every station for <paramref name="duration"/>.</summary>
    public MessageTraceState TraceAll(TimeSpan duration) => Change(_ => new MessageTraceState(true, FrozenSet<string>.Empty, _time.GetUtcNow() + duration));

    /// <summary>Traces exactly <paramref name="stations"/> for <paramref name="duration"/>, replacing what was traced.</summary>
    public MessageTraceState TraceStations(IEnumerable<string> stations, TimeSpan duration)
    {
        var set = stations.ToFrozenSet(StringComparer.Ordinal);
        return Change(_ => set.Count == 0 ? MessageTraceState.Off : new MessageTraceState(false, set, _time.GetUtcNow() + duration));
    }

    /// <summary>Adds one station to the trace; the trace then lasts <paramref name="duration"/> from now.</summary>
    public MessageTraceState Add(string stationId, TimeSpan duration) =>
        Change(
            current => new MessageTraceState(current.All, current.All ? current.Stations : current.Stations.Append(stationId).ToFrozenSet(StringComparer.Ordinal), _time.GetUtcNow() + duration));

    /// <summary>Takes one station out of the trace (a trace of all stations stays on: switch it off with <see cref="Stop"/>).</summary>
    public MessageTraceState Remove(string stationId) =>
        Change(
            current =>
            {
                if (current.All || !current.Stations.Contains(stationId))
                {
                    return current;
                }

                var rest = current.Stations.Where(s => s != stationId).ToFrozenSet(StringComparer.Ordinal);
                return rest.Count == 0 ? MessageTraceState.Off : current with { Stations = rest };
            });

    /// <summary>Switches the trace off.</summary>
    public MessageTraceState Stop() => Change(_ => MessageTraceState.Off);

    /// <inheritdoc/>
    public bool IsObserving(OcppConnection connection)
    {
        var state = _switch.Current;
        if (ReferenceEquals(state, MessageTraceState.Off))
        {
            return false;
        }

        return !Expired(state) && (state.All || state.Stations.Contains(connection.StationId));
    }

    /// <inheritdoc/>
    public void OnFrame(OcppConnection connection, OcppFrameDirection direction, OcppMessageType? messageType, string? messageId, string? action, ReadOnlySpan<byte> frame)
    {
        if (_trace.IsEnabled(LogLevel.Information))
        {
            Record(_trace, direction, messageType?.ToString() ?? "Malformed", action, messageId, connection.StationId, Encoding.UTF8.GetString(frame), null);
        }
    }

    private bool Expired(MessageTraceState state)
    {
        if (state.Until is not { } until || _time.GetUtcNow() < until)
        {
            return false;
        }

        if (_switch.Replace(state, MessageTraceState.Off))
        {
            _logger.LogInformation("The message trace expired at {Until} and is off", until);
        }

        return true;
    }

    private MessageTraceState Change(Func<MessageTraceState, MessageTraceState> change)
    {
        while (true)
        {
            var current = State;
            var next = change(current);
            next = next.IsOff ? MessageTraceState.Off : next;
            if (ReferenceEquals(next, current) || _switch.Replace(current, next))
            {
                if (next.IsOff)
                {
                    _logger.LogInformation("The message trace is off");
                }
                else
                {
                    _logger.LogInformation("The message trace is on for {Stations} until {Until}", next.All ? "all stations" : string.Join(", ", next.Stations), next.Until);
                }

                return next;
            }
        }
    }
}
