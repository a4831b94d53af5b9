using System.Text.Json;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests;

/// <summary>Blocks E and J on the CSMS side: transactions stored rigorously whatever order their events arrive in.</summary>
public sealed class TransactionTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 10, 0, 0, TimeSpan.Zero);

    internal static TransactionEventRequest Event(string txId, int seqNo, TransactionEventEnumType type, decimal? energyWh = null, ChargingStateEnumType? state = null, IdTokenType? token = null, int? remoteStartId = null)
    {
        var e = new TransactionEventRequest
        {
            EventType = type,
            SeqNo = seqNo,
            Timestamp = T0.AddMinutes(seqNo),
            TriggerReason = type switch
            {
                TransactionEventEnumType.Started => TriggerReasonEnumType.CablePluggedIn,
                TransactionEventEnumType.Ended => TriggerReasonEnumType.EVCommunicationLost,
                _ => TriggerReasonEnumType.MeterValuePeriodic,
            },
            TransactionInfo = new TransactionType
            {
                TransactionId = txId,
                ChargingState = state,
                StoppedReason = type == TransactionEventEnumType.Ended ? ReasonEnumType.EVDisconnected : null,
                RemoteStartId = remoteStartId,
            },
            Evse = seqNo == 0 ? new EVSEType { Id = 1, ConnectorId = 1 } : null,
            IdToken = token,
            NumberOfPhasesUsed = 3,
            CableMaxCurrent = 32,
        };
        if (energyWh is { } wh)
        {
            e.MeterValue =
            [
                new MeterValueType
                {
                    Timestamp = e.Timestamp,
                    SampledValue =
                    [
                        new SampledValueType { Value = wh, Measurand = MeasurandEnumType.EnergyActiveImportRegister, Context = ReadingContextEnumType.SamplePeriodic, UnitOfMeasure = new UnitOfMeasureType { Unit = "Wh" } },
                        new SampledValueType { Value = 7200, Measurand = MeasurandEnumType.PowerActiveImport, Phase = null, Location = LocationEnumType.Outlet, UnitOfMeasure = new UnitOfMeasureType { Unit = "W" } },
                        new SampledValueType { Value = 16, Measurand = MeasurandEnumType.CurrentImport, Phase = PhaseEnumType.L1 },
                    ],
                },
            ];
        }

        return e;
    }

    private static async Task<JsonElement> TransactionAsync(CsmsTestHost csms, string stationId, string txId) =>
        await csms.GetJsonAsync($"api/stations/{stationId}/transactions/{txId}");

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task E01_E06_a_transaction_in_order_is_stored_with_every_event_field_and_its_energy(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using var station = await csms.BootedStationAsync("CS-E01");
        await station.CallAsync(Event("tx-1", 0, TransactionEventEnumType.Started, 1000, ChargingStateEnumType.EVConnected));
        await station.CallAsync(Event("tx-1", 1, TransactionEventEnumType.Updated, 1500, ChargingStateEnumType.Charging));
        await station.CallAsync(Event("tx-1", 2, TransactionEventEnumType.Ended, 2250.5m, ChargingStateEnumType.Idle));

        var tx = await TransactionAsync(csms, "CS-E01", "tx-1");
        var t = tx.GetProperty("transaction");
        Assert.Equal("Ended", t.GetProperty("state").GetString());
        Assert.Equal(1250.5m, t.GetProperty("energyWh").GetDecimal());
        Assert.Equal(1, t.GetProperty("evseId").GetInt32());
        Assert.Equal("Idle", t.GetProperty("chargingState").GetString());
        Assert.Equal("EVDisconnected", t.GetProperty("stoppedReason").GetString());
        Assert.Equal(3, tx.GetProperty("events").GetArrayLength());
        var first = tx.GetProperty("events")[0];
        Assert.Equal("CablePluggedIn", first.GetProperty("triggerReason").GetString());
        Assert.Equal(3, first.GetProperty("numberOfPhasesUsed").GetInt32());
        var meterValue = Assert.Single(first.GetProperty("meterValues").EnumerateArray());
        Assert.Equal(T0, meterValue.GetProperty("timestamp").GetDateTimeOffset());
        var samples = meterValue.GetProperty("sampledValue").EnumerateArray().ToList();
        Assert.Equal(3, samples.Count);
        Assert.Equal((1000m, "Energy.Active.Import.Register", "Wh", "Sample.Periodic"), (samples[0].GetProperty("value").GetDecimal(), samples[0].GetProperty("measurand").GetString(), samples[0].GetProperty("unit").GetString(), samples[0].GetProperty("context").GetString()));
        Assert.Equal((7200m, "Outlet", JsonValueKind.Null), (samples[1].GetProperty("value").GetDecimal(), samples[1].GetProperty("location").GetString(), samples[1].GetProperty("phase").ValueKind));
        Assert.Equal(("L1", JsonValueKind.Null), (samples[2].GetProperty("phase").GetString(), samples[2].GetProperty("unit").ValueKind));
        Assert.Equal(2250.5m, tx.GetProperty("events")[2].GetProperty("meterValues")[0].GetProperty("sampledValue")[0].GetProperty("value").GetDecimal());
        Assert.Empty(tx.GetProperty("gaps").EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Events_out_of_order_never_rewind_the_state(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using var station = await csms.BootedStationAsync("CS-OOO");
        await station.CallAsync(Event("tx-2", 0, TransactionEventEnumType.Started, 100, ChargingStateEnumType.EVConnected));
        await station.CallAsync(Event("tx-2", 2, TransactionEventEnumType.Updated, 300, ChargingStateEnumType.SuspendedEV));
        await station.CallAsync(Event("tx-2", 1, TransactionEventEnumType.Updated, 200, ChargingStateEnumType.Charging));

        var tx = await TransactionAsync(csms, "CS-OOO", "tx-2");
        var t = tx.GetProperty("transaction");
        Assert.Equal("SuspendedEV", t.GetProperty("chargingState").GetString());
        Assert.Equal(2, t.GetProperty("lastSeqNo").GetInt32());
        Assert.Equal(200m, t.GetProperty("energyWh").GetDecimal());
        Assert.Equal([1], tx.GetProperty("outOfOrderEvents").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(3, tx.GetProperty("events").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task An_exact_duplicate_is_acknowledged_and_not_applied_twice(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using var station = await csms.BootedStationAsync("CS-DUP");
        await station.CallAsync(Event("tx-3", 0, TransactionEventEnumType.Started, 100));
        await station.CallAsync(Event("tx-3", 1, TransactionEventEnumType.Updated, 200));
        var again = await station.CallAsync(Event("tx-3", 1, TransactionEventEnumType.Updated, 200));

        Assert.NotNull(again);
        var tx = await TransactionAsync(csms, "CS-DUP", "tx-3");
        Assert.Equal(2, tx.GetProperty("events").GetArrayLength());
        Assert.Equal(2, tx.GetProperty("transaction").GetProperty("eventCount").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task E12_events_replayed_after_a_reconnect_continue_the_stored_transaction_and_duplicates_are_not_applied_twice(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using (var first = await csms.BootedStationAsync("CS-RECONNECT"))
        {
            await first.CallAsync(Event("tx-r", 0, TransactionEventEnumType.Started, 100, ChargingStateEnumType.Charging));
            await first.CallAsync(Event("tx-r", 1, TransactionEventEnumType.Updated, 200));
        }

        // A new connection has a new session: the transaction comes from the database, its stored seqNos with it.
        await using var again = await csms.BootedStationAsync("CS-RECONNECT");
        await again.CallAsync(Event("tx-r", 1, TransactionEventEnumType.Updated, 200));
        await again.CallAsync(Event("tx-r", 2, TransactionEventEnumType.Ended, 300));

        var tx = await TransactionAsync(csms, "CS-RECONNECT", "tx-r");
        Assert.Equal([0, 1, 2], tx.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seqNo").GetInt32()));
        var transaction = tx.GetProperty("transaction");
        Assert.Equal(3, transaction.GetProperty("eventCount").GetInt32());
        Assert.Equal("Ended", transaction.GetProperty("state").GetString());
        Assert.Equal(200m, transaction.GetProperty("energyWh").GetDecimal());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Gaps_in_seqNo_are_shown(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using var station = await csms.BootedStationAsync("CS-GAP");
        foreach (var seqNo in new[] { 0, 1, 4, 6 })
        {
            await station.CallAsync(Event("tx-4", seqNo, seqNo == 0 ? TransactionEventEnumType.Started : TransactionEventEnumType.Updated));
        }

        var tx = await TransactionAsync(csms, "CS-GAP", "tx-4");
        Assert.Equal([2, 3, 5], tx.GetProperty("gaps").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task An_event_after_Ended_is_stored_as_late_and_changes_nothing(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using var station = await csms.BootedStationAsync("CS-LATE");
        await station.CallAsync(Event("tx-5", 0, TransactionEventEnumType.Started, 100, ChargingStateEnumType.Charging));
        await station.CallAsync(Event("tx-5", 2, TransactionEventEnumType.Ended, 900, ChargingStateEnumType.Idle));
        await station.CallAsync(Event("tx-5", 1, TransactionEventEnumType.Updated, 500, ChargingStateEnumType.Charging));
        await station.CallAsync(Event("tx-5", 3, TransactionEventEnumType.Updated, 5000, ChargingStateEnumType.Charging));

        var tx = await TransactionAsync(csms, "CS-LATE", "tx-5");
        var t = tx.GetProperty("transaction");
        Assert.Equal("Ended", t.GetProperty("state").GetString());
        Assert.Equal("Idle", t.GetProperty("chargingState").GetString());
        Assert.Equal(800m, t.GetProperty("energyWh").GetDecimal());
        Assert.Equal([1, 3], tx.GetProperty("lateEvents").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(4, tx.GetProperty("events").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_transaction_whose_Started_never_arrived_is_created_from_its_first_event(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using var station = await csms.BootedStationAsync("CS-NOSTART");
        await station.CallAsync(Event("tx-6", 3, TransactionEventEnumType.Updated, 400, ChargingStateEnumType.Charging));
        await station.CallAsync(Event("tx-6", 4, TransactionEventEnumType.Ended, 700));

        var tx = await TransactionAsync(csms, "CS-NOSTART", "tx-6");
        var t = tx.GetProperty("transaction");
        Assert.False(t.GetProperty("startedReceived").GetBoolean());
        Assert.Equal("Ended", t.GetProperty("state").GetString());
        Assert.Equal(T0.AddMinutes(3), t.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal([0, 1, 2], tx.GetProperty("gaps").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task E03_a_transaction_started_before_authorization_gets_its_idToken_attached_and_answered(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await csms.AddTokenAsync(new { idToken = "RFID-1", type = "ISO14443", status = "Accepted", groupIdToken = "FLEET", language = "en", personalMessage = "Welcome" });
        await using var station = await csms.BootedStationAsync("CS-PREAUTH");
        var started = await station.CallAsync(Event("tx-7", 0, TransactionEventEnumType.Started, 0));
        Assert.Null(started.IdTokenInfo);

        var authorized = await station.CallAsync(Event("tx-7", 1, TransactionEventEnumType.Updated, 10, ChargingStateEnumType.Charging, new IdTokenType { IdToken = "RFID-1", Type = IdTokenEnumType.ISO14443 }));

        Assert.Equal(AuthorizationStatusEnumType.Accepted, authorized.IdTokenInfo!.Status);
        Assert.Equal("FLEET", authorized.IdTokenInfo.GroupIdToken!.IdToken);
        Assert.Equal("Welcome", authorized.IdTokenInfo.PersonalMessage!.Content);
        var t = (await TransactionAsync(csms, "CS-PREAUTH", "tx-7")).GetProperty("transaction");
        Assert.Equal("RFID-1", t.GetProperty("idToken").GetString());
        Assert.Equal("Accepted", t.GetProperty("authorizationStatus").GetString());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task J01_meter_values_outside_a_transaction_are_stored(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using var station = await csms.BootedStationAsync("CS-J01");
        await station.CallAsync(new MeterValuesRequest
        {
            EvseId = 0,
            MeterValue = [new MeterValueType { Timestamp = T0, SampledValue = [new SampledValueType { Value = 123456, Context = ReadingContextEnumType.SampleClock }] }],
        });
        await using var context = csms.Database.CreateContext();
        var stored = Assert.Single(context.MeterValues.Where(v => v.StationId == "CS-J01"));
        Assert.Equal(0, stored.EvseId);
        var sample = Assert.Single(Assert.Single(Ohm.Csms.Blocks.Metering.FromDocument(stored.MeterValues)).SampledValue);
        Assert.Equal((123456m, ReadingContextEnumType.SampleClock), (sample.Value, sample.Context));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Meter_values_that_an_earlier_version_stored_as_rows_are_still_shown(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using var station = await csms.BootedStationAsync("CS-LEGACY");
        await station.CallAsync(Event("tx-old", 0, TransactionEventEnumType.Started));
        await using (var context = csms.Database.CreateContext())
        {
            var e = context.TransactionEvents.Single(e => e.TransactionId == "tx-old");
            context.SampledValues.Add(new Ohm.Csms.Storage.Entities.SampledValueRecord
            {
                StationId = "CS-LEGACY", EvseId = 1, TransactionId = "tx-old", TransactionEventId = e.Id, Timestamp = T0, Value = 42, Unit = "Wh",
            });
            await context.SaveChangesAsync();
        }

        var tx = await TransactionAsync(csms, "CS-LEGACY", "tx-old");
        var sample = tx.GetProperty("events")[0].GetProperty("meterValues")[0].GetProperty("sampledValue")[0];
        Assert.Equal((42m, "Wh", "Energy.Active.Import.Register"), (sample.GetProperty("value").GetDecimal(), sample.GetProperty("unit").GetString(), sample.GetProperty("measurand").GetString()));
    }

    [Fact]
    public async Task Transactions_are_listed_with_filters()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-LIST");
        await station.CallAsync(Event("tx-a", 0, TransactionEventEnumType.Started));
        await station.CallAsync(Event("tx-b", 0, TransactionEventEnumType.Started));
        await station.CallAsync(Event("tx-b", 1, TransactionEventEnumType.Ended));

        var active = await csms.GetJsonAsync("api/transactions?stationId=CS-LIST&state=Active");
        Assert.Equal(["tx-a"], active.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("transactionId").GetString()));
        var all = await csms.GetJsonAsync("api/transactions?stationId=CS-LIST&from=2025-06-01T09:00:00Z&to=2025-06-01T11:00:00Z");
        Assert.Equal(2, all.GetProperty("items").GetArrayLength());
        Assert.Equal(2, all.GetProperty("total").GetInt32());
        var (status, problem) = await csms.PostJsonAsync("api/transactions?state=Sleeping", "{}");
        Assert.Equal(405, status);
        var bad = await csms.Api.GetAsync("api/transactions?state=Sleeping");
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("state", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        _ = problem;
    }
}
