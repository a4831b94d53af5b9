using Ohm.Ocpp.Messages;
using Ohm.Station.ChargingProfiles;
using static Ohm.Station.Tests.Charging.ProfileBuilder;

namespace Ohm.Station.Tests.Charging;

/// <summary>K01: which installed profile a new one replaces (FR.05) or conflicts with (FR.06, FR.39, FR.52, FR.53), and that the store keeps them across a reopening.</summary>
public sealed class ProfileStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ohm-station-tests", Guid.NewGuid().ToString("N"));
    private StationStore _store;

    public ProfileStoreTests() => _store = new StationStore(_folder);

    public void Dispose()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private InstalledProfile On(int evse, ChargingProfileType profile) => new(evse, profile, ChargingLimitSourceEnumType.CSO, T0);

    [Fact]
    public void K01_FR_05_a_profile_replaces_the_one_with_its_id()
    {
        var profiles = new ProfileStore(() => _store);
        profiles.Install(On(0, TxDefault(1, 16m)));
        profiles.Install(On(1, TxDefault(2, 16m, stack: 1)));
        profiles.Install(On(1, Tx(3, 16m, transactionId: "tx-1")));

        // The same id replaces, even on another EVSE; another id replaces nothing (a conflict is refused before, see FR.06).
        Assert.Equal([1], profiles.Install(On(2, TxDefault(1, 10m))).Select(p => p.Id));
        Assert.Empty(profiles.Install(On(0, TxDefault(4, 10m, stack: 2))));
        Assert.Empty(profiles.Install(On(1, TxDefault(5, 10m, stack: 3))));
        Assert.Empty(profiles.Install(On(1, Tx(6, 10m, stack: 1, transactionId: "tx-1"))));
        Assert.Equal([3], profiles.Install(On(1, Tx(3, 10m, transactionId: "tx-1"))).Select(p => p.Id));
        Assert.Equal([1, 2, 3, 4, 5, 6], profiles.All.Select(p => p.Id).Order());
        Assert.Equal(10m, profiles.All.Single(p => p.Id == 3).Profile.ChargingSchedule[0].ChargingSchedulePeriod[0].Limit);
        Assert.Equal(6, profiles.CountWith(1, TxDefault(2, 10m)));
        Assert.Equal(7, profiles.CountWith(1, TxDefault(8, 10m)));

        // Kept in the store: a new store over the same folder reads them back, EVSE and content included.
        _store.Dispose();
        _store = new StationStore(_folder);
        var reopened = new ProfileStore(() => _store);
        reopened.Load();
        Assert.Equal([1, 2, 3, 4, 5, 6], reopened.All.Select(p => p.Id).Order());
        Assert.Equal(2, reopened.All.Single(p => p.Id == 1).EvseId);
        Assert.Equal(10m, reopened.All.Single(p => p.Id == 1).Profile.ChargingSchedule[0].ChargingSchedulePeriod[0].Limit);
        Assert.Equal("tx-1", reopened.All.Single(p => p.Id == 3).Profile.TransactionId);

        Assert.Equal([3, 6], reopened.Remove(p => p.Purpose == ChargingProfilePurposeEnumType.TxProfile).Select(p => p.Id).Order());
        reopened.Load();
        Assert.Equal([1, 2, 4, 5], reopened.All.Select(p => p.Id).Order());
    }

    [Fact]
    public void K01_FR_06_a_profile_of_the_same_purpose_and_stackLevel_with_an_overlapping_validity_is_Rejected()
    {
        var profiles = new ProfileStore(() => _store);
        profiles.Install(On(1, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, validFrom: T0, validTo: T0.AddHours(2))));
        profiles.Install(On(0, StationMax(2, 20000m)));

        Assert.Equal(1, profiles.Conflicting(1, TxDefault(3, 10m))?.Id);
        Assert.Equal(1, profiles.Conflicting(1, Profile(3, ChargingProfilePurposeEnumType.TxDefaultProfile, 10m, validFrom: T0.AddHours(1), validTo: T0.AddHours(3)))?.Id);
        Assert.Equal(1, profiles.Conflicting(1, Profile(3, ChargingProfilePurposeEnumType.TxDefaultProfile, 10m, validFrom: T0.AddMinutes(-30), validTo: T0.AddMinutes(1)))?.Id);
        Assert.Equal(2, profiles.Conflicting(0, StationMax(3, 10000m))?.Id);

        // Its own id is a replacement, not a conflict; another stackLevel, purpose or EVSE stands beside it.
        Assert.Null(profiles.Conflicting(1, TxDefault(1, 10m)));
        Assert.Null(profiles.Conflicting(1, TxDefault(3, 10m, stack: 1)));
        Assert.Null(profiles.Conflicting(0, StationMax(3, 10000m, stack: 1)));
        Assert.Null(profiles.Conflicting(2, TxDefault(3, 10m)));

        // K11: the local energy manager's external constraints replace their own and are never refused.
        profiles.Install(On(1, Profile(10, ChargingProfilePurposeEnumType.ChargingStationExternalConstraints, 10m)));
        Assert.Null(profiles.Conflicting(1, Profile(11, ChargingProfilePurposeEnumType.ChargingStationExternalConstraints, 8m)));
    }

    [Fact]
    public void K01_FR_06_a_profile_of_the_same_purpose_and_stackLevel_with_a_validity_that_does_not_overlap_is_accepted()
    {
        var profiles = new ProfileStore(() => _store);
        profiles.Install(On(1, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, validFrom: T0, validTo: T0.AddHours(2))));

        // Before it, after it, and touching its edges (validTo is exclusive).
        Assert.Null(profiles.Conflicting(1, Profile(3, ChargingProfilePurposeEnumType.TxDefaultProfile, 10m, validFrom: T0.AddHours(-2), validTo: T0)));
        Assert.Null(profiles.Conflicting(1, Profile(3, ChargingProfilePurposeEnumType.TxDefaultProfile, 10m, validFrom: T0.AddHours(2))));
        Assert.Null(profiles.Conflicting(1, Profile(3, ChargingProfilePurposeEnumType.TxDefaultProfile, 10m, validTo: T0)));
        profiles.Install(On(1, Profile(3, ChargingProfilePurposeEnumType.TxDefaultProfile, 10m, validFrom: T0.AddHours(2))));
        Assert.Equal([1, 3], profiles.All.Select(p => p.Id).Order());

        // A profile valid at all times overlaps them.
        Assert.NotNull(profiles.Conflicting(1, TxDefault(4, 10m)));
    }

    [Fact]
    public void K01_FR_39_a_TxProfile_of_the_same_transaction_and_stackLevel_is_Rejected()
    {
        var profiles = new ProfileStore(() => _store);
        profiles.Install(On(1, Tx(1, 16m, transactionId: "tx-1")));

        Assert.Equal(1, profiles.Conflicting(1, Tx(2, 10m, transactionId: "tx-1"))?.Id);
        Assert.Null(profiles.Conflicting(1, Tx(1, 10m, transactionId: "tx-1")));
        Assert.Null(profiles.Conflicting(1, Tx(2, 10m, stack: 1, transactionId: "tx-1")));
        Assert.Null(profiles.Conflicting(2, Tx(2, 10m, transactionId: "tx-2")));
    }

    [Fact]
    public void K01_FR_52_FR_53_a_TxDefaultProfile_of_a_stackLevel_used_on_EVSE_0_and_an_EVSE_is_Rejected()
    {
        var profiles = new ProfileStore(() => _store);
        profiles.Install(On(0, TxDefault(1, 16m)));
        profiles.Install(On(2, TxDefault(2, 16m, stack: 3)));

        // FR.52: stackLevel 0 is used on EVSE 0, so no EVSE takes a TxDefaultProfile of stackLevel 0.
        Assert.Equal(1, profiles.Conflicting(1, TxDefault(3, 10m))?.Id);
        Assert.Equal(1, profiles.Conflicting(2, TxDefault(3, 10m))?.Id);
        // FR.53: stackLevel 3 is used on EVSE 2, so EVSE 0 takes none of stackLevel 3.
        Assert.Equal(2, profiles.Conflicting(0, TxDefault(3, 10m, stack: 3))?.Id);

        // Another stackLevel is fine, and so is the same stackLevel on two EVSEs (neither is EVSE 0).
        Assert.Null(profiles.Conflicting(1, TxDefault(3, 10m, stack: 1)));
        Assert.Null(profiles.Conflicting(0, TxDefault(3, 10m, stack: 1)));
        Assert.Null(profiles.Conflicting(1, TxDefault(3, 10m, stack: 3)));
    }
}
