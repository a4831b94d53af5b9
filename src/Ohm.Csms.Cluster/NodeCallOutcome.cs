using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>What came of a CALL sent on another node: the answer, or why there was none.</summary>
/// <remarks>Outcomes rather than exceptions cross the nodes, so that the caller throws what one node would throw.</remarks>
[GenerateSerializer]
[Immutable]
public sealed record NodeCallOutcome(
    [property: Id(0)] NodeCallResult Result,
    [property: Id(1)] byte[]? Payload = null,
    [property: Id(2)] string? ErrorCode = null,
    [property: Id(3)] string? Message = null,
    [property: Id(4)] string? Path = null)
{
    /// <summary>The station is not connected there (any more).</summary>
    public static NodeCallOutcome NotConnected { get; } = new(NodeCallResult.NotConnected);
}

/// <summary>How a CALL sent on another node ended.</summary>
[GenerateSerializer]
public enum NodeCallResult
{
    /// <summary>The station answered with a CALLRESULT (the payload).</summary>
    Answered,

    /// <summary>The station is not connected.</summary>
    NotConnected,

    /// <summary>The station did not answer in time.</summary>
    TimedOut,

    /// <summary>The station answered with a CALLERROR (code and description).</summary>
    CallError,

    /// <summary>The connection closed before the answer came.</summary>
    ConnectionClosed,

    /// <summary>The station's answer did not match the action's schema (the message).</summary>
    InvalidResponse,
}
