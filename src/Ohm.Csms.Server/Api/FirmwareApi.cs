using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Campaigns;
using Ohm.Csms.Queries;
using Ohm.Csms.Storage;
using FirmwareBlock = Ohm.Csms.Blocks.Firmware;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Block L: firmware registered (a file of the file service, or an external URL, with its signing certificate and
/// signature), UpdateFirmware to one station (L01, L02) with its FirmwareStatusNotification history, and campaigns over
/// many stations with their progress.
/// </summary>
internal static class FirmwareApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var firmware = api.MapGroup("/firmware").WithTags("Firmware");
        firmware.MapPost("/", RegisterAsync).WithName("registerFirmware")
            .WithSummary("L01/L02 Register a firmware: its version, a file of the file service (fileId, upload it with uploadFile) or an external location, and for L01 its signing certificate (PEM) and signature (base64)")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        firmware.MapGet("/", ListAsync).WithName("listFirmware").WithSummary("The firmware registered, newest first");
        firmware.MapGet("/{firmwareId:long}", GetAsync).WithName("getFirmware").WithSummary("One firmware").ProducesProblem(StatusCodes.Status404NotFound);

        var updates = api.MapGroup("/stations/{stationId}/firmware-updates").WithTags("Firmware");
        var update = updates.MapPost("/", UpdateAsync).WithName("updateFirmware")
            .WithSummary("L01/L02 UpdateFirmware: send a registered firmware to the station (a download URL of its own when the file service serves it)")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        foreach (var status in ApiResults.CallProblems)
        {
            update.ProducesProblem(status);
        }

        updates.MapGet("/", ListUpdatesAsync).WithName("listFirmwareUpdates")
            .WithSummary("L01 The station's firmware updates, newest first, each with its FirmwareStatusNotification history").ProducesProblem(StatusCodes.Status404NotFound);

        var campaigns = api.MapGroup("/firmware-campaigns").WithTags("Firmware");
        campaigns.MapPost("/", StartCampaignAsync).WithName("startFirmwareCampaign")
            .WithSummary("L01/L02 over many stations: at most maxConcurrent at once, stopped when more than maxFailurePercent of them fail")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        campaigns.MapGet("/", ListCampaignsAsync).WithName("listFirmwareCampaigns").WithSummary("Firmware campaigns, newest first, with their progress");
        campaigns.MapGet("/{campaignId:long}", GetCampaignAsync).WithName("getFirmwareCampaign")
            .WithSummary("A campaign's progress: counts per state and each station's update").ProducesProblem(StatusCodes.Status404NotFound);
        campaigns.MapPost("/{campaignId:long}/stop", StopCampaignAsync).WithName("stopFirmwareCampaign")
            .WithSummary("Stop a running campaign: its queued stations are skipped, those in progress go on")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// A firmware to register: version (what the station reports once it runs it), either fileId (a file of the file
    /// service) or location (an external URL, at most 512 characters); for L01 signingCertificate (PEM, at most 5500
    /// characters) and signature (base64, at most 800 characters).
    /// </summary>
    internal sealed record FirmwareBody
    {
        public required string Version { get; init; }

        public long? FileId { get; init; }

        public string? Location { get; init; }

        public string? SigningCertificate { get; init; }

        public string? Signature { get; init; }
    }

    /// <summary>
    /// When and how: retrieveDateTime (left out: now), installDateTime (optional), retries and retryInterval (seconds)
    /// of the station's downloads (optional).
    /// </summary>
    internal sealed record FirmwareUpdateBody
    {
        public required long FirmwareId { get; init; }

        public DateTimeOffset? RetrieveDateTime { get; init; }

        public DateTimeOffset? InstallDateTime { get; init; }

        public int? Retries { get; init; }

        public int? RetryInterval { get; init; }
    }

    /// <summary>
    /// A campaign to start: firmwareId, stationIds (registered, at most 10000), maxConcurrent (1 or more, default 10),
    /// maxFailurePercent (0 to 100, default 10: more than that many failed stations stop the campaign), name, and the
    /// schedule of each update.
    /// </summary>
    internal sealed record CampaignBody
    {
        public string? Name { get; init; }

        public required long FirmwareId { get; init; }

        public required string[] StationIds { get; init; }

        public int? MaxConcurrent { get; init; }

        public int? MaxFailurePercent { get; init; }

        public DateTimeOffset? RetrieveDateTime { get; init; }

        public DateTimeOffset? InstallDateTime { get; init; }

        public int? Retries { get; init; }

        public int? RetryInterval { get; init; }
    }

    /// <summary>Why a campaign is stopped (optional).</summary>
    internal sealed record CampaignStopBody
    {
        public string? Reason { get; init; }
    }

    private static async Task<Results<Created<FirmwareView>, ValidationProblem, ProblemHttpResult>> RegisterAsync(FirmwareBody body, FirmwareBlock firmware, CsmsDatabase database, CancellationToken ct)
    {
        if (FirmwareQueries.CheckRegistration(body.Version, body.FileId, body.Location, body.SigningCertificate, body.Signature) is { } bad)
        {
            return ApiResults.Invalid(bad.Field, bad.Message);
        }

        if (body.FileId is { } fileId)
        {
            await using var db = database.CreateContext();
            if (!await db.Files.AsNoTracking().AnyAsync(f => f.Id == fileId, ct).ConfigureAwait(false))
            {
                return ApiResults.Invalid("fileId", $"there is no file {fileId}");
            }
        }

        var record = await firmware.RegisterAsync(body.Version, body.FileId, body.Location, body.SigningCertificate, body.Signature, ct).ConfigureAwait(false);
        return TypedResults.Created($"/api/firmware/{record.Id}", FirmwareQueries.View(record));
    }

    private static async Task<Results<Ok<Page<FirmwareView>>, ValidationProblem>> ListAsync(
        FirmwareQueries queries, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return bad!;
        }

        var (rows, total) = await queries.ListFirmwareAsync(before, 0, take, ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows, take, total, f => f, f => Paging.Key(f.Id)));
    }

    private static async Task<Results<Ok<FirmwareView>, ProblemHttpResult>> GetAsync(long firmwareId, FirmwareBlock firmware, CancellationToken ct) =>
        await firmware.FindAsync(firmwareId, ct).ConfigureAwait(false) is { } f ? TypedResults.Ok(FirmwareQueries.View(f)) : ApiResults.NotFound($"No firmware {firmwareId}.");

    private static ValidationProblem? ValidateSchedule(DateTimeOffset? retrieve, DateTimeOffset? install, int? retries, int? retryInterval)
    {
        if (retrieve is { } r && install is { } i && i < r)
        {
            return ApiResults.Invalid("installDateTime", "must not be before retrieveDateTime");
        }

        if (retries is < 0 or > 1000)
        {
            return ApiResults.Invalid("retries", "must be 0 to 1000");
        }

        return retryInterval is < 0 or > 86400 ? ApiResults.Invalid("retryInterval", "must be 0 to 86400 seconds") : null;
    }

    private static async Task<Results<Ok<FirmwareUpdateView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string stationId, FirmwareUpdateBody body, FirmwareBlock firmware, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        if (ValidateSchedule(body.RetrieveDateTime, body.InstallDateTime, body.Retries, body.RetryInterval) is { } invalid)
        {
            return invalid;
        }

        if (!await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        if (await firmware.FindAsync(body.FirmwareId, ct).ConfigureAwait(false) is not { } registered)
        {
            return ApiResults.Invalid("firmwareId", $"there is no firmware {body.FirmwareId}");
        }

        return await ApiResults.CallAsync<Results<Ok<FirmwareUpdateView>, ValidationProblem, ProblemHttpResult>>(stationId, options, database, async t =>
        {
            var update = await firmware.UpdateAsync(stationId, registered, new FirmwareBlock.Schedule(body.RetrieveDateTime, body.InstallDateTime, body.Retries, body.RetryInterval), t).ConfigureAwait(false);
            await using var db = database.CreateContext();
            return TypedResults.Ok((await FirmwareQueries.UpdateViewsAsync(db, [update], t).ConfigureAwait(false))[0]);
        }, p => p, ct).ConfigureAwait(false);
    }

    private static Task<Results<Ok<Page<FirmwareUpdateView>>, ValidationProblem, ProblemHttpResult>> ListUpdatesAsync(
        string stationId, CsmsDatabase database, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct) =>
        StationPages.ReadAsync(database, stationId, cursor, limit, db => db.FirmwareUpdates.Where(u => u.StationId == stationId), u => u.Id, FirmwareQueries.UpdateViewsAsync, ct);

    private static async Task<Results<Created<CampaignView>, ValidationProblem, ProblemHttpResult>> StartCampaignAsync(
        CampaignBody body, IFirmwareCampaigns campaigns, FirmwareBlock firmware, FirmwareQueries queries, CancellationToken ct)
    {
        if (ValidateSchedule(body.RetrieveDateTime, body.InstallDateTime, body.Retries, body.RetryInterval) is { } invalid)
        {
            return invalid;
        }

        if (body.StationIds.Length is 0 or > 10000 || body.StationIds.Any(string.IsNullOrEmpty))
        {
            return ApiResults.Invalid("stationIds", "name 1 to 10000 stations");
        }

        if (body.MaxConcurrent is < 1 or > 10000)
        {
            return ApiResults.Invalid("maxConcurrent", "must be 1 to 10000");
        }

        if (body.MaxFailurePercent is < 0 or > 100)
        {
            return ApiResults.Invalid("maxFailurePercent", "must be 0 to 100");
        }

        if (body.Name is { Length: 0 or > 100 })
        {
            return ApiResults.Invalid("name", "is 1 to 100 characters long");
        }

        if (await firmware.FindAsync(body.FirmwareId, ct).ConfigureAwait(false) is not { } registered)
        {
            return ApiResults.Invalid("firmwareId", $"there is no firmware {body.FirmwareId}");
        }

        var wanted = body.StationIds.Distinct(StringComparer.Ordinal).ToList();
        if (await queries.FirstUnknownStationAsync(wanted, ct).ConfigureAwait(false) is { } unknown)
        {
            return ApiResults.StationNotFound(unknown);
        }

        var campaign = await campaigns.StartAsync(
            body.Name ?? $"{registered.Version} to {wanted.Count} stations", registered, wanted, body.MaxConcurrent ?? 10, body.MaxFailurePercent ?? 10,
            new FirmwareBlock.Schedule(body.RetrieveDateTime, body.InstallDateTime, body.Retries, body.RetryInterval), ct).ConfigureAwait(false);
        return TypedResults.Created($"/api/firmware-campaigns/{campaign.Id}", await queries.CampaignViewAsync(campaign, withStations: false, ct).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<Page<CampaignView>>, ValidationProblem>> ListCampaignsAsync(
        FirmwareQueries queries, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return bad!;
        }

        var (rows, total) = await queries.ListCampaignsAsync(before, 0, take, ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows, take, total, c => c, c => Paging.Key(c.Id)));
    }

    private static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> GetCampaignAsync(long campaignId, FirmwareQueries queries, CancellationToken ct) =>
        await queries.GetCampaignAsync(campaignId, ct).ConfigureAwait(false) is { } campaign ? TypedResults.Ok(campaign) : ApiResults.NotFound($"No firmware campaign {campaignId}.");

    private static async Task<Results<Ok<CampaignView>, ValidationProblem, ProblemHttpResult>> StopCampaignAsync(
        long campaignId, CampaignStopBody body, IFirmwareCampaigns campaigns, FirmwareQueries queries, CsmsDatabase database, CancellationToken ct)
    {
        if (body.Reason is { Length: > 200 })
        {
            return ApiResults.Invalid("reason", "is at most 200 characters long");
        }

        await using var db = database.CreateContext();
        if (!await db.FirmwareCampaigns.AsNoTracking().AnyAsync(c => c.Id == campaignId, ct).ConfigureAwait(false))
        {
            return ApiResults.NotFound($"No firmware campaign {campaignId}.");
        }

        try
        {
            if (!await campaigns.StopAsync(campaignId, body.Reason ?? "stopped through the API", ct).ConfigureAwait(false))
            {
                return ApiResults.Conflict("The campaign is not running", $"Firmware campaign {campaignId} has already ended.");
            }
        }
        catch (CampaignUnreachableException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Campaign not reachable", detail: ex.Message);
        }

        return TypedResults.Ok((await queries.GetCampaignAsync(campaignId, ct).ConfigureAwait(false))!);
    }
}
