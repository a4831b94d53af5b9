using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block C, Authorization, on the CSMS side: tokens answered from the id-token store.</summary>
public sealed class Authorization(CsmsDatabase database, TimeProvider time, TariffCost? tariffs = null)
{
    // C01 EV Driver Authorization using RFID, C02 (start button), C04 (PIN), C05 (central), C06 (local start).
    public async ValueTask<AuthorizeResponse> AuthorizeAsync(AuthorizeRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CsmsDbContext? db = null;
        try
        {
            var info = await ResolveAsync(() => db ??= database.CreateContext(), request.IdToken, evseId: null, currentTransaction: null, context?.StationId).ConfigureAwait(false);
            return new AuthorizeResponse { IdTokenInfo = info };
        }
        finally
        {
            if (db is not null)
            {
                await db.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The IdTokenInfo for a token: Unknown when not in the store, its stored status when not Accepted, Expired past its
    /// expiry, NotAtThisLocation for an EVSE it may not use, ConcurrentTx when it has another active transaction and
    /// may not have two; otherwise Accepted with its group, language, message and cache expiry. The token comes from
    /// the id-token cache; <paramref name="db"/> gives the context for what must be read (made only when needed).
    /// </summary>
    public async Task<IdTokenInfoType> ResolveAsync(Func<CsmsDbContext> db, IdTokenType token, int? evseId, long? currentTransaction, string? stationId = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(token);
        if (token.Type == IdTokenEnumType.NoAuthorization)
        {
            return new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted };
        }

        var record = await database.Tokens.FindAsync(token.IdToken, token.Type, () => CompiledQueries.FindIdToken(db(), token.IdToken, token.Type)).ConfigureAwait(false);
        if (record is null)
        {
            return new IdTokenInfoType { Status = AuthorizationStatusEnumType.Unknown };
        }

        var info = new IdTokenInfoType
        {
            Status = record.Status,
            CacheExpiryDateTime = record.ExpiresAt,
            Language1 = record.Language,
            GroupIdToken = record.GroupIdToken is null ? null : new IdTokenType { IdToken = record.GroupIdToken, Type = record.GroupIdTokenType ?? IdTokenEnumType.Central },
            PersonalMessage = record.PersonalMessage is null ? null : new MessageContentType { Format = MessageFormatEnumType.UTF8, Content = record.PersonalMessage, Language = record.Language },
        };
        var allowed = ParseEvses(record.AllowedEvses);
        if (allowed is not null)
        {
            info.EvseId = allowed;
        }

        if (info.Status != AuthorizationStatusEnumType.Accepted)
        {
            return info;
        }

        if (record.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            info.Status = AuthorizationStatusEnumType.Expired;
            return info;
        }

        if (evseId is { } evse && allowed is not null && !allowed.Contains(evse))
        {
            info.Status = AuthorizationStatusEnumType.NotAtThisLocation;
            return info;
        }

        if (!record.AllowConcurrentTx)
        {
            if (await CompiledQueries.HasOtherActiveTransaction(db(), token.IdToken, token.Type.ToWire(), currentTransaction ?? 0).ConfigureAwait(false))
            {
                info.Status = AuthorizationStatusEnumType.ConcurrentTx;
            }
        }

        if (tariffs is not null && info.Status == AuthorizationStatusEnumType.Accepted)
        {
            await TariffCost.DecorateAsync(db(), info, record, stationId, evseId).ConfigureAwait(false); // I01, C17
        }

        return info;
    }

    private static List<int>? ParseEvses(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? null
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(e => int.Parse(e, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
