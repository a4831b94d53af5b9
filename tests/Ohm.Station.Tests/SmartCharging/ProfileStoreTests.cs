using Ohm.Ocpp.Messages;
using Ohm.Station.ChargingProfiles;
using static Ohm.Station.Tests.Charging.ProfileBuilder;

namespace Ohm.Station.Tests.Charging;

/// <summary>K01: which installed profile a new one replaces, and that the store keeps them across a reopening.</summary>
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
    public void K01_a_profile_replaces_the_one_with_its_id_and_the_one_of_its_purpose_and_stackLevel_on_its_EVSE()
    {
        var profiles = new ProfileStore(() => _store);
        profiles.Install(On(0, TxDefault(1, 16m)));
        profiles.Install(On(1, TxDefault(2, 16m)));
        profiles.Install(On(1, Tx(3, 16m, transactionId: "tx-1")));

        // The same id elsewhere replaces; the same purpose and stack level on another EVSE does not.
        Assert.Equal([1], profiles.Install(On(2, TxDefault(1, 10m))).Select(p => p.Id));
        Assert.Empty(profiles.Install(On(0, TxDefault(4, 10m, stack: 1))));
        Assert.Equal([2], profiles.Install(On(1, TxDefault(5, 10m))).Select(p => p.Id));

        // A TxProfile replaces the one of its transaction only.
        Assert.Empty(profiles.Install(On(1, Tx(6, 10m, transactionId: "tx-2"))));
        Assert.Equal([3], profiles.Install(On(1, Tx(7, 10m, transactionId: "tx-1"))).Select(p => p.Id));
        Assert.Equal([1, 4, 5, 6, 7], profiles.All.Select(p => p.Id).Order());
        Assert.Equal(5, profiles.CountWith(1, TxDefault(8, 10m)));
        Assert.Equal(6, profiles.CountWith(1, TxDefault(8, 10m, stack: 2)));

        // Kept in the store: a new store over the same folder reads them back, EVSE and content included.
        _store.Dispose();
        _store = new StationStore(_folder);
        var reopened = new ProfileStore(() => _store);
        reopened.Load();
        Assert.Equal([1, 4, 5, 6, 7], reopened.All.Select(p => p.Id).Order());
        Assert.Equal(2, reopened.All.Single(p => p.Id == 1).EvseId);
        Assert.Equal(10m, reopened.All.Single(p => p.Id == 1).Profile.ChargingSchedule[0].ChargingSchedulePeriod[0].Limit);
        Assert.Equal("tx-1", reopened.All.Single(p => p.Id == 7).Profile.TransactionId);

        Assert.Equal([6, 7], reopened.Remove(p => p.Purpose == ChargingProfilePurposeEnumType.TxProfile).Select(p => p.Id).Order());
        reopened.Load();
        Assert.Equal([1, 4, 5], reopened.All.Select(p => p.Id).Order());
    }
}
