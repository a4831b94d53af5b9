using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Block D, each station's local authorization list: which tokens it holds (token groups, single tokens), the version the
/// station holds and whether it is in sync; setting the membership or asking for a full update sends the station its
/// update (now when it is connected, else when it connects).
/// </summary>
internal static class LocalListApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var list = api.MapGroup("/stations/{stationId}/local-list").WithTags("Local lists");
        list.MapGet("/", GetAsync).WithName("getLocalList").WithSummary("The station's local list: membership, version held, state and entry count")
            .ProducesProblem(StatusCodes.Status404NotFound);
        list.MapPut("/", PutAsync).WithName("setLocalList")
            .WithSummary("Set which tokens the station's local list holds; the station gets the update")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        list.MapPost("/sync", SyncAsync).WithName("syncLocalList")
            .WithSummary("Send the station its local list now: in full (the default), or only what it lacks")
            .WithDescription("404 when the station has no local list (set one first). Also tries again a list the station answered NotSupported or Failed to.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/local-lists", ListAsync).WithTags("Local lists").WithName("listLocalLists").WithSummary("Stations with a local list and its state, by station id");
    }

    /// <summary>A single token of a list, its type spelled as in OCPP (ISO14443, eMAID, ...).</summary>
    internal sealed record LocalListTokenView
    {
        public required string IdToken { get; init; }

        public required IdTokenEnumType Type { get; init; }
    }

    /// <summary>What a station's local list holds: the tokens of these groups (groupIdToken) and these single tokens.</summary>
    internal sealed record LocalListMembership
    {
        public string[]? Groups { get; init; }

        public LocalListTokenView[]? IdTokens { get; init; }
    }

    /// <summary>How to send a station its list: <c>full</c> true (the default) for a Full update, false for the difference only.</summary>
    internal sealed record LocalListSync
    {
        public bool? Full { get; init; }
    }

    /// <summary>
    /// A station's local list: <c>version</c> is what the station holds as far as the CSMS knows (null: unknown);
    /// <c>state</c> InSync, Pending, Failed (with <c>reason</c>) or NotSupported; <c>entries</c> how many entries it holds.
    /// </summary>
    internal sealed record LocalListView(
        string StationId, string[] Groups, LocalListTokenView[] IdTokens, int? Version, string State, string? Reason, DateTimeOffset StateAt, int Entries);

    private static LocalListView View(LocalListRecord l, int entries) => new(
        l.StationId,
        [.. JsonSerializer.Deserialize(l.Groups, LocalListJson.Default.ListString) ?? []],
        [.. (JsonSerializer.Deserialize(l.IdTokens, LocalListJson.Default.ListLocalListToken) ?? []).Select(t => new LocalListTokenView { IdToken = t.IdToken, Type = IdTokenEnumTypeSchema.FromWire(t.Type) })],
        l.Version,
        l.State.ToString(),
        l.Reason,
        l.StateAt,
        entries);

    private static async Task<Results<Ok<LocalListView>, ProblemHttpResult>> GetAsync(string stationId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var list = await db.LocalLists.AsNoTracking().FirstOrDefaultAsync(l => l.StationId == stationId, ct).ConfigureAwait(false)
            ?? new LocalListRecord { StationId = stationId, State = LocalListState.InSync };
        var entries = await db.LocalListEntries.CountAsync(e => e.StationId == stationId, ct).ConfigureAwait(false);
        return TypedResults.Ok(View(list, entries));
    }

    private static async Task<Results<Ok<LocalListView>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string stationId, LocalListMembership body, LocalAuthList lists, LocalListDriver driver, CsmsDatabase database, CancellationToken ct)
    {
        var groups = body.Groups ?? [];
        var tokens = body.IdTokens ?? [];
        if (groups.Any(g => string.IsNullOrEmpty(g) || g.Length > 36))
        {
            return ApiResults.Invalid("groups", "each is a groupIdToken of 1 to 36 characters");
        }

        if (tokens.Any(t => string.IsNullOrEmpty(t.IdToken) || t.IdToken.Length > 36))
        {
            return ApiResults.Invalid("idTokens", "each idToken is 1 to 36 characters long");
        }

        if (tokens.Any(t => !Enum.IsDefined(t.Type)))
        {
            return ApiResults.Invalid("idTokens", "each type is one of " + string.Join(", ", Enum.GetValues<IdTokenEnumType>().Select(v => v.ToWire())));
        }

        var membership = new LocalAuthList.Membership(groups, [.. tokens.Select(t => new IdTokenType { IdToken = t.IdToken, Type = t.Type })]);
        if (!await lists.SetMembershipAsync(stationId, membership, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        driver.Changed(stationId);
        return await ReadAsync(stationId, database, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<LocalListView>, ValidationProblem, ProblemHttpResult>> SyncAsync(
        string stationId, LocalListSync body, LocalAuthList lists, LocalListDriver driver, CsmsDatabase database, CancellationToken ct)
    {
        if (!await lists.RequestSyncAsync(stationId, body.Full ?? true, ct).ConfigureAwait(false))
        {
            return await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false)
                ? ApiResults.NotFound($"Station '{stationId}' has no local list; set one with PUT /api/stations/{stationId}/local-list.")
                : ApiResults.StationNotFound(stationId);
        }

        driver.Changed(stationId);
        return await ReadAsync(stationId, database, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<LocalListView>, ValidationProblem, ProblemHttpResult>> ReadAsync(string stationId, CsmsDatabase database, CancellationToken ct)
    {
        var read = await GetAsync(stationId, database, ct).ConfigureAwait(false);
        return read.Result switch
        {
            Ok<LocalListView> ok => ok,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("GetAsync answers Ok or a problem."),
        };
    }

    private static async Task<Results<Ok<Page<LocalListView>>, ValidationProblem>> ListAsync(
        [Description("InSync, Pending, Failed or NotSupported; leave it out for all")] string? state,
        [Description(Paging.CursorHelp)] string? cursor,
        [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit,
        CsmsDatabase database,
        CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        LocalListState? wanted = null;
        if (state is not null)
        {
            if (!Enum.TryParse<LocalListState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(state, out _))
            {
                return ApiResults.Invalid("state", "must be one of " + string.Join(", ", Enum.GetNames<LocalListState>()));
            }

            wanted = parsed;
        }

        await using var db = database.CreateContext();
        var query = db.LocalLists.AsNoTracking();
        if (wanted is { } w)
        {
            query = query.Where(l => l.State == w);
        }

        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (after is not null)
        {
            query = query.Where(l => string.Compare(l.StationId, after) > 0);
        }

        var rows = await query.OrderBy(l => l.StationId).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        var ids = rows.Select(r => r.StationId).ToList();
        var counts = await db.LocalListEntries.Where(e => ids.Contains(e.StationId)).GroupBy(e => e.StationId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows, take, total, r => View(r, counts.GetValueOrDefault(r.StationId)), r => r.StationId));
    }
}
