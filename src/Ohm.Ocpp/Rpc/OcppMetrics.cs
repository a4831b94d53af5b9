using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ohm.Ocpp.Rpc;

/// <summary>
/// The metrics of the RPC layer (System.Diagnostics.Metrics meter <c>Ohm.Ocpp</c>): CALLs by action and direction,
/// their duration by action, direction and outcome, handler latency, and CALLERRORs by code. The action label is one of
/// the OCPP 2.0.1 actions or <c>unknown</c>. Exported by whatever the host wires up (OpenTelemetry, dotnet-counters).
/// Every tag value is a cached string, so recording allocates nothing.
/// </summary>
public static class OcppMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ohm.Ocpp";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> Calls = Meter.CreateCounter<long>("ohm.ocpp.calls", "{call}", "CALLs by action and direction (in: received, out: sent).");

    internal static readonly Histogram<double> HandlerDuration = Meter.CreateHistogram<double>("ohm.ocpp.handler.duration", "ms", "Time from a received CALL to its answer being written.");

    internal static readonly Histogram<double> CallDuration = Meter.CreateHistogram(
        "ohm.ocpp.call.duration",
        "s",
        "CALLs by action, direction (in: received and answered, out: sent) and outcome (result, error:<code>, timeout, closed, invalid, cancelled), with the time from the CALL to its answer.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    internal static readonly Counter<long> CallErrors = Meter.CreateCounter<long>("ohm.ocpp.call_errors", "{error}", "CALLERRORs by code and direction (sent or received).");

    /// <summary>The <c>action</c> label of a CALL whose action name is not an OCPP 2.0.1 action.</summary>
    public const string UnknownAction = "unknown";

    /// <summary>The <c>direction</c> of a CALL received from the peer.</summary>
    public const string Incoming = "in";

    /// <summary>The <c>direction</c> of a CALL sent to the peer.</summary>
    public const string Outgoing = "out";

    /// <summary>The <c>outcome</c> of a CALL answered with a CALLRESULT.</summary>
    public const string OutcomeResult = "result";

    /// <summary>The <c>outcome</c> of a sent CALL that was not answered within the call timeout.</summary>
    public const string OutcomeTimeout = "timeout";

    /// <summary>The <c>outcome</c> of a sent CALL whose connection closed before the answer.</summary>
    public const string OutcomeClosed = "closed";

    /// <summary>The <c>outcome</c> of a sent CALL whose CALLRESULT broke the schema.</summary>
    public const string OutcomeInvalid = "invalid";

    /// <summary>The <c>outcome</c> of a sent CALL whose caller stopped waiting.</summary>
    public const string OutcomeCancelled = "cancelled";

    private static readonly string[] ErrorOutcomes = [.. Enum.GetValues<OcppErrorCode>().Select(c => "error:" + c.ToWire())];

    /// <summary>The <c>outcome</c> of a CALL answered with a CALLERROR of <paramref name="code"/>: <c>error:&lt;code&gt;</c>.</summary>
    public static string ErrorOutcome(OcppErrorCode code) => (uint)code < (uint)ErrorOutcomes.Length ? ErrorOutcomes[(int)code] : "error:" + code.ToWire();

    internal static void CallReceived(string action) => Calls.Add(1, new KeyValuePair<string, object?>("action", Label(action)), new KeyValuePair<string, object?>("direction", Incoming));

    internal static void CallSent(string action) => Calls.Add(1, new KeyValuePair<string, object?>("action", Label(action)), new KeyValuePair<string, object?>("direction", Outgoing));

    internal static void HandlerDone(string action, double milliseconds) => HandlerDuration.Record(milliseconds, new KeyValuePair<string, object?>("action", Label(action)));

    /// <summary>Records a CALL's outcome and its duration since <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    internal static void CallDone(string action, string direction, string outcome, long started)
    {
        if (!CallDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "action", Label(action) },
            { "direction", direction },
            { "outcome", outcome },
        };
        CallDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, in tags);
    }

    /// <summary>
    /// The action as a label: one of the 64 names, or <see cref="UnknownAction"/> for anything a peer made up, so that
    /// a peer cannot create series at will.
    /// </summary>
    internal static string Label(string action) => Messages.OcppActions.Find(action)?.Name ?? UnknownAction;

    internal static void ErrorSent(OcppErrorCode code) => CallErrors.Add(1, new KeyValuePair<string, object?>("code", code.ToWire()), new KeyValuePair<string, object?>("direction", "sent"));

    internal static void ErrorReceived(OcppErrorCode code) => CallErrors.Add(1, new KeyValuePair<string, object?>("code", code.ToWire()), new KeyValuePair<string, object?>("direction", "received"));
}
