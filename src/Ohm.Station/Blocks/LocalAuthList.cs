using System.Globalization;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;
using Ohm.Station.DeviceModel;

namespace Ohm.Station.Blocks;

/// <summary>
/// D: the local authorization list, kept in the store with its version, so it survives a restart. SendLocalList (D01)
/// replaces it (Full) or changes it (Differential), all or nothing; GetLocalListVersion (D02) tells its version.
/// LocalAuthListCtrlr: Enabled, Entries (the current count; its maxLimit is the capacity), ItemsPerMessage,
/// SupportsExpiryDateTime. Authorization reads it before the cache (C13 offline, C14 with LocalPreAuthorize).
/// </summary>
public sealed class LocalAuthList
{
    private const string Component = "LocalAuthListCtrlr";
    private const string Prefix = "locallist:";
    private const string VersionKey = "locallist-version";

    private readonly IStationContext _context;
    private readonly Lock _lock = new();

    internal LocalAuthList(IStationContext context) => _context = context;

    /// <summary>Whether the list is enabled (LocalAuthListCtrlr.Enabled; false when the station has no such component).</summary>
    public bool Enabled => _context.Model.Flag(Component, "Enabled", false);

    /// <summary>D02: the version of the list; 0 when there is no list or the list is disabled.</summary>
    public int Version => Enabled ? StoredVersion : 0;

    /// <summary>How many entries the list can hold: the maxLimit of LocalAuthListCtrlr.Entries.</summary>
    public int Capacity =>
        _context.Model.Find(new ComponentKey(Component), "Entries")?.MaxLimit is { } max ? (int)Math.Min(max, int.MaxValue) : int.MaxValue;

    private int StoredVersion =>
        int.TryParse(_context.Store.GetRecord(VersionKey), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : 0;

    /// <summary>The entries of the list as stored, by idToken (whether or not the list is enabled).</summary>
    public IReadOnlyList<LocalListEntry> Entries() =>
        _context.Store.GetRecords(Prefix).Values
            .Select(json => JsonSerializer.Deserialize<StoredEntry>(json))
            .OfType<StoredEntry>()
            .Select(e => new LocalListEntry(new IdTokenType { IdToken = e.IdToken, Type = e.Type }, e.Status, e.Expiry))
            .OrderBy(e => e.IdToken.IdToken, StringComparer.Ordinal)
            .ThenBy(e => e.IdToken.Type)
            .ToList();

    /// <summary>
    /// The status the list gives a token, or null when the list is disabled or does not hold the token. With
    /// LocalAuthListCtrlr.SupportsExpiryDateTime, an entry whose cacheExpiryDateTime has passed counts as absent.
    /// </summary>
    internal AuthorizationStatusEnumType? Lookup(IdTokenType token)
    {
        if (!Enabled || _context.Store.GetRecord(Key(token.Type, token.IdToken)) is not { } json
            || JsonSerializer.Deserialize<StoredEntry>(json) is not { } entry)
        {
            return null;
        }

        return entry.Expiry is { } expiry && expiry < _context.Now && _context.Model.Flag(Component, "SupportsExpiryDateTime", false)
            ? null
            : entry.Status;
    }

    /// <summary>C09: the groupIdToken the list holds for a token, or null (the list disabled, no entry, or no group).</summary>
    internal IdTokenType? GroupOf(IdTokenType token) =>
        Enabled && _context.Store.GetRecord(Key(token.Type, token.IdToken)) is { } json
        && JsonSerializer.Deserialize<StoredEntry>(json) is { GroupIdToken: { } group } entry
            ? new IdTokenType { IdToken = group, Type = entry.GroupType ?? IdTokenEnumType.Central }
            : null;

    /// <summary>N09: the list's entry for a token (whether or not the list is enabled), or null.</summary>
    internal LocalListEntry? EntryOf(IdTokenType token) =>
        _context.Store.GetRecord(Key(token.Type, token.IdToken)) is { } json && JsonSerializer.Deserialize<StoredEntry>(json) is { } e
            ? new LocalListEntry(new IdTokenType { IdToken = e.IdToken, Type = e.Type }, e.Status, e.Expiry)
            : null;

    /// <summary>
    /// N10: removes a token's entry from the list (its version stays: the CSMS, which clears the customer too, sends the
    /// list again); false when the list did not hold it.
    /// </summary>
    internal bool Remove(IdTokenType token)
    {
        lock (_lock)
        {
            var key = Key(token.Type, token.IdToken);
            if (_context.Store.GetRecord(key) is null)
            {
                return false;
            }

            _context.Store.DeleteRecord(key);
            Refresh();
            return true;
        }
    }

    /// <summary>D01.FR.12: sets LocalAuthListCtrlr.Entries to the number of entries held; at start and after each update.</summary>
    internal void Refresh() =>
        _context.Model.SetInternal(new ComponentKey(Component), "Entries", _context.Store.GetRecords(Prefix).Count.ToString(CultureInfo.InvariantCulture));

    // D01
    internal ValueTask<SendLocalListResponse> SendLocalList(SendLocalListRequest request, OcppCallContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Apply(request));

    // D02
    internal ValueTask<GetLocalListVersionResponse> GetLocalListVersion(GetLocalListVersionRequest request, OcppCallContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new GetLocalListVersionResponse { VersionNumber = Version });

    /// <summary>D01: applies a SendLocalList, all or nothing, and tells how it went.</summary>
    internal SendLocalListResponse Apply(SendLocalListRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var items = request.LocalAuthorizationList ?? [];
        var full = request.UpdateType == UpdateEnumType.Full;
        lock (_lock)
        {
            // D02.FR.03: a disabled list has version 0, so it takes no update either.
            if (!Enabled)
            {
                return Failed("Disabled", "LocalAuthListCtrlr.Enabled is false.");
            }

            // D01.FR.18: version 0 is what GetLocalListVersion answers for no list, so a list never takes it.
            if (request.VersionNumber <= 0)
            {
                return Failed("InvalidValue", "versionNumber must be greater than 0.");
            }

            // D01.FR.19: a Differential must be newer than the list it changes.
            if (!full && request.VersionNumber <= StoredVersion)
            {
                _context.Report($"SendLocalList Differential version {request.VersionNumber} refused: the list is at version {StoredVersion}");
                return new SendLocalListResponse { Status = SendLocalListStatusEnumType.VersionMismatch };
            }

            var itemsPerMessage = _context.Model.Number(Component, "ItemsPerMessage", int.MaxValue);
            if (items.Count > itemsPerMessage)
            {
                return Failed("TooManyItems", $"{items.Count} entries; LocalAuthListCtrlr.ItemsPerMessage is {itemsPerMessage}.");
            }

            var bytesPerMessage = _context.Model.Number(Component, "BytesPerMessage", int.MaxValue);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(request, OcppActions.SendLocalList.RequestTypeInfo).Length;
            if (bytes > bytesPerMessage)
            {
                return Failed("TooManyBytes", $"{bytes} bytes; LocalAuthListCtrlr.BytesPerMessage is {bytesPerMessage}.");
            }

            // D01.FR.06: each idToken once; a Full list gives every entry its idTokenInfo.
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                if (!keys.Add(Key(item.IdToken.Type, item.IdToken.IdToken)))
                {
                    return Failed("DuplicateIdToken", $"idToken {item.IdToken.IdToken} appears twice.");
                }

                if (full && item.IdTokenInfo is null)
                {
                    return Failed("MissingIdTokenInfo", $"idToken {item.IdToken.IdToken} has no idTokenInfo in a Full list.");
                }
            }

            // D01.FR.01, D01.FR.04, D01.FR.15: a Full list replaces the list (no entries: clears it). D01.FR.16, D01.FR.17:
            // Differential entries with idTokenInfo are added or updated, those without it are removed.
            var held = full ? new HashSet<string>(StringComparer.Ordinal) : _context.Store.GetRecords(Prefix).Keys.ToHashSet(StringComparer.Ordinal);
            var changes = new List<KeyValuePair<string, string?>>();
            foreach (var item in items)
            {
                var key = Key(item.IdToken.Type, item.IdToken.IdToken);
                if (item.IdTokenInfo is { } info)
                {
                    held.Add(key);
                    changes.Add(new(key, JsonSerializer.Serialize(new StoredEntry(item.IdToken.IdToken, item.IdToken.Type, info.Status, info.CacheExpiryDateTime, info.GroupIdToken?.IdToken, info.GroupIdToken?.Type))));
                }
                else
                {
                    held.Remove(key);
                    changes.Add(new(key, null));
                }
            }

            // D01.FR.12: never more than the capacity (the maxLimit of Entries).
            if (held.Count > Capacity)
            {
                return Failed("ListFull", $"The list would hold {held.Count} entries; it can hold {Capacity}.");
            }

            changes.Add(new(VersionKey, request.VersionNumber.ToString(CultureInfo.InvariantCulture)));
            _context.Store.WriteRecords(full ? Prefix : null, changes);
            Refresh();
            _context.Report($"Local list {request.UpdateType} version {request.VersionNumber}: {held.Count} entries");
            return new SendLocalListResponse { Status = SendLocalListStatusEnumType.Accepted };
        }
    }

    private SendLocalListResponse Failed(string reasonCode, string additionalInfo)
    {
        _context.Report("SendLocalList failed: " + additionalInfo);
        return new SendLocalListResponse
        {
            Status = SendLocalListStatusEnumType.Failed,
            StatusInfo = new StatusInfoType { ReasonCode = reasonCode, AdditionalInfo = additionalInfo },
        };
    }

    private static string Key(IdTokenEnumType type, string idToken) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{type}:{idToken}");

    private sealed record StoredEntry(string IdToken, IdTokenEnumType Type, AuthorizationStatusEnumType Status, DateTimeOffset? Expiry, string? GroupIdToken = null, IdTokenEnumType? GroupType = null);
}

/// <summary>An entry of the local authorization list: the idToken, its status and, when given, its cacheExpiryDateTime.</summary>
public sealed record LocalListEntry(IdTokenType IdToken, AuthorizationStatusEnumType Status, DateTimeOffset? CacheExpiryDateTime);
