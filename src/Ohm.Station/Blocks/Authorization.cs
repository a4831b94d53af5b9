using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>
/// C: authorization. Authorize online (C01), the authorization cache (C10, C11: AuthCacheCtrlr Enabled, LifeTime),
/// the local authorization list before the cache (C13, C14), LocalPreAuthorize, DisablePostAuthorize,
/// LocalAuthorizeOffline and OfflineTxForUnknownIdEnabled (C12, C13, C15).
/// </summary>
public sealed class Authorization
{
    private readonly IStationContext _context;
    private readonly AuthorizationCache _cache;
    private readonly LocalAuthList _list;
    private readonly Transactions _transactions;

    internal Authorization(IStationContext context, AuthorizationCache cache, LocalAuthList list, Transactions transactions)
    {
        _context = context;
        _cache = cache;
        _list = list;
        _transactions = transactions;
    }

    /// <summary>
    /// Simulator input: the driver presents an idToken at an EVSE. The token that authorized the running transaction
    /// stops it (E07, StopAuthorized); any other is authorized and, when accepted, authorizes the EVSE.
    /// </summary>
    public async Task<AuthorizationStatusEnumType> PresentTokenAsync(int evseId, string idToken, IdTokenEnumType type = IdTokenEnumType.ISO14443)
    {
        var token = new IdTokenType { IdToken = idToken, Type = type };
        var stopped = false;
        await _transactions.WithEvseAsync(evseId, evse =>
        {
            if (evse.AuthorizedToken?.IdToken == idToken && evse.Transaction is not null)
            {
                evse.AuthorizedToken = null;
                _transactions.Evaluate(evse, TriggerReasonEnumType.StopAuthorized, ReasonEnumType.Local);
                stopped = true;
            }
        }).ConfigureAwait(false);
        if (stopped)
        {
            return AuthorizationStatusEnumType.Accepted;
        }

        var (status, group) = await AuthorizeWithGroupAsync(token).ConfigureAwait(false);

        // H03, C09: a reserved EVSE takes only the reservation's idToken or a token of its group.
        if (status == AuthorizationStatusEnumType.Accepted && Reservation is { } reservation && !await reservation.MayUseAsync(evseId, token, group).ConfigureAwait(false))
        {
            status = AuthorizationStatusEnumType.NotAtThisTime;
        }

        _context.Report($"idToken {idToken} at EVSE {evseId}: {status}");
        _context.Hardware.Display.Show(evseId, status == AuthorizationStatusEnumType.Accepted ? "Authorized" : "Not authorized: " + status);
        if (status == AuthorizationStatusEnumType.Accepted)
        {
            await _transactions.WithEvseAsync(evseId, evse => Grant(evse, token, null, TriggerReasonEnumType.Authorized)).ConfigureAwait(false);
        }

        return status;
    }

    /// <summary>
    /// Authorizes a token: from what the station holds (the local list first, then the cache) when allowed, with
    /// Authorize when online, by the offline rules otherwise.
    /// </summary>
    public async Task<AuthorizationStatusEnumType> AuthorizeAsync(IdTokenType token) => (await AuthorizeWithGroupAsync(token).ConfigureAwait(false)).Status;

    /// <summary>H: the reservations, which gate a token presented at a reserved EVSE (set by the Reservation block).</summary>
    internal Reservation? Reservation { get; set; }

    /// <summary>
    /// <see cref="AuthorizeAsync"/>, with the token's groupIdToken when the CSMS's Authorize answer told it (C09); null
    /// when the station decided alone.
    /// </summary>
    internal async Task<(AuthorizationStatusEnumType Status, IdTokenType? Group)> AuthorizeWithGroupAsync(IdTokenType token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var model = _context.Model;
        if (!model.Flag("AuthCtrlr", "Enabled", true))
        {
            // C: with authorization disabled every idToken is accepted without asking the CSMS.
            return (AuthorizationStatusEnumType.Accepted, null);
        }

        var known = Known(token);
        if (_context.IsOnline)
        {
            // C10, C14.FR.02: LocalPreAuthorize starts an Accepted token at once; one known otherwise is asked about
            // again (post-authorize, C14.FR.03) unless DisablePostAuthorize is set where it was found.
            if (model.Flag("AuthCtrlr", "LocalPreAuthorize", false) && known is { } local)
            {
                if (local.Status == AuthorizationStatusEnumType.Accepted)
                {
                    return (AuthorizationStatusEnumType.Accepted, null);
                }

                if (model.Flag(local.Listed ? "LocalAuthListCtrlr" : "AuthCacheCtrlr", "DisablePostAuthorize", false))
                {
                    return (local.Status, null);
                }
            }

            try
            {
                var response = await _context.CallAsync(new AuthorizeRequest { IdToken = token }, _context.Stopping).ConfigureAwait(false);
                _cache.Remember(token, response.IdTokenInfo);
                return (response.IdTokenInfo.Status, response.IdTokenInfo.GroupIdToken);
            }
            catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or InvalidOperationException)
            {
                _context.Report("Authorize failed: " + ex.Message);
            }
        }

        // C12, C13.FR.01-03: offline, LocalAuthorizeOffline lets the station decide on a token it knows; one it knows
        // as not Accepted stays refused, even with OfflineTxForUnknownIdEnabled (C13.FR.04 as amended by the errata).
        // C15: an unknown one is accepted only with OfflineTxForUnknownIdEnabled.
        if (model.Flag("AuthCtrlr", "LocalAuthorizeOffline", true) && known is { } offline)
        {
            return (offline.Status, null);
        }

        return (model.Flag("AuthCtrlr", "OfflineTxForUnknownIdEnabled", false)
            ? AuthorizationStatusEnumType.Accepted
            : AuthorizationStatusEnumType.Unknown, null);
    }

    /// <summary>C11: ClearCache.</summary>
    internal ValueTask<ClearCacheResponse> ClearCache(ClearCacheRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var status = _cache.Clear() ? ClearCacheStatusEnumType.Accepted : ClearCacheStatusEnumType.Rejected;
        return ValueTask.FromResult(new ClearCacheResponse { Status = status });
    }

    /// <summary>What the station holds about a token: the local list wins over the cache (C13, C14).</summary>
    private (AuthorizationStatusEnumType Status, bool Listed)? Known(IdTokenType token) =>
        _list.Lookup(token) is { } listed ? (listed, true)
        : _cache.Cached(token) is { } cached ? (cached, false)
        : null;

    /// <summary>Authorizes an EVSE with a token. Call under the gate.</summary>
    internal void Grant(Evse evse, IdTokenType token, int? remoteStartId, TriggerReasonEnumType trigger)
    {
        evse.AuthorizedToken = token;
        evse.AuthorizedAt = _context.Now;
        evse.Deauthorized = false;
        if (remoteStartId is not null)
        {
            evse.RemoteStartId = remoteStartId;
            if (evse.Transaction is { RemoteStartId: null } tx)
            {
                tx.RemoteStartId = remoteStartId;
            }
        }

        _transactions.Evaluate(evse, trigger);
    }
}
