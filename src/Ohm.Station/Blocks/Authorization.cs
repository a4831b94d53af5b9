using System.Globalization;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Station.Blocks;

/// <summary>
/// C: authorization. Authorize online (C01), the authorization cache (C10, C11: AuthCacheCtrlr Enabled, LifeTime),
/// LocalPreAuthorize, LocalAuthorizeOffline and OfflineTxForUnknownIdEnabled (C12, C13, C15).
/// </summary>
public sealed class Authorization
{
    private readonly ChargingStation _station;

    internal Authorization(ChargingStation station) => _station = station;

    /// <summary>
    /// Simulator input: the driver presents an idToken at an EVSE. The token that authorized the running transaction
    /// stops it (E07, StopAuthorized); any other is authorized and, when accepted, authorizes the EVSE.
    /// </summary>
    public async Task<AuthorizationStatusEnumType> PresentTokenAsync(int evseId, string idToken, IdTokenEnumType type = IdTokenEnumType.ISO14443)
    {
        var token = new IdTokenType { IdToken = idToken, Type = type };
        var stopped = false;
        await _station.Transactions.WithEvseAsync(evseId, evse =>
        {
            if (evse.AuthorizedToken?.IdToken == idToken && evse.Transaction is not null)
            {
                evse.AuthorizedToken = null;
                _station.Transactions.Evaluate(evse, TriggerReasonEnumType.StopAuthorized, ReasonEnumType.Local);
                stopped = true;
            }
        }).ConfigureAwait(false);
        if (stopped)
        {
            return AuthorizationStatusEnumType.Accepted;
        }

        var status = await AuthorizeAsync(token).ConfigureAwait(false);
        _station.Report($"idToken {idToken} at EVSE {evseId}: {status}");
        _station.Hardware.Display.Show(evseId, status == AuthorizationStatusEnumType.Accepted ? "Authorized" : "Not authorized: " + status);
        if (status == AuthorizationStatusEnumType.Accepted)
        {
            await _station.Transactions.WithEvseAsync(evseId, evse => Grant(evse, token, null, TriggerReasonEnumType.Authorized)).ConfigureAwait(false);
        }

        return status;
    }

    /// <summary>Authorizes a token: from the cache when allowed, with Authorize when online, by the offline rules otherwise.</summary>
    public async Task<AuthorizationStatusEnumType> AuthorizeAsync(IdTokenType token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var model = _station.Model;
        if (!model.Flag("AuthCtrlr", "Enabled", true))
        {
            // C: with authorization disabled every idToken is accepted without asking the CSMS.
            return AuthorizationStatusEnumType.Accepted;
        }

        var cached = Cached(token);
        if (_station.IsOnline)
        {
            if (model.Flag("AuthCtrlr", "LocalPreAuthorize", false) && cached == AuthorizationStatusEnumType.Accepted)
            {
                return AuthorizationStatusEnumType.Accepted;
            }

            try
            {
                var response = await _station.CallAsync(new AuthorizeRequest { IdToken = token }, _station.Stopping).ConfigureAwait(false);
                Remember(token, response.IdTokenInfo);
                return response.IdTokenInfo.Status;
            }
            catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or InvalidOperationException)
            {
                _station.Report("Authorize failed: " + ex.Message);
            }
        }

        if (model.Flag("AuthCtrlr", "LocalAuthorizeOffline", true) && cached == AuthorizationStatusEnumType.Accepted)
        {
            return AuthorizationStatusEnumType.Accepted;
        }

        return model.Flag("AuthCtrlr", "OfflineTxForUnknownIdEnabled", false)
            ? AuthorizationStatusEnumType.Accepted
            : cached is null or AuthorizationStatusEnumType.Accepted ? AuthorizationStatusEnumType.Unknown : cached.Value;
    }

    /// <summary>C10: stores an idTokenInfo in the cache when the cache is enabled.</summary>
    internal void Remember(IdTokenType token, IdTokenInfoType info)
    {
        if (!_station.Model.Flag("AuthCacheCtrlr", "Enabled", true))
        {
            return;
        }

        var lifetime = _station.Model.Number("AuthCacheCtrlr", "LifeTime", 86400);
        var now = _station.Now;
        var expiry = info.CacheExpiryDateTime ?? now.AddSeconds(lifetime);
        _station.Store.SetRecord(Key(token), JsonSerializer.Serialize(new CacheEntry(info.Status, expiry, now, now)));
        Evict(now);
    }

    /// <summary>C10.FR: keeps at most AuthCacheCtrlr.Storage entries: expired ones go first, then per Policy (LRU, LFU is read as LRU, FIFO).</summary>
    private void Evict(DateTimeOffset now)
    {
        var capacity = _station.Model.Number("AuthCacheCtrlr", "Storage", int.MaxValue);
        var entries = _station.Store.GetRecords("auth:");
        if (entries.Count <= capacity)
        {
            return;
        }

        var fifo = _station.Model.Value("AuthCacheCtrlr", "Policy") == "FIFO";
        var order = entries
            .Select(e => (e.Key, Entry: JsonSerializer.Deserialize<CacheEntry>(e.Value)))
            .OrderBy(e => e.Entry is null || e.Entry.Expiry < now ? 0 : 1)
            .ThenBy(e => fifo ? e.Entry?.Added : e.Entry?.LastUsed)
            .ToList();
        foreach (var (key, _) in order.Take(entries.Count - capacity))
        {
            _station.Store.DeleteRecord(key);
        }
    }

    /// <summary>C11: ClearCache.</summary>
    internal ValueTask<ClearCacheResponse> ClearCache(ClearCacheRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        if (!_station.Model.Flag("AuthCacheCtrlr", "Enabled", true))
        {
            return ValueTask.FromResult(new ClearCacheResponse { Status = ClearCacheStatusEnumType.Rejected });
        }

        _station.Store.DeleteRecords("auth:");
        return ValueTask.FromResult(new ClearCacheResponse { Status = ClearCacheStatusEnumType.Accepted });
    }

    /// <summary>Authorizes an EVSE with a token. Call under the gate.</summary>
    internal void Grant(Evse evse, IdTokenType token, int? remoteStartId, TriggerReasonEnumType trigger)
    {
        evse.AuthorizedToken = token;
        evse.AuthorizedAt = _station.Now;
        evse.Deauthorized = false;
        if (remoteStartId is not null)
        {
            evse.RemoteStartId = remoteStartId;
            if (evse.Transaction is { RemoteStartId: null } tx)
            {
                tx.RemoteStartId = remoteStartId;
            }
        }

        _station.Transactions.Evaluate(evse, trigger);
    }

    private AuthorizationStatusEnumType? Cached(IdTokenType token)
    {
        if (!_station.Model.Flag("AuthCacheCtrlr", "Enabled", true) || _station.Store.GetRecord(Key(token)) is not { } json)
        {
            return null;
        }

        var entry = JsonSerializer.Deserialize<CacheEntry>(json);
        var now = _station.Now;
        if (entry is null || entry.Expiry < now)
        {
            return null;
        }

        _station.Store.SetRecord(Key(token), JsonSerializer.Serialize(entry with { LastUsed = now }));
        return entry.Status;
    }

    private static string Key(IdTokenType token) => string.Create(CultureInfo.InvariantCulture, $"auth:{token.Type}:{token.IdToken}");

    private sealed record CacheEntry(AuthorizationStatusEnumType Status, DateTimeOffset Expiry, DateTimeOffset Added, DateTimeOffset LastUsed);
}
