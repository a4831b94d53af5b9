using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block C, Authorization, on the CSMS side: tokens answered from the id-token store, of every type (ISO14443, KeyCode
/// for PINs C04, Local C06, ...), each with its groupIdToken (C09); NoAuthorization (C02) is always Accepted; a Central
/// token the CSMS does not hold is Accepted in a transaction (C03 payment terminal reference, C05); master passes (C16);
/// the driver's tariff text as personalMessage (I01) and prepaid balances (NoCredit).
/// </summary>
public sealed class Authorization(CsmsDatabase database, TimeProvider time, CsmsOptions? options = null, TariffCost? tariffs = null, Certificates.ContractCertificateCheck? contracts = null)
{
    // C01 EV Driver Authorization using RFID, C02 (start button), C04 (PIN), C05 (central), C06 (local start).
    public async ValueTask<AuthorizeResponse> AuthorizeAsync(AuthorizeRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CsmsDbContext? db = null;
        try
        {
            var info = await ResolveAsync(() => db ??= database.CreateContext(), request.IdToken, evseId: null, currentTransaction: null, context?.StationId).ConfigureAwait(false);
            if (contracts is null || (request.Iso15118CertificateHashData is not { Count: > 0 } && request.Certificate is not { Length: > 0 }))
            {
                return new AuthorizeResponse { IdTokenInfo = info };
            }

            // C07, C08: the contract certificate's status; a contract that is not valid does not authorize (C07.FR.06).
            var certificateStatus = await contracts.CheckAsync(request, cancellationToken).ConfigureAwait(false);
            if (certificateStatus != AuthorizeCertificateStatusEnumType.Accepted && info.Status == AuthorizationStatusEnumType.Accepted)
            {
                info.Status = AuthorizationStatusEnumType.Invalid;
            }

            return new AuthorizeResponse { IdTokenInfo = info, CertificateStatus = certificateStatus };
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

        // C09: ConcurrentTx is per idToken, as C01 defines it (the token is in another transaction), not per group: the
        // members of a group are different drivers, each with a card of their own. A master pass holds no transaction.
        if (!record.AllowConcurrentTx && !IsMasterPass(info.GroupIdToken))
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

    /// <summary>
    /// The IdTokenInfo for the idToken of a TransactionEvent: as <see cref="ResolveAsync"/> gives it, except that a
    /// Central token the store does not hold is Accepted (C03: the payment terminal's reference, C05: a token the CSMS
    /// generated; a station never sends Authorize for those, C03.FR.01), and that a token of the master pass group may
    /// not start or authorize a transaction (C16.FR.03): it is answered Invalid then, and Accepted when it stops one.
    /// </summary>
    public async Task<IdTokenInfoType> ResolveForEventAsync(Func<CsmsDbContext> db, TransactionEventRequest request, int? evseId, long transaction, string? stationId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.IdToken ?? throw new ArgumentException("The event carries no idToken.", nameof(request));
        var info = await ResolveAsync(db, token, evseId, transaction, stationId).ConfigureAwait(false);
        if (info.Status == AuthorizationStatusEnumType.Unknown && token.Type == IdTokenEnumType.Central)
        {
            return new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted };
        }

        var starts = request.EventType == TransactionEventEnumType.Started || request.TriggerReason == TriggerReasonEnumType.Authorized;
        if (IsMasterPass(info.GroupIdToken) && starts)
        {
            info.Status = AuthorizationStatusEnumType.Invalid;
        }

        return info;
    }

    /// <summary>C16: whether a group is the configured master pass group (Csms:MasterPassGroupId).</summary>
    public bool IsMasterPass(IdTokenType? group) =>
        group is not null && options?.MasterPassGroupId is { Length: > 0 } master
        && string.Equals(group.IdToken, master, StringComparison.OrdinalIgnoreCase);

    private static List<int>? ParseEvses(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? null
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(e => int.Parse(e, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
