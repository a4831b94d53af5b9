using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>
/// C: authorization. Authorize online (C01), the authorization cache (C10, C11: AuthCacheCtrlr Enabled, LifeTime),
/// the local authorization list before the cache (C13, C14), LocalPreAuthorize, DisablePostAuthorize,
/// LocalAuthorizeOffline and OfflineTxForUnknownIdEnabled (C12, C13, C15); the start button (C02), the payment
/// terminal (C03), PIN codes (C04), groups (C09) and the master pass (C16).
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
    /// stops it (E07, StopAuthorized), and so does another Accepted token of the same group (C09.FR.03, C09.FR.07);
    /// a token of the AuthCtrlr.MasterPassGroupId group stops every running transaction and starts none (C16); any
    /// other is authorized and, when accepted, authorizes the EVSE.
    /// </summary>
    public async Task<AuthorizationStatusEnumType> PresentTokenAsync(int evseId, string idToken, IdTokenEnumType type = IdTokenEnumType.ISO14443)
    {
        var token = new IdTokenType { IdToken = idToken, Type = type };
        var shown = type == IdTokenEnumType.KeyCode ? "PIN" : idToken;
        IdTokenType? started = null;
        IdTokenType? startedGroup = null;
        var stopped = false;
        await _transactions.WithEvseAsync(evseId, evse =>
        {
            if (evse.AuthorizedToken is { } current && evse.Transaction is not null)
            {
                if (Same(current, token))
                {
                    evse.AuthorizedToken = null;
                    _transactions.Evaluate(evse, TriggerReasonEnumType.StopAuthorized, ReasonEnumType.Local);
                    stopped = true;
                }
                else
                {
                    started = current;
                    startedGroup = evse.AuthorizedGroup ?? GroupOf(current);
                }
            }
        }).ConfigureAwait(false);
        if (stopped)
        {
            return AuthorizationStatusEnumType.Accepted;
        }

        var decision = await DecideAsync(token).ConfigureAwait(false);

        // H03, C09: a reserved EVSE takes only the reservation's idToken or a token of its group.
        if (decision.Status == AuthorizationStatusEnumType.Accepted && !IsMasterPass(decision.Group)
            && Reservation is { } reservation && !await reservation.MayUseAsync(evseId, token, decision.Group).ConfigureAwait(false))
        {
            decision = decision with { Status = AuthorizationStatusEnumType.NotAtThisTime };
        }

        _context.Report($"idToken {shown} at EVSE {evseId}: {decision.Status}");
        if (decision.Status == AuthorizationStatusEnumType.Accepted && IsMasterPass(decision.Group))
        {
            // C16.FR.02, C16.FR.03: this station has no UI to choose from, so a master pass stops all ongoing
            // transactions as E07 does, with stoppedReason MasterPass; it never authorizes an EVSE.
            var count = await StopAllForMasterPassAsync().ConfigureAwait(false);
            _context.Report($"master pass {idToken}: {count} transaction(s) stopped");
            _context.Hardware.Display.Show(evseId, count == 0 ? "Master pass: no transaction to stop" : "Master pass: transactions stopped");
            return decision.Status;
        }

        if (started is not null)
        {
            // C09.FR.03, C09.FR.07: an Accepted token of the transaction's group stops it (known locally with
            // LocalPreAuthorize, or from the CSMS's answer); C09.FR.11: one that is not Accepted does not. Any other
            // token leaves the transaction of another driver alone.
            if (decision.Status == AuthorizationStatusEnumType.Accepted && startedGroup is not null && decision.Group is not null && Same(startedGroup, decision.Group))
            {
                await _transactions.WithEvseAsync(evseId, evse =>
                {
                    if (evse.Transaction is not null && evse.AuthorizedToken is { } current && Same(current, started))
                    {
                        evse.AuthorizedToken = null;
                        evse.StopToken = token;
                        _transactions.Evaluate(evse, TriggerReasonEnumType.StopAuthorized, ReasonEnumType.Local);
                        evse.StopToken = null;
                    }
                }).ConfigureAwait(false);
                _context.Report($"idToken {shown} of group {decision.Group.IdToken} stopped the transaction on EVSE {evseId}");
                return decision.Status;
            }

            _context.Hardware.Display.Show(evseId, "Not the token of this transaction");
            return decision.Status == AuthorizationStatusEnumType.Accepted ? AuthorizationStatusEnumType.Invalid : decision.Status;
        }

        _context.Hardware.Display.Show(evseId, decision.Status == AuthorizationStatusEnumType.Accepted ? "Authorized" : "Not authorized: " + decision.Status);
        Tariffs?.OnPresented(evseId, token, decision.Status); // I01, I04
        if (decision.Status == AuthorizationStatusEnumType.Accepted)
        {
            await _transactions.WithEvseAsync(evseId, evse =>
            {
                Grant(evse, token, null, TriggerReasonEnumType.Authorized, decision.Group);
            }).ConfigureAwait(false);
        }

        return decision.Status;
    }

    /// <summary>
    /// C02: simulator input: the driver presses the start button of an EVSE. The EVSE is authorized with an idToken of
    /// type NoAuthorization (no Authorize is sent: there is nobody to authorize); pressed again while its transaction
    /// runs, it stops it (E07).
    /// </summary>
    public Task<AuthorizationStatusEnumType> PressStartButtonAsync(int evseId) =>
        PresentTokenAsync(evseId, string.Empty, IdTokenEnumType.NoAuthorization);

    /// <summary>C04: simulator input: the driver enters a PIN code at an EVSE; it is authorized as an idToken of type KeyCode.</summary>
    public Task<AuthorizationStatusEnumType> EnterPinAsync(int evseId, string pin)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pin);
        return PresentTokenAsync(evseId, pin, IdTokenEnumType.KeyCode);
    }

    /// <summary>
    /// C03: simulator input: the payment terminal of an EVSE accepted a payment with this reference. The terminal is
    /// the authority here, so no Authorize is sent (C03.FR.01); the EVSE is authorized with the reference as an idToken
    /// of type Central, which goes to the CSMS in the TransactionEvent.
    /// </summary>
    public async Task PaymentAcceptedAsync(int evseId, string reference)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        var token = new IdTokenType { IdToken = reference, Type = IdTokenEnumType.Central };
        await _transactions.WithEvseAsync(evseId, evse =>
        {
            if (evse.Transaction is not null && evse.AuthorizedToken is not null)
            {
                throw new InvalidOperationException($"EVSE {evseId} has a transaction running.");
            }

            Grant(evse, token, null, TriggerReasonEnumType.Authorized);
        }).ConfigureAwait(false);
        _context.Report($"payment {reference} accepted at EVSE {evseId}");
        _context.Hardware.Display.Show(evseId, "Payment accepted");
    }

    /// <summary>
    /// Authorizes a token: from what the station holds (the local list first, then the cache) when allowed, with
    /// Authorize when online, by the offline rules otherwise.
    /// </summary>
    public async Task<AuthorizationStatusEnumType> AuthorizeAsync(IdTokenType token) =>
        (await DecideAsync(token).ConfigureAwait(false)).Status;

    /// <summary>H: the reservations, which gate a token presented at a reserved EVSE (set by the Reservation block).</summary>
    internal Reservation? Reservation { get; set; }

    /// <summary>C09: the status of a token and its groupIdToken (null when none is known), as AuthorizeAsync decides them.</summary>
    internal async Task<(AuthorizationStatusEnumType Status, IdTokenType? Group)> AuthorizeWithGroupAsync(IdTokenType token)
    {
        var decision = await DecideAsync(token).ConfigureAwait(false);
        return (decision.Status, decision.Group);
    }

    /// <summary>The status of a token and its groupIdToken, as AuthorizeAsync decides it.</summary>
    private async Task<Decision> DecideAsync(IdTokenType token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var model = _context.Model;
        if (token.Type == IdTokenEnumType.NoAuthorization)
        {
            // C02: a start button authorizes nobody in particular; nothing to ask the CSMS.
            return new(AuthorizationStatusEnumType.Accepted, null);
        }

        if (!model.Flag("AuthCtrlr", "Enabled", true))
        {
            // C: with authorization disabled every idToken is accepted without asking the CSMS.
            return new(AuthorizationStatusEnumType.Accepted, null);
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
                    return new(local.Status, local.Group);
                }

                if (model.Flag(local.Listed ? "LocalAuthListCtrlr" : "AuthCacheCtrlr", "DisablePostAuthorize", false))
                {
                    return new(local.Status, local.Group);
                }
            }

            try
            {
                var response = await _context.CallAsync(new AuthorizeRequest { IdToken = token }, _context.Stopping).ConfigureAwait(false);
                _cache.Remember(token, response.IdTokenInfo);
                Tariffs?.OnAuthorized(token, response.IdTokenInfo); // I01
                return new(response.IdTokenInfo.Status, response.IdTokenInfo.GroupIdToken);
            }
            catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or InvalidOperationException)
            {
                _context.Report("Authorize failed: " + ex.Message);
            }
        }

        // C12, C13.FR.01-03: offline, LocalAuthorizeOffline lets the station decide on a token it knows; one it knows
        // as not Accepted stays refused, even with OfflineTxForUnknownIdEnabled (C13.FR.04 as amended by the errata).
        // C15: an unknown one is accepted only with OfflineTxForUnknownIdEnabled.
        var (status, group) = DecideOffline(token);
        return new(status, group);
    }

    /// <summary>I: where the tariff text of an Authorize answer goes; set by the station.</summary>
    internal TariffCost? Tariffs { get; set; }

    /// <summary>C11: ClearCache.</summary>
    internal ValueTask<ClearCacheResponse> ClearCache(ClearCacheRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var status = _cache.Clear() ? ClearCacheStatusEnumType.Accepted : ClearCacheStatusEnumType.Rejected;
        return ValueTask.FromResult(new ClearCacheResponse { Status = status });
    }

    /// <summary>What the station holds about a token: the local list wins over the cache (C13, C14), with its group (C09).</summary>
    private (AuthorizationStatusEnumType Status, bool Listed, IdTokenType? Group)? Known(IdTokenType token) =>
        _list.Lookup(token) is { } listed ? (listed, true, _list.GroupOf(token))
        : _cache.Cached(token) is { } cached ? (cached, false, _cache.GroupOf(token))
        : null;

    /// <summary>C07: an Authorize answer about a token authorized otherwise than by <see cref="AuthorizeAsync"/> (an eMAID), into the cache (C10) and to the tariffs (I01).</summary>
    internal void Remember(IdTokenType token, IdTokenInfoType info)
    {
        _cache.Remember(token, info);
        Tariffs?.OnAuthorized(token, info);
    }

    /// <summary>C07.FR.09: offline, the status of a token by the offline rules (LocalAuthorizeOffline, OfflineTxForUnknownIdEnabled) without asking the CSMS.</summary>
    internal (AuthorizationStatusEnumType Status, IdTokenType? Group) DecideOffline(IdTokenType token)
    {
        var model = _context.Model;
        if (model.Flag("AuthCtrlr", "LocalAuthorizeOffline", true) && Known(token) is { } offline)
        {
            return (offline.Status, offline.Group);
        }

        return (model.Flag("AuthCtrlr", "OfflineTxForUnknownIdEnabled", false) ? AuthorizationStatusEnumType.Accepted : AuthorizationStatusEnumType.Unknown, null);
    }

    /// <summary>C09: the groupIdToken the local list, or else the cache, holds for a token.</summary>
    private IdTokenType? GroupOf(IdTokenType token) => _list.GroupOf(token) ?? _cache.GroupOf(token);

    /// <summary>C16: whether a group is the AuthCtrlr.MasterPassGroupId (never when that is empty).</summary>
    private bool IsMasterPass(IdTokenType? group) =>
        group is not null && _context.Model.Value("AuthCtrlr", "MasterPassGroupId") is { Length: > 0 } master
        && string.Equals(group.IdToken, master, StringComparison.OrdinalIgnoreCase);

    /// <summary>C16.FR.02: ends every running transaction, triggerReason StopAuthorized, stoppedReason MasterPass.</summary>
    private async Task<int> StopAllForMasterPassAsync()
    {
        var count = 0;
        foreach (var id in _context.Evses.Keys.Order().ToList())
        {
            await _transactions.WithEvseAsync(id, evse =>
            {
                if (evse.Transaction is not null)
                {
                    _transactions.End(evse, TriggerReasonEnumType.StopAuthorized, ReasonEnumType.MasterPass);
                    count++;
                }
            }).ConfigureAwait(false);
        }

        return count;
    }

    /// <summary>idTokens are the same when their idToken (case-insensitively) and their type are.</summary>
    private static bool Same(IdTokenType a, IdTokenType b) =>
        a.Type == b.Type && string.Equals(a.IdToken, b.IdToken, StringComparison.OrdinalIgnoreCase);

    private readonly record struct Decision(AuthorizationStatusEnumType Status, IdTokenType? Group);

    /// <summary>Authorizes an EVSE with a token and its group (C09, stored with the EVSE before it is evaluated). Call under the gate.</summary>
    internal void Grant(Evse evse, IdTokenType token, int? remoteStartId, TriggerReasonEnumType trigger, IdTokenType? group = null)
    {
        evse.AuthorizedToken = token;
        evse.AuthorizedGroup = group;
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
