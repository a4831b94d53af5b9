using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block N, customer information, on the CSMS side: CustomerInformation to report (N09) and/or clear (N10) what a
/// station holds about a customer, named by idToken, customer certificate or customer identifier; the
/// NotifyCustomerInformation parts (requestId, seqNo, tbc, data) are stored with their request
/// (<see cref="CustomerInformationRecord"/>) and assembled in seqNo order.
/// </summary>
/// <remarks>
/// A clear by idToken also erases what the CSMS itself holds about that token, whatever the station answered (the
/// operator's request to forget a customer is the CSMS's to honour too): the token's entries in the id-token store go
/// (and with them its cache entries and the local lists that held it, which are updated on their stations), its
/// transactions, their stored events and its reservations keep everything but the token, security events lose a
/// techInfo that names it, and messages stored as received whose payload names the token are removed. The counts are kept on the request.
/// </remarks>
public sealed class CustomerInformation(
    CsmsWriter writer, CsmsDatabase database, IStationCallRouter router, StationMessageStore messages, LocalListDriver localLists, TimeProvider time,
    ILogger<CustomerInformation> logger, IReportRelay? relay = null)
{
    private readonly ConcurrentDictionary<(string StationId, int RequestId), TaskCompletionSource> _pending = new();
    private int _lastRequestId = (Environment.TickCount & 0x3FFFFFFF) ^ 0x3C3C3;

    /// <summary>Whom a request is about and what the station is to do: report, clear, or both.</summary>
    public sealed record Query(bool Report, bool Clear, IdTokenType? IdToken, CertificateHashDataType? CustomerCertificate, string? CustomerIdentifier);

    /// <summary>What the CSMS erased of its own data about an idToken, per kind.</summary>
    public sealed record ErasedCounts(int IdTokens, int Transactions, int TransactionEvents, int Reservations, int LocalListMemberships, int SecurityEvents, int StationMessages);

    /// <summary>A stored request with its parts' data assembled in seqNo order.</summary>
    public sealed record Stored(CustomerInformationRecord Record, string Data, IReadOnlyList<CustomerInformationPartRecord> Parts);

    /// <summary>A request id for a CustomerInformation, unique in this process.</summary>
    public int NextRequestId() => Interlocked.Increment(ref _lastRequestId) & 0x7FFFFFFF;

    // N09 Get Customer Information, N10 Clear Customer Information: the request is stored, sent, and its answer kept; a
    // clear by idToken erases the CSMS's own data about the token; an Accepted report is waited for until its last part.
    /// <summary>
    /// Sends a CustomerInformation to the station and returns the stored request. When the station accepted a report,
    /// waits (until <paramref name="cancellationToken"/>, then answers with what arrived) for its last part.
    /// </summary>
    public async Task<CustomerInformationRecord> RequestAsync(string stationId, Query query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var requestId = NextRequestId();
        var record = new CustomerInformationRecord
        {
            StationId = stationId,
            RequestId = requestId,
            Report = query.Report,
            Clear = query.Clear,
            IdToken = query.IdToken?.IdToken,
            IdTokenType = query.IdToken?.Type.ToWire(),
            CustomerIdentifier = query.CustomerIdentifier,
            CustomerCertificate = query.CustomerCertificate is { } c ? JsonSerializer.Serialize(c, OcppJsonContext.Default.CertificateHashDataType) : null,
            RequestedAt = time.GetUtcNow(),
        };
        var key = (stationId, requestId);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[key] = done;
        try
        {
            if (!await router.IsConnectedAsync(stationId, cancellationToken).ConfigureAwait(false))
            {
                throw new StationNotConnectedException(stationId);
            }

            await writer.ExecuteForStationAsync(stationId, db => { db.CustomerInformation.Add(record); return Task.CompletedTask; }, cancellationToken).ConfigureAwait(false);
            var response = await router.CallAsync(
                stationId,
                new CustomerInformationRequest
                {
                    RequestId = requestId,
                    Report = query.Report,
                    Clear = query.Clear,
                    IdToken = query.IdToken,
                    CustomerCertificate = query.CustomerCertificate,
                    CustomerIdentifier = query.CustomerIdentifier,
                },
                cancellationToken).ConfigureAwait(false);
            var status = response.Status.ToWire();
            var reason = response.StatusInfo is { } info ? info.AdditionalInfo is { } more ? $"{info.ReasonCode}: {more}" : info.ReasonCode : null;
            ErasedCounts? erased = null;
            if (query.Clear && query.IdToken is { } token)
            {
                erased = await EraseAsync(token.IdToken, CancellationToken.None).ConfigureAwait(false);
            }

            var now = time.GetUtcNow();
            record = await writer.ExecuteForStationAsync(stationId, async db =>
            {
                var stored = await db.CustomerInformation.FirstAsync(r => r.Id == record.Id).ConfigureAwait(false);
                stored.Status = status;
                stored.StatusReason = reason;
                if (erased is { } e)
                {
                    stored.ErasedAt = now;
                    stored.ErasedIdTokens = e.IdTokens;
                    stored.ErasedTransactions = e.Transactions;
                    stored.ErasedTransactionEvents = e.TransactionEvents;
                    stored.ErasedReservations = e.Reservations;
                    stored.ErasedLocalListMemberships = e.LocalListMemberships;
                    stored.ErasedSecurityEvents = e.SecurityEvents;
                    stored.ErasedStationMessages = e.StationMessages;
                }

                return stored;
            }, CancellationToken.None).ConfigureAwait(false);
            if (response.Status != CustomerInformationStatusEnumType.Accepted)
            {
                logger.LogInformation("{StationId} answered {Status} to customer information request {RequestId}", stationId, status, requestId);
                return record;
            }

            if (!query.Report)
            {
                return record; // N10: a report of what was cleared may follow; it is stored when it comes
            }

            try
            {
                await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                logger.LogInformation("{StationId} accepted customer information request {RequestId} and has not sent its last part yet", stationId, requestId);
            }

            return await FindAsync(stationId, requestId, CancellationToken.None).ConfigureAwait(false) is { } found ? found.Record : record;
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<(string, int), TaskCompletionSource>(key, done));
        }
    }

    // N09, N10: each NotifyCustomerInformation part is stored with the request of its requestId (a request of its own
    // when the CSMS sent none); the last part (tbc false) completes it.
    public async ValueTask<NotifyCustomerInformationResponse> NotifyCustomerInformationAsync(NotifyCustomerInformationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var stationId = context.StationId;
        var now = time.GetUtcNow();
        var last = request.Tbc != true;
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var record = await db.CustomerInformation.Where(r => r.StationId == stationId && r.RequestId == request.RequestId)
                .OrderByDescending(r => r.Id).FirstOrDefaultAsync().ConfigureAwait(false);
            if (record is null)
            {
                logger.LogDebug("{StationId} sent customer information for request {RequestId}, which the CSMS did not send: stored on its own", stationId, request.RequestId);
                record = new CustomerInformationRecord { StationId = stationId, RequestId = request.RequestId, RequestedAt = now };
                db.CustomerInformation.Add(record);
            }

            record.PartsReceived++;
            if (last)
            {
                record.Complete = true;
                record.CompletedAt = now;
            }

            db.CustomerInformationParts.Add(new CustomerInformationPartRecord
            {
                Request = record,
                SeqNo = request.SeqNo,
                Tbc = request.Tbc == true,
                Data = request.Data,
                GeneratedAt = request.GeneratedAt.ToUniversalTime(),
                ReceivedAt = now,
            });
        }, cancellationToken).ConfigureAwait(false);
        if (last && _pending.TryGetValue((stationId, request.RequestId), out var done))
        {
            done.TrySetResult();
        }
        else if (last)
        {
            // Another node may wait for it (its API asked): it reads the stored parts. Only what it needs goes.
            relay?.Relay(OcppActions.NotifyCustomerInformation.Name, stationId, JsonSerializer.Serialize(
                new NotifyCustomerInformationRequest { RequestId = request.RequestId, SeqNo = request.SeqNo, GeneratedAt = request.GeneratedAt, Data = "" },
                OcppJsonContext.Default.NotifyCustomerInformationRequest));
        }

        return new NotifyCustomerInformationResponse();
    }

    /// <summary>Another node stored the last part of a report (see <see cref="IReportRelay"/>): a wait for it on this node ends.</summary>
    public void Relayed(string stationId, int requestId)
    {
        if (_pending.TryGetValue((stationId, requestId), out var done))
        {
            done.TrySetResult();
        }
    }

    /// <summary>The latest request of <paramref name="requestId"/> at the station, with its parts' data assembled in seqNo order; null when there is none.</summary>
    public async Task<Stored?> FindAsync(string stationId, int requestId, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            var record = await db.CustomerInformation.AsNoTracking().Where(r => r.StationId == stationId && r.RequestId == requestId)
                .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return null;
            }

            var parts = await db.CustomerInformationParts.AsNoTracking().Where(p => p.CustomerInformationId == record.Id)
                .OrderBy(p => p.SeqNo).ThenBy(p => p.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            return new Stored(record, Assemble(parts), parts);
        }
    }

    /// <summary>The data of the parts in seqNo order; a part repeated (same seqNo) counts once.</summary>
    public static string Assemble(IEnumerable<CustomerInformationPartRecord> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var data = new StringBuilder();
        foreach (var part in parts.GroupBy(p => p.SeqNo).OrderBy(g => g.Key))
        {
            data.Append(part.First().Data);
        }

        return data.ToString();
    }

    /// <summary>
    /// N10 on the CSMS's own data: removes the token's id-token store entries (any type; their cache entries go with the
    /// save), takes it out of local-list memberships, removes it from transactions, their events and reservations (which
    /// keep everything else), and removes the messages stored as received whose payload names it. Local lists that held it
    /// are then updated on their stations.
    /// </summary>
    public async Task<ErasedCounts> EraseAsync(string idToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(idToken);
        var quoted = JsonSerializer.Serialize(idToken, OcppJsonContext.Default.String);
        var counts = await writer.ExecuteAsync(async db =>
        {
            var tokens = await db.IdTokens.Where(t => t.IdToken == idToken).ToListAsync().ConfigureAwait(false);
            db.IdTokens.RemoveRange(tokens);

            var memberships = 0;
            foreach (var list in await db.LocalLists.Where(l => l.IdTokens.Contains(quoted)).ToListAsync().ConfigureAwait(false))
            {
                var singles = JsonSerializer.Deserialize(list.IdTokens, LocalListJson.Default.ListLocalListToken) ?? [];
                if (singles.RemoveAll(t => t.IdToken == idToken) > 0)
                {
                    list.IdTokens = JsonSerializer.Serialize(singles, LocalListJson.Default.ListLocalListToken);
                    memberships++;
                }
            }

            var transactions = await db.Transactions.Where(t => t.IdToken == idToken).ToListAsync().ConfigureAwait(false);
            foreach (var transaction in transactions)
            {
                transaction.IdToken = null;
                transaction.IdTokenType = null;
            }

            var events = await db.TransactionEvents.Where(e => e.IdToken == idToken).ToListAsync().ConfigureAwait(false);
            foreach (var e in events)
            {
                e.IdToken = null;
                e.IdTokenType = null;
            }

            var reservations = await db.Reservations.Where(r => r.IdToken == idToken).ToListAsync().ConfigureAwait(false);
            foreach (var reservation in reservations)
            {
                reservation.IdToken = "";
            }

            var securityEvents = await db.SecurityEvents.Where(e => e.TechInfo != null && e.TechInfo.Contains(idToken)).ToListAsync().ConfigureAwait(false);
            foreach (var e in securityEvents)
            {
                e.TechInfo = null;
            }

            var stationMessages = await db.StationMessages.Where(m => m.Payload.Contains(quoted)).ToListAsync().ConfigureAwait(false);
            db.StationMessages.RemoveRange(stationMessages);
            return new ErasedCounts(tokens.Count, transactions.Count, events.Count, reservations.Count, memberships, securityEvents.Count, stationMessages.Count);
        }, cancellationToken).ConfigureAwait(false);
        if (counts.IdTokens > 0 || counts.LocalListMemberships > 0)
        {
            await localLists.TokensChangedAsync(cancellationToken).ConfigureAwait(false); // D01: the lists that held it
        }

        logger.LogInformation(
            "Erased the CSMS's data about a customer's idToken: {IdTokens} store entries, {Transactions} transactions, {Events} transaction events, {Reservations} reservations, {Memberships} local-list memberships, {SecurityEvents} security events, {Messages} stored messages",
            counts.IdTokens, counts.Transactions, counts.TransactionEvents, counts.Reservations, counts.LocalListMemberships, counts.SecurityEvents, counts.StationMessages);
        return counts;
    }
}
