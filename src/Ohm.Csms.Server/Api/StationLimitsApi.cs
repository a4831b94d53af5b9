using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// <c>GET/PUT /api/stations/{id}/limits</c>: how many items and bytes the station takes in one GetVariables or
/// SetVariables request (B05, B06). The operator's values win over the station's own (DeviceDataCtrlr ItemsPerMessage
/// and BytesPerMessage, from its NotifyReport or read by the CSMS before the first split).
/// </summary>
internal static class StationLimitsApi
{
    /// <summary>Below this a request cannot hold one item.</summary>
    private const int MinBytes = 128;

    public static void Map(RouteGroupBuilder api)
    {
        var limits = api.MapGroup("/stations/{stationId}/limits").WithTags("Stations");
        limits.MapGet("/", GetAsync).WithName("getStationLimits").WithSummary("The station's message limits: the operator's, the station's own, and those in effect")
            .ProducesProblem(StatusCodes.Status404NotFound);
        limits.MapPut("/", PutAsync).WithName("setStationLimits").WithSummary("Set the station's message limits (null: use the station's own)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    /// <summary>The limits of one request type; null for not known (no limit).</summary>
    internal sealed record MessageLimits(int? ItemsPerMessage = null, int? BytesPerMessage = null);

    /// <summary>The limits of GetVariables and of SetVariables.</summary>
    internal sealed record StationLimits(MessageLimits? GetVariables = null, MessageLimits? SetVariables = null);

    internal sealed record StationLimitsView(StationLimits Operator, StationLimits Station, StationLimits Effective, DateTimeOffset? ReadFromStationAt);

    private static async Task<Results<Ok<StationLimitsView>, ProblemHttpResult>> GetAsync(string stationId, CsmsDatabase database, Provisioning provisioning, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var record = await db.StationMessageLimits.AsNoTracking().FirstOrDefaultAsync(l => l.StationId == stationId, ct).ConfigureAwait(false);
        return TypedResults.Ok(await ViewAsync(stationId, record, provisioning, ct).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<StationLimitsView>, ValidationProblem, ProblemHttpResult>> PutAsync(string stationId, StationLimits body, CsmsWriter writer, CsmsDatabase database, Provisioning provisioning, TimeProvider time, CancellationToken ct)
    {
        foreach (var (name, limits) in new[] { ("getVariables", body.GetVariables), ("setVariables", body.SetVariables) })
        {
            if (limits?.ItemsPerMessage is < 1)
            {
                return ApiResults.Invalid($"{name}.itemsPerMessage", "must be at least 1, or null to use the station's own");
            }

            if (limits?.BytesPerMessage is < MinBytes)
            {
                return ApiResults.Invalid($"{name}.bytesPerMessage", $"must be at least {MinBytes}, or null to use the station's own");
            }
        }

        var now = time.GetUtcNow();
        var record = await writer.ExecuteForStationAsync(stationId, async db =>
        {
            if (await db.Stations.FindAsync([stationId], ct).ConfigureAwait(false) is null)
            {
                return null;
            }

            var limits = await db.StationMessageLimits.FindAsync([stationId], ct).ConfigureAwait(false);
            if (limits is null)
            {
                limits = new StationMessageLimitsRecord { StationId = stationId };
                db.StationMessageLimits.Add(limits);
            }

            limits.GetVariablesItemsPerMessage = body.GetVariables?.ItemsPerMessage;
            limits.GetVariablesBytesPerMessage = body.GetVariables?.BytesPerMessage;
            limits.SetVariablesItemsPerMessage = body.SetVariables?.ItemsPerMessage;
            limits.SetVariablesBytesPerMessage = body.SetVariables?.BytesPerMessage;
            limits.UpdatedAt = now;
            return limits;
        }, ct).ConfigureAwait(false);
        return record is null
            ? ApiResults.StationNotFound(stationId)
            : TypedResults.Ok(await ViewAsync(stationId, record, provisioning, ct).ConfigureAwait(false));
    }

    private static async Task<StationLimitsView> ViewAsync(string stationId, StationMessageLimitsRecord? record, Provisioning provisioning, CancellationToken ct)
    {
        var get = await provisioning.ReportedLimitsAsync(stationId, "GetVariables", ct).ConfigureAwait(false);
        var set = await provisioning.ReportedLimitsAsync(stationId, "SetVariables", ct).ConfigureAwait(false);
        var op = new StationLimits(
            new MessageLimits(record?.GetVariablesItemsPerMessage, record?.GetVariablesBytesPerMessage),
            new MessageLimits(record?.SetVariablesItemsPerMessage, record?.SetVariablesBytesPerMessage));
        var station = new StationLimits(new MessageLimits(get.Items, get.Bytes), new MessageLimits(set.Items, set.Bytes));
        var effective = new StationLimits(
            new MessageLimits(op.GetVariables!.ItemsPerMessage ?? get.Items, op.GetVariables.BytesPerMessage ?? get.Bytes),
            new MessageLimits(op.SetVariables!.ItemsPerMessage ?? set.Items, op.SetVariables.BytesPerMessage ?? set.Bytes));
        return new StationLimitsView(op, station, effective, record?.ReadFromStationAt);
    }
}
