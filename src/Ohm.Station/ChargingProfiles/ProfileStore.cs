using System.Globalization;
using System.Text.Json;
using Ohm.Ocpp.Messages;

namespace Ohm.Station.ChargingProfiles;

/// <summary>
/// The installed charging profiles, in memory and in the station's store (one record each), so that they survive a
/// restart. A profile replaces the one with its id; one that would stand beside another of its purpose and stackLevel is
/// refused (<see cref="Conflicting"/>). Thread-safe; the block writes under the station's gate.
/// </summary>
internal sealed class ProfileStore
{
    private const string Prefix = "chargingprofile:";
    private readonly Func<StationStore> _store;
    private readonly Dictionary<int, InstalledProfile> _profiles = [];
    private readonly Lock _lock = new();

    public ProfileStore(Func<StationStore> store) => _store = store;

    /// <summary>Every installed profile, by EVSE then purpose, stack level and id.</summary>
    public IReadOnlyList<InstalledProfile> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _profiles.Values.OrderBy(p => p.EvseId).ThenBy(p => p.Purpose).ThenBy(p => p.StackLevel).ThenBy(p => p.Id)];
            }
        }
    }

    /// <summary>Reads the profiles from the store (at start).</summary>
    public void Load()
    {
        lock (_lock)
        {
            _profiles.Clear();
            foreach (var json in _store().GetRecords(Prefix).Values)
            {
                if (JsonSerializer.Deserialize<Stored>(json) is { } stored
                    && JsonSerializer.Deserialize(stored.Profile, OcppJsonContext.Default.ChargingProfileType) is { } profile)
                {
                    _profiles[profile.Id] = new InstalledProfile(stored.EvseId, profile, stored.Source, stored.InstalledAt);
                }
            }
        }
    }

    /// <summary>The profiles that <paramref name="profile"/> would replace: the one with its id (K01.FR.05).</summary>
    public IReadOnlyList<InstalledProfile> Replaced(int evseId, ChargingProfileType profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        lock (_lock)
        {
            return [.. _profiles.Values.Where(p => p.Id == profile.Id)];
        }
    }

    /// <summary>
    /// The installed profile (another id) that <paramref name="profile"/> on <paramref name="evseId"/> conflicts with, or
    /// null: a TxProfile of the same transaction and stackLevel (K01.FR.39); a profile of the same purpose and stackLevel
    /// on the same EVSE whose validity overlaps (K01.FR.06); a TxDefaultProfile of the same stackLevel on EVSE 0 while one
    /// is on an EVSE, or the other way round (K01.FR.52, FR.53). External constraints are the local energy manager's,
    /// which replaces its own by id.
    /// </summary>
    public InstalledProfile? Conflicting(int evseId, ChargingProfileType profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.ChargingProfilePurpose == ChargingProfilePurposeEnumType.ChargingStationExternalConstraints)
        {
            return null;
        }

        lock (_lock)
        {
            return _profiles.Values.FirstOrDefault(p => p.Id != profile.Id && p.Purpose == profile.ChargingProfilePurpose && p.StackLevel == profile.StackLevel
                && (p.Purpose == ChargingProfilePurposeEnumType.TxProfile
                    ? p.Profile.TransactionId == profile.TransactionId
                    : (p.EvseId == evseId && Overlaps(p.Profile, profile))
                        || (p.Purpose == ChargingProfilePurposeEnumType.TxDefaultProfile && (p.EvseId == 0) != (evseId == 0))));
        }
    }

    private static bool Overlaps(ChargingProfileType a, ChargingProfileType b) =>
        (a.ValidFrom ?? DateTimeOffset.MinValue) < (b.ValidTo ?? DateTimeOffset.MaxValue)
        && (b.ValidFrom ?? DateTimeOffset.MinValue) < (a.ValidTo ?? DateTimeOffset.MaxValue);

    /// <summary>How many profiles the station would hold with <paramref name="profile"/> installed.</summary>
    public int CountWith(int evseId, ChargingProfileType profile)
    {
        var replaced = Replaced(evseId, profile).Count;
        lock (_lock)
        {
            return _profiles.Count - replaced + 1;
        }
    }

    /// <summary>Installs a profile (persisted first), replacing those <see cref="Replaced"/> names; returns them.</summary>
    public IReadOnlyList<InstalledProfile> Install(InstalledProfile installed)
    {
        ArgumentNullException.ThrowIfNull(installed);
        var replaced = Replaced(installed.EvseId, installed.Profile);
        var store = _store();
        foreach (var old in replaced)
        {
            store.DeleteRecord(Key(old.Id));
        }

        var stored = new Stored(installed.EvseId, JsonSerializer.Serialize(installed.Profile, OcppJsonContext.Default.ChargingProfileType), installed.Source, installed.InstalledAt);
        store.SetRecord(Key(installed.Id), JsonSerializer.Serialize(stored));
        lock (_lock)
        {
            foreach (var old in replaced)
            {
                _profiles.Remove(old.Id);
            }

            _profiles[installed.Id] = installed;
        }

        return replaced;
    }

    /// <summary>Removes the profiles that match; returns them.</summary>
    public IReadOnlyList<InstalledProfile> Remove(Func<InstalledProfile, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        List<InstalledProfile> removed;
        lock (_lock)
        {
            removed = [.. _profiles.Values.Where(match)];
            foreach (var p in removed)
            {
                _profiles.Remove(p.Id);
            }
        }

        var store = _store();
        foreach (var p in removed)
        {
            store.DeleteRecord(Key(p.Id));
        }

        return removed;
    }

    private static string Key(int id) => Prefix + id.ToString(CultureInfo.InvariantCulture);

    private sealed record Stored(int EvseId, string Profile, ChargingLimitSourceEnumType Source, DateTimeOffset InstalledAt);
}
