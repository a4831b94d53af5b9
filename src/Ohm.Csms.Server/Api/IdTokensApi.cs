using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
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
        tokens.MapGet("/", ListAsync).WithSummary("All id tokens");
        tokens.MapGet("/{id:long}", GetAsync).WithSummary("One id token");
        tokens.MapPost("/", CreateAsync).WithSummary("Add an id token");
        tokens.MapPut("/{id:long}", UpdateAsync).WithSummary("Change an id token");
        tokens.MapDelete("/{id:long}", DeleteAsync).WithSummary("Remove an id token");
    }

    internal sealed record IdTokenBody(
        string? IdToken, string? Type, string? Status, DateTimeOffset? ExpiresAt, string? GroupIdToken, string? GroupIdTokenType,
        string? Language, string? PersonalMessage, int[]? AllowedEvses, bool? AllowConcurrentTx);

    private static IResult? Check(IdTokenBody body, bool creating)
    {
        if (creating && string.IsNullOrEmpty(body.IdToken))
        {
            return ApiResults.Invalid("idToken", "is required");
        }

        if (body.IdToken is { Length: > 36 })
        {
            return ApiResults.Invalid("idToken", "is at most 36 characters long");
        }

        if ((creating || body.Type is not null) && !IsWire<IdTokenEnumType>(body.Type))
        {
            return ApiResults.Invalid("type", "must be one of " + Wires<IdTokenEnumType>());
        }

        if (body.Status is not null && !IsWire<AuthorizationStatusEnumType>(body.Status))
        {
            return ApiResults.Invalid("status", "must be one of " + Wires<AuthorizationStatusEnumType>());
        }

        if (body.GroupIdTokenType is not null && !IsWire<IdTokenEnumType>(body.GroupIdTokenType))
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

    private static bool IsWire<T>(string? value)
        where T : struct, Enum => value is not null && Enum.GetValues<T>().Any(v => Wire(v) == value);

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
        record.Type = body.Type is null ? record.Type : IdTokenEnumTypeSchema.FromWire(body.Type);
        record.Status = body.Status is null ? record.Status : AuthorizationStatusEnumTypeSchema.FromWire(body.Status);
        record.ExpiresAt = body.ExpiresAt?.ToUniversalTime() ?? record.ExpiresAt;
        record.GroupIdToken = body.GroupIdToken ?? record.GroupIdToken;
        record.GroupIdTokenType = body.GroupIdTokenType is null ? record.GroupIdTokenType : IdTokenEnumTypeSchema.FromWire(body.GroupIdTokenType);
        record.Language = body.Language ?? record.Language;
        record.PersonalMessage = body.PersonalMessage ?? record.PersonalMessage;
        record.AllowedEvses = body.AllowedEvses is null ? record.AllowedEvses : string.Join(',', body.AllowedEvses);
        record.AllowConcurrentTx = body.AllowConcurrentTx ?? record.AllowConcurrentTx;
        record.UpdatedAt = now;
    }

    private static async Task<IResult> ListAsync(CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return Results.Ok(await db.IdTokens.AsNoTracking().OrderBy(t => t.Id).ToListAsync(ct).ConfigureAwait(false));
    }

    private static async Task<IResult> GetAsync(long id, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var token = await db.IdTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct).ConfigureAwait(false);
        return token is null ? ApiResults.NotFound($"No id token {id}.") : Results.Ok(token);
    }

    private static async Task<IResult> CreateAsync(IdTokenBody body, CsmsWriter writer, TimeProvider time, CancellationToken ct)
    {
        if (Check(body, creating: true) is { } invalid)
        {
            return invalid;
        }

        var record = await writer.ExecuteAsync(async db =>
        {
            // Inside the writer's batch: the request's token must not cancel a statement that other writes share.
            var type = IdTokenEnumTypeSchema.FromWire(body.Type!);
            if (await db.IdTokens.AnyAsync(t => t.IdToken == body.IdToken && t.Type == type).ConfigureAwait(false))
            {
                return null;
            }

            var created = new IdTokenRecord { IdToken = body.IdToken!, Type = type, CreatedAt = time.GetUtcNow() };
            Apply(created, body, created.CreatedAt);
            db.IdTokens.Add(created);
            return created;
        }, ct).ConfigureAwait(false);
        return record is null
            ? Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The id token exists", detail: $"{body.Type} token '{body.IdToken}' is in the store already.")
            : Results.Created($"/api/id-tokens/{record.Id}", record);
    }

    private static async Task<IResult> UpdateAsync(long id, IdTokenBody body, CsmsWriter writer, TimeProvider time, CancellationToken ct)
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
        return record is null ? ApiResults.NotFound($"No id token {id}.") : Results.Ok(record);
    }

    private static async Task<IResult> DeleteAsync(long id, CsmsWriter writer, CancellationToken ct)
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
        return removed ? Results.NoContent() : ApiResults.NotFound($"No id token {id}.");
    }
}
