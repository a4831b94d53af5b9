using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Ocpp.Rpc;
using Orleans.Runtime;

namespace Ohm.Csms.Cluster;

/// <summary>
/// What a station call becomes when the grain call itself fails (not the station): a node that died and is not yet
/// declared dead, a silo that is stopping, a message the cluster rejected. The caller sees what one node gives for a
/// station it cannot reach (not connected, or a timeout), never an Orleans exception turned into a 500.
/// </summary>
internal static partial class GrainFailures
{
    /// <summary>Whether <paramref name="failure"/> came from the cluster (the grain call did not reach or did not come back).</summary>
    public static bool IsClusterFailure(Exception failure) => failure is OrleansException or TimeoutException and not OcppCallTimeoutException;

    /// <summary>The exception a one-node caller would see for <paramref name="failure"/>, logged as a warning.</summary>
    public static Exception ForStation(ILogger logger, string stationId, string action, Exception failure)
    {
        if (failure is TimeoutException)
        {
            LogTimedOut(logger, stationId, action, failure.Message);
            return new OcppCallTimeoutException($"The node that holds {stationId} did not answer {action} in time; it may have stopped.");
        }

        LogUnreachable(logger, stationId, action, failure.GetType().Name, failure.Message);
        return new StationNotConnectedException(stationId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Action} to {StationId} through its grain timed out ({Reason}); answered as a station timeout.")]
    private static partial void LogTimedOut(ILogger logger, string stationId, string action, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Action} to {StationId} did not reach the node that holds it ({Failure}: {Reason}); answered as not connected.")]
    private static partial void LogUnreachable(ILogger logger, string stationId, string action, string failure, string reason);
}
