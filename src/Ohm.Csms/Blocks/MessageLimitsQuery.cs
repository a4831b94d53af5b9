using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Asks a station for a controller's ItemsPerMessage and BytesPerMessage of one instance (B06 for DeviceDataCtrlr, N04
/// and N06 for MonitoringCtrlr), in one small GetVariables that fits whatever the limits are.
/// </summary>
internal static class MessageLimitsQuery
{
    /// <summary>
    /// The values the station reported (Accepted, with a value) as device-model data to store; empty when it reported
    /// none or answered with a CALLERROR (logged as a warning).
    /// </summary>
    public static async Task<List<ReportDataType>> AskAsync(
        IStationCallRouter router, string stationId, string component, string instance, ILogger logger, CancellationToken cancellationToken)
    {
        GetVariablesResponse response;
        try
        {
            response = await router.CallAsync(
                stationId,
                new GetVariablesRequest
                {
                    GetVariableData =
                    [
                        new GetVariableDataType { Component = new ComponentType { Name = component }, Variable = new VariableType { Name = "ItemsPerMessage", Instance = instance } },
                        new GetVariableDataType { Component = new ComponentType { Name = component }, Variable = new VariableType { Name = "BytesPerMessage", Instance = instance } },
                    ],
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OcppCallErrorException ex)
        {
            logger.LogWarning("{StationId} did not tell its {Instance} message limits: {Code} {Description}", stationId, instance, ex.Code, ex.Description);
            return [];
        }

        return [.. response.GetVariableResult
            .Where(r => r.AttributeStatus == GetVariableStatusEnumType.Accepted && r.AttributeValue is not null)
            .Select(r => new ReportDataType
            {
                Component = r.Component,
                Variable = r.Variable,
                VariableAttribute = [new VariableAttributeType { Type = r.AttributeType ?? AttributeEnumType.Actual, Value = r.AttributeValue }],
            })];
    }
}
