using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests;

/// <summary>
/// Block K on the CSMS, end to end: a real CSMS and raw Ohm.Ocpp stations over loopback WebSockets. Profiles set through
/// the API reach the station and show as in force once it accepted them; reports, limits and EV charging needs the
/// station sends are stored and shown; needs get a TxProfile.
/// </summary>
public sealed class SmartChargingTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    /// <summary>A station that answers the smart-charging calls as told and keeps what it was sent.</summary>
    private sealed class FakeStation
    {
        public ChargingProfileStatusEnumType Answer { get; set; } = ChargingProfileStatusEnumType.Accepted;

        public List<SetChargingProfileRequest> Set { get; } = [];

        public List<ClearChargingProfileRequest> Cleared { get; } = [];

        public List<GetChargingProfilesRequest> Reports { get; } = [];

        public List<GetCompositeScheduleRequest> Composites { get; } = [];

        public OcppHandlers Handlers() => new OcppHandlers()
            .On(OcppActions.SetChargingProfile, (request, _, _) =>
            {
                lock (this)
                {
                    Set.Add(request);
                    return ValueTask.FromResult(new SetChargingProfileResponse { Status = Answer });
                }
            })
            .On(OcppActions.ClearChargingProfile, (request, _, _) =>
            {
                lock (this)
                {
                    Cleared.Add(request);
                    return ValueTask.FromResult(new ClearChargingProfileResponse { Status = ClearChargingProfileStatusEnumType.Accepted });
                }
            })
            .On(OcppActions.GetChargingProfiles, (request, _, _) =>
            {
                lock (this)
                {
                    Reports.Add(request);
                    return ValueTask.FromResult(new GetChargingProfilesResponse { Status = GetChargingProfileStatusEnumType.Accepted });
                }
            })
            .On(OcppActions.GetCompositeSchedule, (request, _, _) =>
            {
                lock (this)
                {
                    Composites.Add(request);
                    return ValueTask.FromResult(new GetCompositeScheduleResponse
                    {
                        Status = GenericStatusEnumType.Accepted,
                        Schedule = new CompositeScheduleType
                        {
                            EvseId = request.EvseId,
                            Duration = request.Duration,
                            ScheduleStart = DateTimeOffset.UtcNow,
                            ChargingRateUnit = request.ChargingRateUnit ?? ChargingRateUnitEnumType.A,
                            ChargingSchedulePeriod = [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = 16 }],
                        },
                    });
                }
            });
    }

    private static string Json(int evseId, ChargingProfileType profile) =>
        JsonSerializer.Serialize(new SetChargingProfileRequest { EvseId = evseId, ChargingProfile = profile }, OcppJsonContext.Default.SetChargingProfileRequest);

    private static ChargingProfileType Profile(int id, ChargingProfilePurposeEnumType purpose, int stackLevel = 0, string? transactionId = null, decimal limit = 16)
    {
        var profile = Blocks.SmartChargingBlockTests.Profile(id, purpose, stackLevel, transactionId, limit);
        profile.ChargingSchedule[0].StartSchedule = DateTimeOffset.UtcNow.AddMinutes(-1);
        return profile;
    }

    private static async Task StartAsync(OcppConnection station, string txId, int evseId = 1)
    {
        var started = TransactionTests.Event(txId, 0, TransactionEventEnumType.Started);
        started.Evse = new EVSEType { Id = evseId, ConnectorId = 1 };
        await station.CallAsync(started);
    }

    private static int[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32())];

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task K01_K02_K16_a_profile_set_through_the_API_reaches_the_station_and_shows_in_force_until_its_transaction_ends(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var fake = new FakeStation();
        await using var station = await csms.BootedStationAsync("CS-K01", fake.Handlers());

        var (status, body) = await csms.PostJsonAsync("api/stations/CS-K01/charging-profiles", Json(0, Profile(1, ChargingProfilePurposeEnumType.ChargingStationMaxProfile, limit: 32)));
        Assert.True(status == 200, body.ToString());
        Assert.Equal("Accepted", body.GetProperty("status").GetString());
        Assert.Equal(1, body.GetProperty("stored").GetProperty("id").GetInt32());
        Assert.Equal(32, Assert.Single(fake.Set).ChargingProfile.ChargingSchedule[0].ChargingSchedulePeriod[0].Limit);

        await StartAsync(station, "TX-K01");
        (status, body) = await csms.PostJsonAsync("api/stations/CS-K01/charging-profiles", Json(1, Profile(2, ChargingProfilePurposeEnumType.TxProfile, 1, "TX-K01", 10)));
        Assert.True(status == 200, body.ToString());
        Assert.Equal("Api", body.GetProperty("stored").GetProperty("source").GetString());

        var both = Ids(await csms.GetJsonAsync("api/stations/CS-K01/charging-profiles"));
        Assert.Equal([1, 2], both);
        var tx = await csms.GetJsonAsync("api/stations/CS-K01/charging-profiles?purpose=TxProfile&evseId=1");
        var item = Assert.Single(tx.GetProperty("items").EnumerateArray());
        Assert.Equal("TX-K01", item.GetProperty("transactionId").GetString());
        Assert.Equal(10, item.GetProperty("chargingProfile").GetProperty("chargingSchedule")[0].GetProperty("chargingSchedulePeriod")[0].GetProperty("limit").GetDecimal());

        // A Rejected profile is answered as the station said and not stored.
        fake.Answer = ChargingProfileStatusEnumType.Rejected;
        (status, body) = await csms.PostJsonAsync("api/stations/CS-K01/charging-profiles", Json(1, Profile(3, ChargingProfilePurposeEnumType.TxDefaultProfile)));
        Assert.Equal(200, status);
        Assert.Equal("Rejected", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("stored").ValueKind);

        // The transaction ends: its TxProfile is no longer in force.
        await station.CallAsync(TransactionTests.Event("TX-K01", 1, TransactionEventEnumType.Ended));
        var one = Ids(await csms.GetJsonAsync("api/stations/CS-K01/charging-profiles"));
        Assert.Equal([1], one);

        // K10: cleared by id.
        var response = await csms.Api.DeleteAsync("api/stations/CS-K01/charging-profiles/1");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(1, Assert.Single(fake.Cleared).ChargingProfileId);
        Assert.Empty(Ids(await csms.GetJsonAsync("api/stations/CS-K01/charging-profiles")));
    }

    [Fact]
    public async Task K01_the_sender_a_site_balancer_uses_is_the_SmartCharging_block_and_what_it_sets_shows_in_force()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var fake = new FakeStation();
        await using var station = await csms.BootedStationAsync("CS-BAL", fake.Handlers());
        var sender = csms.App.Services.GetRequiredService<Ohm.Csms.Blocks.IChargingProfileSender>();
        Assert.Same(csms.App.Services.GetRequiredService<Ohm.Csms.Blocks.SmartCharging>(), sender);

        var result = await sender.SetChargingProfileAsync("CS-BAL", 1, Profile(40, ChargingProfilePurposeEnumType.TxDefaultProfile, 2, limit: 13), CancellationToken.None);
        Assert.True(result.Accepted, result.Detail);
        var item = Assert.Single((await csms.GetJsonAsync("api/stations/CS-BAL/charging-profiles")).GetProperty("items").EnumerateArray());
        Assert.Equal(("Balancer", 40), (item.GetProperty("source").GetString(), item.GetProperty("id").GetInt32()));

        var cleared = await sender.ClearChargingProfileAsync("CS-BAL", 40, null, CancellationToken.None);
        Assert.True(cleared.Accepted, cleared.Detail);
        Assert.Equal(0, (await csms.GetJsonAsync("api/stations/CS-BAL/charging-profiles")).GetProperty("total").GetInt32());
        Assert.Equal(Ohm.Csms.Blocks.ChargingProfileSendStatus.NotConnected, (await sender.SetChargingProfileAsync("CS-NONE", 1, Profile(41, ChargingProfilePurposeEnumType.TxDefaultProfile), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task K01_bad_profiles_are_a_400_ProblemDetails_and_nothing_is_sent_an_unknown_station_404_and_one_not_connected_503()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var fake = new FakeStation();
        await using var station = await csms.BootedStationAsync("CS-K01B", fake.Handlers());

        async Task<string> BadAsync(string json)
        {
            var (status, problem) = await csms.PostJsonAsync("api/stations/CS-K01B/charging-profiles", json);
            Assert.True(status == 400, problem.ToString());
            return problem.GetProperty("detail").GetString()!;
        }

        Assert.Contains("ChargingStationExternalConstraints", await BadAsync(Json(0, Profile(1, ChargingProfilePurposeEnumType.ChargingStationExternalConstraints))));
        Assert.StartsWith("chargingProfile.transactionId", await BadAsync(Json(1, Profile(1, ChargingProfilePurposeEnumType.TxProfile))));
        Assert.Contains("not active", await BadAsync(Json(1, Profile(1, ChargingProfilePurposeEnumType.TxProfile, transactionId: "TX-NONE"))));
        Assert.StartsWith("evseId", await BadAsync(Json(2, Profile(1, ChargingProfilePurposeEnumType.ChargingStationMaxProfile))));
        var late = Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile);
        late.ChargingSchedule[0].ChargingSchedulePeriod[0].StartPeriod = 10;
        Assert.Contains("startPeriod", await BadAsync(Json(1, late)));
        var recurring = Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile);
        recurring.ChargingProfileKind = ChargingProfileKindEnumType.Recurring;
        Assert.Contains("recurrencyKind", await BadAsync(Json(1, recurring)));
        Assert.Contains("chargingProfile", await BadAsync("{\"evseId\":1}"));
        Assert.Empty(fake.Set);

        var (unknown, _) = await csms.PostJsonAsync("api/stations/CS-NONE/charging-profiles", Json(1, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile)));
        Assert.Equal(404, unknown);
        Assert.Equal(404, (int)(await csms.Api.GetAsync("api/stations/CS-NONE/charging-profiles")).StatusCode);
        await csms.RegisterAsync("CS-AWAY");
        var (away, _) = await csms.PostJsonAsync("api/stations/CS-AWAY/charging-profiles", Json(1, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile)));
        Assert.Equal(503, away);
        var text = await csms.Api.PostAsync("api/stations/CS-K01B/charging-profiles", new StringContent("x"));
        Assert.Equal(415, (int)text.StatusCode);
        Assert.Equal(400, (int)(await csms.Api.GetAsync("api/stations/CS-K01B/composite-schedule?evseId=1&duration=0")).StatusCode);
        Assert.Equal(400, (int)(await csms.Api.GetAsync("api/stations/CS-K01B/charging-profiles?purpose=Nope")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task K09_a_report_asked_for_through_the_API_is_assembled_from_its_parts_and_its_profiles_shown_in_force(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var fake = new FakeStation();
        await using var station = await csms.BootedStationAsync("CS-K09", fake.Handlers());
        await csms.PostJsonAsync("api/stations/CS-K09/charging-profiles", Json(1, Profile(5, ChargingProfilePurposeEnumType.TxDefaultProfile)));

        var (status, started) = await csms.PostJsonAsync("api/stations/CS-K09/charging-profiles/report", "{\"evseId\":1,\"chargingProfile\":{}}");
        Assert.True(status == 200, started.ToString());
        var requestId = started.GetProperty("requestId").GetInt32();
        Assert.Equal("Accepted", started.GetProperty("status").GetString());
        Assert.Equal(requestId, Assert.Single(fake.Reports).RequestId);

        var report = await csms.GetJsonAsync($"api/stations/CS-K09/charging-profile-reports/{requestId}");
        Assert.False(report.GetProperty("complete").GetBoolean());

        await station.CallAsync(new ReportChargingProfilesRequest
        {
            RequestId = requestId,
            EvseId = 1,
            Tbc = true,
            ChargingLimitSource = ChargingLimitSourceEnumType.CSO,
            ChargingProfile = [Profile(6, ChargingProfilePurposeEnumType.TxDefaultProfile, 1)],
        });
        await station.CallAsync(new ReportChargingProfilesRequest
        {
            RequestId = requestId,
            EvseId = 1,
            ChargingLimitSource = ChargingLimitSourceEnumType.CSO,
            ChargingProfile = [Profile(7, ChargingProfilePurposeEnumType.TxDefaultProfile, 2)],
        });

        report = await csms.GetJsonAsync($"api/stations/CS-K09/charging-profile-reports/{requestId}");
        Assert.True(report.GetProperty("complete").GetBoolean());
        Assert.Equal(2, report.GetProperty("parts").GetArrayLength());
        Assert.Equal(7, report.GetProperty("parts")[1].GetProperty("chargingProfile")[0].GetProperty("id").GetInt32());

        // Profile 5 is no longer on the station: the report is its truth for EVSE 1.
        var inForce = await csms.GetJsonAsync("api/stations/CS-K09/charging-profiles?evseId=1");
        Assert.Equal([6, 7], Ids(inForce).Order());
        Assert.All(inForce.GetProperty("items").EnumerateArray(), i => Assert.Equal("Report", i.GetProperty("source").GetString()));
        Assert.Equal(404, (int)(await csms.Api.GetAsync("api/stations/CS-K09/charging-profile-reports/999999")).StatusCode);
    }

    [Fact]
    public async Task K08_the_composite_schedule_is_relayed_and_K11_K13_external_limits_are_shown_until_cleared()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var fake = new FakeStation();
        await using var station = await csms.BootedStationAsync("CS-K08", fake.Handlers());

        var composite = await csms.GetJsonAsync("api/stations/CS-K08/composite-schedule?evseId=1&duration=3600&unit=W");
        Assert.Equal("Accepted", composite.GetProperty("status").GetString());
        Assert.Equal("W", composite.GetProperty("schedule").GetProperty("chargingRateUnit").GetString());
        var asked = Assert.Single(fake.Composites);
        Assert.Equal((1, 3600, ChargingRateUnitEnumType.W), (asked.EvseId, asked.Duration, asked.ChargingRateUnit!.Value));

        await station.CallAsync(new NotifyChargingLimitRequest
        {
            EvseId = 1,
            ChargingLimit = new ChargingLimitType { ChargingLimitSource = ChargingLimitSourceEnumType.EMS, IsGridCritical = false },
            ChargingSchedule =
            [
                new ChargingScheduleType
                {
                    Id = 1,
                    ChargingRateUnit = ChargingRateUnitEnumType.A,
                    ChargingSchedulePeriod = [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = 20 }],
                },
            ],
        });
        var limits = await csms.GetJsonAsync("api/stations/CS-K08/charging-limits");
        var limit = Assert.Single(limits.GetProperty("items").EnumerateArray());
        Assert.Equal("EMS", limit.GetProperty("chargingLimitSource").GetString());
        Assert.Equal(20, limit.GetProperty("chargingSchedule")[0].GetProperty("chargingSchedulePeriod")[0].GetProperty("limit").GetDecimal());

        await station.CallAsync(new ClearedChargingLimitRequest { EvseId = 1, ChargingLimitSource = ChargingLimitSourceEnumType.EMS });
        Assert.Equal(0, (await csms.GetJsonAsync("api/stations/CS-K08/charging-limits")).GetProperty("total").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task K15_K17_EV_charging_needs_are_stored_with_the_transaction_and_get_a_TxProfile_and_the_EV_schedule_is_stored(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var fake = new FakeStation();
        await using var station = await csms.BootedStationAsync("CS-K15", fake.Handlers());
        await StartAsync(station, "TX-K15");

        var departure = DateTimeOffset.UtcNow.AddHours(4);
        var answer = await station.CallAsync(new NotifyEVChargingNeedsRequest
        {
            EvseId = 1,
            MaxScheduleTuples = 2,
            ChargingNeeds = new ChargingNeedsType
            {
                RequestedEnergyTransfer = EnergyTransferModeEnumType.ACThreePhase,
                DepartureTime = departure,
                AcChargingParameters = new ACChargingParametersType { EnergyAmount = 22_080, EvMinCurrent = 6, EvMaxCurrent = 32, EvMaxVoltage = 230 },
            },
        });
        Assert.Equal(NotifyEVChargingNeedsStatusEnumType.Accepted, answer.Status);
        await csms.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();

        // The TxProfile came after the answer: 22 080 Wh in about 4 h is 8 A per phase, then the EV's maximum.
        var sent = Assert.Single(fake.Set);
        Assert.Equal(ChargingProfilePurposeEnumType.TxProfile, sent.ChargingProfile.ChargingProfilePurpose);
        Assert.Equal("TX-K15", sent.ChargingProfile.TransactionId);
        var periods = sent.ChargingProfile.ChargingSchedule[0].ChargingSchedulePeriod;
        Assert.Equal(2, periods.Count);
        Assert.InRange(periods[0].Limit, 8m, 8.1m);
        Assert.Equal(32, periods[1].Limit);

        await station.CallAsync(new NotifyEVChargingScheduleRequest { EvseId = 1, TimeBase = DateTimeOffset.UtcNow, ChargingSchedule = sent.ChargingProfile.ChargingSchedule[0] });

        var needs = await csms.GetJsonAsync("api/stations/CS-K15/transactions/TX-K15/charging-needs");
        var need = Assert.Single(needs.GetProperty("needs").EnumerateArray());
        Assert.Equal(22_080, need.GetProperty("chargingNeeds").GetProperty("acChargingParameters").GetProperty("energyAmount").GetInt32());
        Assert.Equal("Accepted", need.GetProperty("sentStatus").GetString());
        Assert.Equal("TX-K15", need.GetProperty("sentProfile").GetProperty("transactionId").GetString());
        Assert.Single(needs.GetProperty("schedules").EnumerateArray());

        var inForce = await csms.GetJsonAsync("api/stations/CS-K15/charging-profiles?purpose=TxProfile");
        Assert.Equal("Needs", Assert.Single(inForce.GetProperty("items").EnumerateArray()).GetProperty("source").GetString());
        Assert.Equal(404, (int)(await csms.Api.GetAsync("api/stations/CS-K15/transactions/TX-NONE/charging-needs")).StatusCode);
    }
}
