using System.Diagnostics.Metrics;

namespace Ohm.Ocpp.Rpc;

/// <summary>
/// The metrics of the RPC layer (System.Diagnostics.Metrics meter <c>Ohm.Ocpp</c>): CALLs by action and direction,
/// handler latency, and CALLERRORs by code. The action label is one of the OCPP 2.0.1 actions or <c>unknown</c>. Exported by whatever the host wires up (OpenTelemetry, dotnet-counters).
/// </summary>
public static class OcppMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ohm.Ocpp";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> Calls = Meter.CreateCounter<long>("ohm.ocpp.calls", "{call}", "CALLs by action and direction (in: received, out: sent).");

    internal static readonly Histogram<double> HandlerDuration = Meter.CreateHistogram<double>("ohm.ocpp.handler.duration", "ms", "Time from a received CALL to its answer being written.");

    internal static readonly Counter<long> CallErrors = Meter.CreateCounter<long>("ohm.ocpp.call_errors", "{error}", "CALLERRORs by code and direction (sent or received).");

    /// <summary>The <c>action</c> label of a CALL whose action name is not an OCPP 2.0.1 action.</summary>
    public const string UnknownAction = "unknown";

    internal static void CallReceived(string action) => Calls.Add(1, new KeyValuePair<string, object?>("action", Label(action)), new KeyValuePair<string, object?>("direction", "in"));

    internal static void CallSent(string action) => Calls.Add(1, new KeyValuePair<string, object?>("action", Label(action)), new KeyValuePair<string, object?>("direction", "out"));

    internal static void HandlerDone(string action, double milliseconds) => HandlerDuration.Record(milliseconds, new KeyValuePair<string, object?>("action", Label(action)));

    /// <summary>
    /// The action as a label: one of the 64 names, or <see cref="UnknownAction"/> for anything a peer made up, so that
    /// a peer cannot create series at will.
    /// </summary>
    internal static string Label(string action) => Messages.OcppActions.Find(action)?.Name ?? UnknownAction;

    internal static void ErrorSent(OcppErrorCode code) => CallErrors.Add(1, new KeyValuePair<string, object?>("code", code.ToWire()), new KeyValuePair<string, object?>("direction", "sent"));

    internal static void ErrorReceived(OcppErrorCode code) => CallErrors.Add(1, new KeyValuePair<string, object?>("code", code.ToWire()), new KeyValuePair<string, object?>("direction", "received"));
}
