using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Queries;

/// <summary>
/// The id-token store (block C): list, read, add, change and remove, each change validated and followed by the update
/// of the local lists that hold the token (D01). The API and the console both go through it. A change returns once the
/// id-token caches of the cluster's other nodes have forgotten the token (<see cref="IdTokenCache.EvictedEverywhereAsync"/>;
/// at once on one node), so that the next Authorize anywhere reads it anew.
/// </summary>
public sealed class IdTokenStore(CsmsDatabase database, CsmsWriter writer, LocalListDriver localLists, TimeProvider time)
{
    /// <summary>Id tokens in the order they were added, from after the id <paramref name="afterId"/>.</summary>
    public async Task<IdTokenPage> ListAsync(int take, long? afterId, CancellationToken ct)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var query = db.IdTokens.AsNoTracking();
        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (afterId is { } a)
        {
            query = query.Where(t => t.Id > a);
        }

        var rows = await query.OrderBy(t => t.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        return new IdTokenPage(rows.Take(take).Select(View).ToList(), total, rows.Count > take ? rows[take - 1].Id : null);
    }

    /// <summary>A console table's page: the tokens whose idToken or group contains <paramref name="search"/>, in the order they were added.</summary>
    public async Task<IdTokenPage> SearchAsync(string? search, int skip, int take, CancellationToken ct)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var query = db.IdTokens.AsNoTracking();
        if (search is { Length: > 0 } s)
        {
            query = query.Where(t => t.IdToken.Contains(s) || (t.GroupIdToken != null && t.GroupIdToken.Contains(s)));
        }

        var total = await query.CountAsync(ct).ConfigureAwait(false);
        var rows = await query.OrderBy(t => t.Id).Skip(Math.Max(0, skip)).Take(Math.Max(1, take)).ToListAsync(ct).ConfigureAwait(false);
        return new IdTokenPage(rows.Select(View).ToList(), total, null);
    }

    /// <summary>One id token, or null.</summary>
    public async Task<IdTokenView?> GetAsync(long id, CancellationToken ct)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var token = await db.IdTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct).ConfigureAwait(false);
        return token is null ? null : View(token);
    }

    /// <summary>Adds a token: Invalid, Conflict (same idToken and type in the store) or the token as stored.</summary>
    public async Task<IdTokenStoreResult> CreateAsync(IdTokenCreation creation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(creation);
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
        if (record is null)
        {
            return new IdTokenStoreResult(IdTokenStoreError.Conflict, Message: $"{body.Type} token '{body.IdToken}' is in the store already.");
        }

        await database.Tokens.EvictedEverywhereAsync([(record.IdToken, record.Type)]).ConfigureAwait(false);

        await localLists.TokensChangedAsync(ct).ConfigureAwait(false); // D01: the lists that hold it
        return new IdTokenStoreResult(IdTokenStoreError.None, View(record));
    }

    /// <summary>Changes a token (what the body leaves out stays): Invalid, NotFound or the token as stored.</summary>
    public async Task<IdTokenStoreResult> UpdateAsync(long id, IdTokenBody body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Check(body, creating: false) is { } invalid)
        {
            return invalid;
        }

        (string IdToken, IdTokenEnumType Type) before = default;
        var record = await writer.ExecuteAsync(async db =>
        {
            var existing = await db.IdTokens.FindAsync([id]).ConfigureAwait(false);
            if (existing is not null)
            {
                before = (existing.IdToken, existing.Type);
                Apply(existing, body, time.GetUtcNow());
            }

            return existing;
        }, ct).ConfigureAwait(false);
        if (record is null)
        {
            return new IdTokenStoreResult(IdTokenStoreError.NotFound, Message: $"No id token {id}.");
        }

        await database.Tokens.EvictedEverywhereAsync([before, (record.IdToken, record.Type)]).ConfigureAwait(false);

        await localLists.TokensChangedAsync(ct).ConfigureAwait(false); // D01: the lists that hold it
        return new IdTokenStoreResult(IdTokenStoreError.None, View(record));
    }

    /// <summary>Removes a token; false when there is none of that id.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken ct)
    {
        (string IdToken, IdTokenEnumType Type)? removed = null;
        await writer.ExecuteAsync(async db =>
        {
            var existing = await db.IdTokens.FindAsync([id]).ConfigureAwait(false);
            if (existing is not null)
            {
                removed = (existing.IdToken, existing.Type);
                db.IdTokens.Remove(existing);
            }

            return existing is not null;
        }, ct).ConfigureAwait(false);
        if (removed is { } key)
        {
            await database.Tokens.EvictedEverywhereAsync([key]).ConfigureAwait(false);
            await localLists.TokensChangedAsync(ct).ConfigureAwait(false); // D01: the lists that held it
        }

        return removed is not null;
    }

    private static IdTokenView View(IdTokenRecord t) => new(
        t.Id, t.IdToken, t.Type, t.Status, t.ExpiresAt, t.GroupIdToken, t.GroupIdTokenType, t.Language, t.PersonalMessage,
        t.AllowedEvses is { Length: > 0 } evses ? evses.Split(',').Select(e => int.Parse(e, CultureInfo.InvariantCulture)).ToArray() : null,
        t.AllowConcurrentTx, t.CreatedAt, t.UpdatedAt, t.Language2, t.Balance, t.BalanceCurrency);

    private static IdTokenStoreResult Invalid(string field, string message) => new(IdTokenStoreError.Invalid, Field: field, Message: message);

    private static IdTokenStoreResult? Check(IdTokenBody body, bool creating)
    {
        if (creating && string.IsNullOrEmpty(body.IdToken))
        {
            return Invalid("idToken", "is required");
        }

        if (body.IdToken is { Length: > 36 })
        {
            return Invalid("idToken", "is at most 36 characters long");
        }

        // The JSON reads an enum from its name or from a number; a number must name a value.
        if ((creating || body.Type is not null) && !(body.Type is { } type && Enum.IsDefined(type)))
        {
            return Invalid("type", "must be one of " + Wires<IdTokenEnumType>());
        }

        if (body.Status is { } status && !Enum.IsDefined(status))
        {
            return Invalid("status", "must be one of " + Wires<AuthorizationStatusEnumType>());
        }

        if (body.GroupIdTokenType is { } groupType && !Enum.IsDefined(groupType))
        {
            return Invalid("groupIdTokenType", "must be one of " + Wires<IdTokenEnumType>());
        }

        if (body.GroupIdToken is { Length: > 36 })
        {
            return Invalid("groupIdToken", "is at most 36 characters long");
        }

        if (body.Language is { Length: > 8 })
        {
            return Invalid("language", "is at most 8 characters long (RFC 5646)");
        }

        if (body.PersonalMessage is { Length: > 512 })
        {
            return Invalid("personalMessage", "is at most 512 characters long");
        }

        return body.AllowedEvses is { } evses && evses.Any(e => e < 1) ? Invalid("allowedEvses", "EVSE ids start at 1") : null;
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
}
