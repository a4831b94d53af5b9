using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block D, Local authorization list management, on the CSMS side: per station, the list the CSMS wants it to hold (the
/// tokens of its groups and its single tokens, from the id-token store) is brought to the station with SendLocalList,
/// as the difference from what the station holds, or in full when its version is unknown or does not match.
/// </summary>
/// <remarks>
/// <see cref="SyncAsync"/> does one station's update and keeps its outcome in the database (the list's state); when it
/// runs is <see cref="LocalListDriver"/>'s business.
/// </remarks>
public sealed class LocalAuthList(CsmsWriter writer, CsmsDatabase database, IStationCallRouter router, TimeProvider time, ILogger<LocalAuthList> logger)
{
    /// <summary>The component whose ItemsPerMessage and BytesPerMessage (ItemsPerMessageSendLocalList, BytesPerMessageSendLocalList) limit a SendLocalList.</summary>
    public const string LimitsComponent = "LocalAuthListCtrlr";

    // What a SendLocalList takes besides its list: ,"versionNumber":2147483647,"updateType":"Differential"
    private const int OtherBytes = 56;

    /// <summary>The membership of a station's list: token groups (groupIdToken) and single tokens.</summary>
    public sealed record Membership(IReadOnlyList<string> Groups, IReadOnlyList<IdTokenType> IdTokens);

    /// <summary>Sets which tokens a station's list holds and marks it Pending; false when the station is not registered.</summary>
    public async Task<bool> SetMembershipAsync(string stationId, Membership membership, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(membership);
        var groups = JsonSerializer.Serialize(membership.Groups.Distinct(StringComparer.Ordinal).ToList(), LocalListJson.Default.ListString);
        var tokens = JsonSerializer.Serialize(
            membership.IdTokens.Select(t => new LocalListToken(t.IdToken, t.Type.ToWire())).Distinct().ToList(), LocalListJson.Default.ListLocalListToken);
        var now = time.GetUtcNow();
        return await writer.ExecuteForStationAsync(stationId, async db =>
        {
            if (await db.Stations.FindAsync(stationId).ConfigureAwait(false) is null)
            {
                return false;
            }

            var list = await db.LocalLists.FindAsync(stationId).ConfigureAwait(false);
            if (list is null)
            {
                list = new LocalListRecord { StationId = stationId, State = LocalListState.Pending, StateAt = now };
                db.LocalLists.Add(list);
            }

            list.Groups = groups;
            list.IdTokens = tokens;
            await MarkPendingAsync(db, db.LocalLists.Where(l => l.StationId == stationId), now).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks for an update of a station's list, a Full one when <paramref name="full"/> (also of one that answered
    /// NotSupported or Failed); false when it has no list.
    /// </summary>
    public Task<bool> RequestSyncAsync(string stationId, bool full, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return writer.ExecuteForStationAsync(stationId, async db =>
        {
            // Asked for by the operator: Pending even when it answered NotSupported or Failed before.
            await db.SaveChangesAsync().ConfigureAwait(false);
            var marked = await db.LocalLists.Where(l => l.StationId == stationId).ExecuteUpdateAsync(s => s
                .SetProperty(l => l.FullRequested, l => l.FullRequested || full)
                .SetProperty(l => l.Generation, l => l.Generation + 1)
                .SetProperty(l => l.State, LocalListState.Pending)
                .SetProperty(l => l.Reason, (string?)null)
                .SetProperty(l => l.StateAt, now)).ConfigureAwait(false);
            await ReloadTrackedListsAsync(db).ConfigureAwait(false);
            return marked > 0;
        }, cancellationToken);
    }

    /// <summary>
    /// The token store changed: every list that may be affected (all but those of stations without a local list) is
    /// marked Pending, and their stations are returned. An update whose difference is empty sends nothing.
    /// </summary>
    public Task<List<string>> TokensChangedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return writer.ExecuteAsync(async db =>
        {
            var affected = db.LocalLists.Where(l => l.State != LocalListState.NotSupported);
            var stations = await affected.Select(l => l.StationId).ToListAsync().ConfigureAwait(false);
            await MarkPendingAsync(db, affected, now).ConfigureAwait(false);
            return stations;
        }, cancellationToken);
    }

    /// <summary>The entries the CSMS wants a station's list to hold, from the token store (by idToken and type).</summary>
    public static async Task<List<AuthorizationData>> WantedAsync(CsmsDbContext db, LocalListRecord list, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(list);
        var groups = JsonSerializer.Deserialize(list.Groups, LocalListJson.Default.ListString) ?? [];
        var singles = (JsonSerializer.Deserialize(list.IdTokens, LocalListJson.Default.ListLocalListToken) ?? [])
            .Select(t => (t.IdToken, IdTokenEnumTypeSchema.FromWire(t.Type))).ToHashSet();
        var ids = singles.Select(t => t.IdToken).Distinct().ToList();
        var records = await db.IdTokens.AsNoTracking()
            .Where(t => (t.GroupIdToken != null && groups.Contains(t.GroupIdToken)) || ids.Contains(t.IdToken))
            .OrderBy(t => t.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return records
            .Where(t => (t.GroupIdToken is { } g && groups.Contains(g)) || singles.Contains((t.IdToken, t.Type)))
            .Select(Entry).ToList();
    }

    /// <summary>A store token as a list entry: its status, cache expiry, group, language and personal message.</summary>
    public static AuthorizationData Entry(IdTokenRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new AuthorizationData
        {
            IdToken = new IdTokenType { IdToken = record.IdToken, Type = record.Type },
            IdTokenInfo = new IdTokenInfoType
            {
                Status = record.Status,
                CacheExpiryDateTime = record.ExpiresAt,
                Language1 = record.Language,
                GroupIdToken = record.GroupIdToken is null ? null : new IdTokenType { IdToken = record.GroupIdToken, Type = record.GroupIdTokenType ?? IdTokenEnumType.Central },
                PersonalMessage = record.PersonalMessage is null ? null : new MessageContentType { Format = MessageFormatEnumType.UTF8, Content = record.PersonalMessage, Language = record.Language },
            },
        };
    }

    /// <summary>
    /// The differential update from what the station holds to what is wanted: the entries added or changed with their
    /// idTokenInfo, and the entries to remove as an idToken without idTokenInfo.
    /// </summary>
    public static List<AuthorizationData> Difference(IReadOnlyList<LocalListEntryRecord> held, IReadOnlyList<AuthorizationData> wanted)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(wanted);
        var holds = held.ToDictionary(e => (e.IdToken, e.Type), e => e.Info);
        var changes = new List<AuthorizationData>();
        var wantedKeys = new HashSet<(string, string)>();
        foreach (var entry in wanted)
        {
            var key = (entry.IdToken.IdToken, entry.IdToken.Type.ToWire());
            wantedKeys.Add(key);
            if (!holds.TryGetValue(key, out var info) || info != InfoJson(entry))
            {
                changes.Add(entry);
            }
        }

        changes.AddRange(held.Where(e => !wantedKeys.Contains((e.IdToken, e.Type)))
            .Select(e => new AuthorizationData { IdToken = new IdTokenType { IdToken = e.IdToken, Type = IdTokenEnumTypeSchema.FromWire(e.Type) } }));
        return changes;
    }

    /// <summary>
    /// D01 Send Local Authorization List, D02 Get Local List Version: brings a connected station's list to what the CSMS
    /// wants and stores the outcome (InSync, Failed, NotSupported; Pending stays when the station went away).
    /// <paramref name="verify"/> asks the station's version first even when the CSMS knows one (after a reconnect).
    /// </summary>
    public async Task SyncAsync(string stationId, bool verify, CancellationToken cancellationToken)
    {
        // One retry: a VersionMismatch answer to a Differential update is followed by a Full one.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (!await SyncOnceAsync(stationId, verify, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            verify = false;
        }
    }

    /// <summary>One update; true when it must be done again in full (VersionMismatch).</summary>
    private async Task<bool> SyncOnceAsync(string stationId, bool verify, CancellationToken cancellationToken)
    {
        LocalListRecord? list;
        List<LocalListEntryRecord> held;
        List<AuthorizationData> wanted;
        (int? Items, int? Bytes) limits;
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            list = await db.LocalLists.AsNoTracking().FirstOrDefaultAsync(l => l.StationId == stationId, cancellationToken).ConfigureAwait(false);
            if (list is null || list.State is LocalListState.InSync or LocalListState.NotSupported || !await router.IsConnectedAsync(stationId, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            held = await db.LocalListEntries.AsNoTracking().Where(e => e.StationId == stationId).OrderBy(e => e.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            wanted = await WantedAsync(db, list, cancellationToken).ConfigureAwait(false);
            limits = await DeviceModelStore.MessageLimitsAsync(db, stationId, LimitsComponent, "", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var version = list.Version;
            if (version is null || verify)
            {
                // D02 Get Local List Version: 0 is an empty list (or none).
                var reported = (await router.CallAsync(stationId, new GetLocalListVersionRequest(), cancellationToken).ConfigureAwait(false)).VersionNumber;
                if (reported != list.Version)
                {
                    logger.LogInformation("{StationId} holds local list version {Reported}; the CSMS knew {Known}: a Full update follows", stationId, reported, list.Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
                    await StoreAsync(stationId, l => { l.Version = reported; l.LastSentVersion = Math.Max(l.LastSentVersion, reported); l.FullRequested = true; }, replaceEntries: null).ConfigureAwait(false);
                    list.Version = reported;
                    list.LastSentVersion = Math.Max(list.LastSentVersion, reported);
                    list.FullRequested = true;
                }
            }

            var full = list.FullRequested;
            var changes = full ? wanted : Difference(held, wanted);
            if (!full && changes.Count == 0)
            {
                await StoreAsync(stationId, static _ => { }, replaceEntries: null, inSyncUnless: list.Generation).ConfigureAwait(false);
                return false;
            }

            if (limits is { Items: null, Bytes: null } && changes.Count > 1)
            {
                limits = await ReadLimitsAsync(stationId, cancellationToken).ConfigureAwait(false);
            }

            // D01: a list larger than the station takes in one message (ItemsPerMessageSendLocalList,
            // BytesPerMessageSendLocalList) goes in parts: a Full update with the first part, Differential updates with the
            // rest, each with a higher versionNumber (a Differential update's version is that of the list after it).
            List<List<AuthorizationData>> parts = changes.Count == 0
                ? [[]]
                : MessageSplitter.Split(changes, OcppJsonContext.Default.AuthorizationData, limits.Items, limits.Bytes, "SendLocalList", "localAuthorizationList", OtherBytes).ToList();
            var next = Math.Max(list.LastSentVersion, list.Version ?? 0);
            for (var i = 0; i < parts.Count; i++)
            {
                var part = parts[i];
                var type = full && i == 0 ? UpdateEnumType.Full : UpdateEnumType.Differential;
                var partVersion = ++next;
                await StoreAsync(stationId, l => l.LastSentVersion = Math.Max(l.LastSentVersion, partVersion), replaceEntries: null).ConfigureAwait(false);
                var response = await router.CallAsync(
                    stationId,
                    new SendLocalListRequest { VersionNumber = partVersion, UpdateType = type, LocalAuthorizationList = part.Count == 0 ? null : part },
                    cancellationToken).ConfigureAwait(false);
                switch (response.Status)
                {
                    case SendLocalListStatusEnumType.Accepted:
                        var last = i == parts.Count - 1;
                        await StoreAsync(
                            stationId,
                            l =>
                            {
                                l.Version = partVersion;
                                if (type == UpdateEnumType.Full)
                                {
                                    l.FullRequested = false;
                                }
                            },
                            replaceEntries: (type, part),
                            inSyncUnless: last ? list.Generation : null).ConfigureAwait(false);
                        break;
                    case SendLocalListStatusEnumType.VersionMismatch:
                        logger.LogInformation("{StationId} answered VersionMismatch to local list version {Version}: a Full update follows", stationId, partVersion);
                        await StoreAsync(stationId, l => { l.Version = null; l.FullRequested = true; }, replaceEntries: null).ConfigureAwait(false);
                        return type == UpdateEnumType.Differential;
                    case SendLocalListStatusEnumType.Failed:
                        await StoreAsync(stationId, l => { l.Version = null; SetState(l, LocalListState.Failed, Describe("Failed", response.StatusInfo)); }, replaceEntries: null).ConfigureAwait(false);
                        return false;
                    default:
                        await StoreAsync(stationId, l => SetState(l, LocalListState.NotSupported, Describe(response.Status.ToWire(), response.StatusInfo)), replaceEntries: null).ConfigureAwait(false);
                        return false;
                }
            }

            return false;
        }
        catch (StationNotConnectedException)
        {
            // Still Pending: sent when the station is back. What it holds is not known now.
            await StoreAsync(stationId, l => l.Version = null, replaceEntries: null).ConfigureAwait(false);
            return false;
        }
        catch (OcppCallTimeoutException)
        {
            logger.LogWarning("{StationId} did not answer a local list message in time", stationId);
            await StoreAsync(stationId, l => { l.Version = null; SetState(l, LocalListState.Failed, "No answer in time"); }, replaceEntries: null).ConfigureAwait(false);
            return false;
        }
        catch (OcppCallErrorException ex)
        {
            var reason = ex.Code == OcppErrorCode.NotImplemented || ex.Code == OcppErrorCode.NotSupported
                ? LocalListState.NotSupported
                : LocalListState.Failed;
            logger.LogWarning("{StationId} refused a local list message: {Code} {Description}", stationId, ex.Code, ex.Description);
            await StoreAsync(stationId, l => { l.Version = null; SetState(l, reason, $"{ex.Code}: {ex.Description}"); }, replaceEntries: null).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>
    /// B06 Get Variables of LocalAuthListCtrlr ItemsPerMessage and BytesPerMessage, when the stored device model has
    /// neither (no NotifyReport told them); what the station reports is stored, so that it is asked once. A station that
    /// does not tell them is asked again at its next update of more than one entry.
    /// </summary>
    private async Task<(int? Items, int? Bytes)> ReadLimitsAsync(string stationId, CancellationToken cancellationToken)
    {
        GetVariablesResponse response;
        try
        {
            response = await router.CallAsync(
                stationId,
                new GetVariablesRequest
                {
                    GetVariableData =
                    [
                        new GetVariableDataType { Component = new ComponentType { Name = LimitsComponent }, Variable = new VariableType { Name = "ItemsPerMessage" } },
                        new GetVariableDataType { Component = new ComponentType { Name = LimitsComponent }, Variable = new VariableType { Name = "BytesPerMessage" } },
                    ],
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OcppCallErrorException ex)
        {
            logger.LogInformation("{StationId} did not tell its SendLocalList message limits: {Code} {Description}", stationId, ex.Code, ex.Description);
            return (null, null);
        }

        var found = response.GetVariableResult
            .Where(r => r.AttributeStatus == GetVariableStatusEnumType.Accepted && r.AttributeValue is not null)
            .Select(r => new ReportDataType
            {
                Component = r.Component,
                Variable = r.Variable,
                VariableAttribute = [new VariableAttributeType { Type = r.AttributeType ?? AttributeEnumType.Actual, Value = r.AttributeValue }],
            })
            .ToList();
        if (found.Count == 0)
        {
            return (null, null);
        }

        await writer.ExecuteForStationAsync(stationId, db => DeviceModelStore.UpsertAsync(db, stationId, found, time.GetUtcNow()), found.Count, CancellationToken.None).ConfigureAwait(false);
        var read = database.CreateContext();
        await using (read.ConfigureAwait(false))
        {
            return await DeviceModelStore.MessageLimitsAsync(read, stationId, LimitsComponent, "", cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Describe(string status, StatusInfoType? info) =>
        info is null ? status : info.AdditionalInfo is { } more ? $"{status}: {info.ReasonCode} ({more})" : $"{status}: {info.ReasonCode}";

    private static string InfoJson(AuthorizationData entry) =>
        entry.IdTokenInfo is null ? "" : JsonSerializer.Serialize(entry.IdTokenInfo, OcppJsonContext.Default.IdTokenInfoType);

    /// <summary>
    /// Marks lists Pending (but one that answered NotSupported) and raises their generation, in one statement on the rows
    /// as stored: not from a row read earlier, whose stale state would let another node's InSync stand, or whose stale
    /// generation would be raised to a value another node's run already read. The batch's earlier changes are saved first.
    /// </summary>
    private static async Task MarkPendingAsync(CsmsDbContext db, IQueryable<LocalListRecord> lists, DateTimeOffset now)
    {
        await db.SaveChangesAsync().ConfigureAwait(false);
        await lists.ExecuteUpdateAsync(s => s
            .SetProperty(l => l.Generation, l => l.Generation + 1)
            .SetProperty(l => l.State, l => l.State == LocalListState.NotSupported ? LocalListState.NotSupported : LocalListState.Pending)
            .SetProperty(l => l.Reason, l => l.State == LocalListState.NotSupported ? l.Reason : null)
            .SetProperty(l => l.StateAt, now)).ConfigureAwait(false);
        await ReloadTrackedListsAsync(db).ConfigureAwait(false);
    }

    /// <summary>The lists this batch tracks, read again after a statement changed them, so that later work sees the stored row.</summary>
    private static async Task ReloadTrackedListsAsync(CsmsDbContext db)
    {
        foreach (var entry in db.ChangeTracker.Entries<LocalListRecord>().ToList())
        {
            await entry.ReloadAsync().ConfigureAwait(false);
        }
    }

    private void SetState(LocalListRecord list, LocalListState state, string? reason)
    {
        list.State = state;
        list.Reason = reason is { Length: > 512 } ? reason[..512] : reason;
        list.StateAt = time.GetUtcNow();
    }

    /// <summary>
    /// Changes the station's list row and, for an accepted update, the entries it holds; with <paramref name="inSyncUnless"/>,
    /// marks the list InSync unless what is wanted changed since that generation was read (see <see cref="InSyncUnlessChangedAsync"/>).
    /// </summary>
    private Task StoreAsync(string stationId, Action<LocalListRecord> change, (UpdateEnumType Type, List<AuthorizationData> Part)? replaceEntries, int? inSyncUnless = null) =>
        writer.ExecuteForStationAsync(stationId, async db =>
        {
            var list = await db.LocalLists.FindAsync(stationId).ConfigureAwait(false);
            if (list is null)
            {
                return;
            }

            change(list);
            if (replaceEntries is { } update)
            {
                await ReplaceEntriesAsync(db, stationId, update).ConfigureAwait(false);
            }

            if (inSyncUnless is { } generation)
            {
                await InSyncUnlessChangedAsync(db, list, generation).ConfigureAwait(false);
            }
        }, Math.Max(1, replaceEntries?.Part.Count ?? 1), CancellationToken.None);

    /// <summary>
    /// InSync, in one conditional statement: a token change stored meanwhile (on any node of a cluster: it raises the
    /// generation and marks the list Pending) keeps the list Pending, so that the change is sent, not lost between this
    /// node's read of the row and its write.
    /// </summary>
    private async Task InSyncUnlessChangedAsync(CsmsDbContext db, LocalListRecord list, int generation)
    {
        // The batch's earlier changes first (this transaction), so that the row read back after the statement is the stored one.
        await db.SaveChangesAsync().ConfigureAwait(false);
        var now = time.GetUtcNow();
        await db.LocalLists.Where(l => l.StationId == list.StationId && l.Generation == generation)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.State, LocalListState.InSync).SetProperty(l => l.Reason, (string?)null).SetProperty(l => l.StateAt, now))
            .ConfigureAwait(false);
        await ReloadTrackedListsAsync(db).ConfigureAwait(false);
    }

    private static async Task ReplaceEntriesAsync(CsmsDbContext db, string stationId, (UpdateEnumType Type, List<AuthorizationData> Part) update)
    {
        var entries = await db.LocalListEntries.Where(e => e.StationId == stationId).ToListAsync().ConfigureAwait(false);
        var byKey = entries.ToDictionary(e => (e.IdToken, e.Type));
        if (update.Type == UpdateEnumType.Full)
        {
            // A Full update replaces the list: what it does not hold goes.
            var kept = update.Part.Select(e => (e.IdToken.IdToken, e.IdToken.Type.ToWire())).ToHashSet();
            db.LocalListEntries.RemoveRange(entries.Where(e => !kept.Contains((e.IdToken, e.Type))));
        }

        foreach (var entry in update.Part)
        {
            var key = (entry.IdToken.IdToken, entry.IdToken.Type.ToWire());
            byKey.TryGetValue(key, out var existing);
            if (entry.IdTokenInfo is null)
            {
                if (existing is not null)
                {
                    db.LocalListEntries.Remove(existing);
                }
            }
            else if (existing is not null)
            {
                existing.Info = InfoJson(entry);
            }
            else
            {
                db.LocalListEntries.Add(new LocalListEntryRecord { StationId = stationId, IdToken = key.IdToken, Type = key.Item2, Info = InfoJson(entry) });
            }
        }
    }
}

/// <summary>A single token of a list's membership, as stored.</summary>
public sealed record LocalListToken(string IdToken, string Type);

/// <summary>The JSON of a list's stored membership.</summary>
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<LocalListToken>))]
public sealed partial class LocalListJson : JsonSerializerContext;
