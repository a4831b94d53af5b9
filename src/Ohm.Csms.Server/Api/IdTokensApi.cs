using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
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

/// <summary>The id-token store (block C): create, read, update, delete.</summary>
internal static class IdTokensApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/id-tokens").WithTags("Id tokens");
        tokens.MapGet("/", ListAsync).WithName("listIdTokens").WithSummary("Id tokens in the order they were added");
        tokens.MapGet("/{id:long}", GetAsync).WithName("getIdToken").WithSummary("One id token").ProducesProblem(StatusCodes.Status404NotFound);
        tokens.MapPost("/", CreateAsync).WithName("createIdToken")
            .WithSummary("Add an id token").WithDescription("409 when a token with the same idToken and type is in the store.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        tokens.MapPut("/{id:long}", UpdateAsync).WithName("updateIdToken")
            .WithSummary("Change an id token; what the body leaves out stays as it is")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        tokens.MapDelete("/{id:long}", DeleteAsync).WithName("deleteIdToken").WithSummary("Remove an id token").ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>An id token in the store. Types and statuses are spelled as in OCPP (ISO14443, eMAID, Accepted, Blocked, ...).</summary>
    internal sealed record IdTokenView(
        long Id, string IdToken, IdTokenEnumType Type, AuthorizationStatusEnumType Status, DateTimeOffset? ExpiresAt, string? GroupIdToken, IdTokenEnumType? GroupIdTokenType,
        string? Language, string? PersonalMessage, int[]? AllowedEvses, bool AllowConcurrentTx, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Language2, decimal? Balance, string? BalanceCurrency);

    /// <summary>A new id token; its status is Accepted unless given, allowedEvses null for any EVSE.</summary>
    internal sealed record IdTokenCreation
    {
        public required string IdToken { get; init; }

        public required IdTokenEnumType Type { get; init; }

        public AuthorizationStatusEnumType? Status { get; init; }

        public DateTimeOffset? ExpiresAt { get; init; }

        public string? GroupIdToken { get; init; }

        public IdTokenEnumType? GroupIdTokenType { get; init; }

        public string? Language { get; init; }

        public string? PersonalMessage { get; init; }

        public int[]? AllowedEvses { get; init; }

        public bool? AllowConcurrentTx { get; init; }

        public string? Language2 { get; init; }

        public decimal? Balance { get; init; }

        public string? BalanceCurrency { get; init; }

        public IdTokenBody ToBody() => new()
        {
            IdToken = IdToken, Type = Type, Status = Status, ExpiresAt = ExpiresAt, GroupIdToken = GroupIdToken, GroupIdTokenType = GroupIdTokenType,
            Language = Language, PersonalMessage = PersonalMessage, AllowedEvses = AllowedEvses, AllowConcurrentTx = AllowConcurrentTx,
            Language2 = Language2, Balance = Balance, BalanceCurrency = BalanceCurrency,
        };
    }

    /// <summary>A change of an id token: what is left out (or null) stays as it is.</summary>
    internal sealed record IdTokenBody
    {
        public string? IdToken { get; init; }

        public IdTokenEnumType? Type { get; init; }

        public AuthorizationStatusEnumType? Status { get; init; }

        public DateTimeOffset? ExpiresAt { get; init; }

        public string? GroupIdToken { get; init; }

        public IdTokenEnumType? GroupIdTokenType { get; init; }

        public string? Language { get; init; }

        public string? PersonalMessage { get; init; }

        public int[]? AllowedEvses { get; init; }

        public bool? AllowConcurrentTx { get; init; }

        /// <summary>The driver's second language (I01).</summary>
        public string? Language2 { get; init; }

        /// <summary>C17: the prepaid balance left.</summary>
        public decimal? Balance { get; init; }

        /// <summary>C17: the balance's ISO 4217 currency.</summary>
        public string? BalanceCurrency { get; init; }
    }

    private static IdTokenView View(IdTokenRecord t) => new(
        t.Id, t.IdToken, t.Type, t.Status, t.ExpiresAt, t.GroupIdToken, t.GroupIdTokenType, t.Language, t.PersonalMessage,
        t.AllowedEvses is { Length: > 0 } evses ? evses.Split(',').Select(e => int.Parse(e, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : null,
        t.AllowConcurrentTx, t.CreatedAt, t.UpdatedAt, t.Language2, t.Balance, t.BalanceCurrency);

    private static ValidationProblem? Check(IdTokenBody body, bool creating)
    {
        if (creating && string.IsNullOrEmpty(body.IdToken))
        {
            return ApiResults.Invalid("idToken", "is required");
        }

        if (body.IdToken is { Length: > 36 })
        {
            return ApiResults.Invalid("idToken", "is at most 36 characters long");
        }

        // The JSON reads an enum from its name or from a number; a number must name a value.
        if ((creating || body.Type is not null) && !(body.Type is { } type && Enum.IsDefined(type)))
        {
            return ApiResults.Invalid("type", "must be one of " + Wires<IdTokenEnumType>());
        }

        if (body.Status is { } status && !Enum.IsDefined(status))
        {
            return ApiResults.Invalid("status", "must be one of " + Wires<AuthorizationStatusEnumType>());
        }

        if (body.GroupIdTokenType is { } groupType && !Enum.IsDefined(groupType))
        {
            return ApiResults.Invalid("groupIdTokenType", "must be one of " + Wires<IdTokenEnumType>());
        }

        if (body.GroupIdToken is { Length: > 36 })
        {
            return ApiResults.Invalid("groupIdToken", "is at most 36 characters long");
        }

        if (body.Language is { Length: > 8 })
        {
            return ApiResults.Invalid("language", "is at most 8 characters long (RFC 5646)");
        }

        if (body.PersonalMessage is { Length: > 512 })
        {
            return ApiResults.Invalid("personalMessage", "is at most 512 characters long");
        }

        return body.AllowedEvses is { } evses && evses.Any(e => e < 1) ? ApiResults.Invalid("allowedEvses", "EVSE ids start at 1") : null;
    }

    private static string Wires<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(v => Wire(v)));

    private static string Wire<T>(T value)
        where T : struct, Enum => value switch
        {
            IdTokenEnumType t => t.ToWire(),
            AuthorizationStatusEnumType s => s.ToWire(),
            _ => value.ToString(),
        };

    private static void Apply(IdTokenRecord record, IdTokenBody body, DateTimeOffset now)
    {
        record.IdToken = body.IdToken ?? record.IdToken;
        record.Type = body.Type ?? record.Type;
        record.Status = body.Status ?? record.Status;
        record.ExpiresAt = body.ExpiresAt?.ToUniversalTime() ?? record.ExpiresAt;
        record.GroupIdToken = body.GroupIdToken ?? record.GroupIdToken;
        record.GroupIdTokenType = body.GroupIdTokenType ?? record.GroupIdTokenType;
        record.Language = body.Language ?? record.Language;
        record.PersonalMessage = body.PersonalMessage ?? record.PersonalMessage;
        record.AllowedEvses = body.AllowedEvses is null ? record.AllowedEvses : string.Join(',', body.AllowedEvses);
        record.AllowConcurrentTx = body.AllowConcurrentTx ?? record.AllowConcurrentTx;
        record.Language2 = body.Language2 ?? record.Language2;
        record.Balance = body.Balance ?? record.Balance;
        record.BalanceCurrency = body.BalanceCurrency ?? record.BalanceCurrency;
        record.UpdatedAt = now;
    }

    private static async Task<Results<Ok<Page<IdTokenView>>, ValidationProblem>> ListAsync(
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CsmsDatabase database, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        await using var db = database.CreateContext();
        var query = db.IdTokens.AsNoTracking();
        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (after is { } a)
        {
            query = query.Where(t => t.Id > a);
        }

        var rows = await query.OrderBy(t => t.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows, take, total, View, t => Paging.Key(t.Id)));
    }

    private static async Task<Results<Ok<IdTokenView>, ProblemHttpResult>> GetAsync(long id, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var token = await db.IdTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct).ConfigureAwait(false);
        return token is null ? ApiResults.NotFound($"No id token {id}.") : TypedResults.Ok(View(token));
    }

    private static async Task<Results<Created<IdTokenView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        IdTokenCreation creation, CsmsWriter writer, LocalListDriver localLists, TimeProvider time, CancellationToken ct)
    {
        var body = creation.ToBody();
        if (Check(body, creating: true) is { } invalid)
        {
            return invalid;
        }

        var record = await writer.ExecuteAsync(async db =>
        {
            // Inside the writer's batch: the request's token must not cancel a statement that other writes share.
            var type = body.Type!.Value;
            if (await db.IdTokens.AnyAsync(t => t.IdToken == body.IdToken && t.Type == type).ConfigureAwait(false))
            {
                return null;
            }

            var created = new IdTokenRecord { IdToken = body.IdToken!, Type = type, CreatedAt = time.GetUtcNow() };
            Apply(created, body, created.CreatedAt);
            db.IdTokens.Add(created);
            return created;
        }, ct).ConfigureAwait(false);
        if (record is not null)
        {
            await localLists.TokensChangedAsync(ct).ConfigureAwait(false); // D01: the lists that hold it
        }

        return record is null
            ? ApiResults.Conflict("The id token exists", $"{body.Type} token '{body.IdToken}' is in the store already.")
            : TypedResults.Created($"/api/id-tokens/{record.Id}", View(record));
    }

    private static async Task<Results<Ok<IdTokenView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(long id, IdTokenBody body, CsmsWriter writer, LocalListDriver localLists, TimeProvider time, CancellationToken ct)
    {
        if (Check(body, creating: false) is { } invalid)
        {
            return invalid;
        }

        var record = await writer.ExecuteAsync(async db =>
        {
            var existing = await db.IdTokens.FindAsync([id]).ConfigureAwait(false);
            if (existing is not null)
            {
                Apply(existing, body, time.GetUtcNow());
            }

            return existing;
        }, ct).ConfigureAwait(false);
        if (record is not null)
        {
            await localLists.TokensChangedAsync(ct).ConfigureAwait(false); // D01: the lists that hold it
        }

        return record is null ? ApiResults.NotFound($"No id token {id}.") : TypedResults.Ok(View(record));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, CsmsWriter writer, LocalListDriver localLists, CancellationToken ct)
    {
        var removed = await writer.ExecuteAsync(async db =>
        {
            var existing = await db.IdTokens.FindAsync([id]).ConfigureAwait(false);
            if (existing is not null)
            {
                db.IdTokens.Remove(existing);
            }

            return existing is not null;
        }, ct).ConfigureAwait(false);
        if (removed)
        {
            await localLists.TokensChangedAsync(ct).ConfigureAwait(false); // D01: the lists that held it
        }

        return removed ? TypedResults.NoContent() : ApiResults.NotFound($"No id token {id}.");
    }
}
