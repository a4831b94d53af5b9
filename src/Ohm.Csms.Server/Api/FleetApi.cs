using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Queries;

namespace Ohm.Csms.Server.Api;

/// <summary>The fleet at a glance (the console's dashboard): its summary and the power it delivered over the last hours.</summary>
internal static class FleetApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var fleet = api.MapGroup("/fleet").WithTags("Fleet");
        fleet.MapGet("/summary", SummaryAsync).WithName("getFleetSummary")
            .WithSummary("Stations connected, offline and faulted; connectors by status; active transactions; energy delivered today; open alerts by severity; OCPP calls per second")
            .WithDescription("energyTodayWh is " + FleetQueries.EnergyDefinition + ". callsPerSecond is null until the CSMS has sampled its call counter twice (at least 2 s apart).");
        fleet.MapGet("/power", PowerAsync).WithName("getFleetPower")
            .WithSummary("The fleet's power over the last hours, in 24 buckets (W, summed over the EVSEs, from stored meter values)")
            .WithDescription("Per EVSE and bucket: the mean of its Power.Active.Import readings, or without one the rise of its Energy.Active.Import.Register in the bucket over the bucket's length.");
    }

    private static async Task<Ok<FleetSummary>> SummaryAsync(FleetQueries fleet, CancellationToken ct) =>
        TypedResults.Ok(await fleet.SummaryAsync(ct).ConfigureAwait(false));

    private static async Task<Results<Ok<FleetPower>, ValidationProblem>> PowerAsync(
        FleetQueries fleet, [Description("1 to 48, default 6")] int? hours, CancellationToken ct)
    {
        if (hours is < 1 or > FleetQueries.MaxPowerHours)
        {
            return ApiResults.Invalid("hours", $"must be 1 to {FleetQueries.MaxPowerHours}");
        }

        return TypedResults.Ok(await fleet.PowerAsync(hours ?? 6, ct).ConfigureAwait(false));
    }
}
