using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>Block K, Smart charging, on the CSMS side with the wire faked: what is stored after each answer, report and notification, and the K15 fit.</summary>
public sealed class SmartChargingBlockTests
{
    private static readonly DateTimeOffset T0 = BlockTestBed.T0;

    /// <summary>A balancer seam that records the needs it hears of and says whether it serves them.</summary>
    private sealed class Signals(bool serves) : ISmartChargingSignals
    {
        public List<(string StationId, int EvseId, string TransactionId)> Needs { get; } = [];

        public void TransactionChanged(string stationId, int? evseId)
        {
        }

        public void MeterValuesStored(string stationId, int? evseId)
        {
        }

        public void ConnectionChanged(string stationId, bool connected)
        {
        }

        public bool ChargingNeedsStored(string stationId, int evseId, string transactionId)
        {
            lock (Needs)
            {
                Needs.Add((stationId, evseId, transactionId));
            }

            return serves;
        }
    }

    private static SmartCharging Block(BlockTestBed bed, ISmartChargingSignals? signals = null) =>
        new(bed.Writer, bed.Database, bed.Router, new StationMessageStore(bed.Writer, bed.Clock), bed.Background, bed.Clock, bed.Logger<SmartCharging>(), signals);

    internal static ChargingProfileType Profile(
        int id, ChargingProfilePurposeEnumType purpose, int stackLevel = 0, string? transactionId = null, decimal limit = 16, ChargingRateUnitEnumType unit = ChargingRateUnitEnumType.A) => new()
        {
            Id = id,
            StackLevel = stackLevel,
            ChargingProfilePurpose = purpose,
            ChargingProfileKind = ChargingProfileKindEnumType.Absolute,
            TransactionId = transactionId,
            ChargingSchedule =
            [
                new ChargingScheduleType
                {
                    Id = 1,
                    StartSchedule = T0,
                    ChargingRateUnit = unit,
                    ChargingSchedulePeriod = [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = limit }],
                },
            ],
        };

    private static void Accept(BlockTestBed bed, ChargingProfileStatusEnumType status = ChargingProfileStatusEnumType.Accepted) =>
        bed.Router.Answer<SetChargingProfileRequest, SetChargingProfileResponse>(new SetChargingProfileResponse
        {
            Status = status,
            StatusInfo = status == ChargingProfileStatusEnumType.Accepted ? null : new StatusInfoType { ReasonCode = "TxNotFound" },
        });

    private static Task<List<ChargingProfileRecord>> StoredAsync(BlockTestBed bed) =>
        bed.ReadAsync(db => db.ChargingProfiles.AsNoTracking().OrderBy(p => p.EvseId).ThenBy(p => p.ProfileId).ToListAsync());

    private static async Task StartAsync(BlockTestBed bed, StationSession station, string txId, int evseId = 1)
    {
        var started = TransactionTests.Event(txId, 0, TransactionEventEnumType.Started);
        started.Evse = new EVSEType { Id = evseId, ConnectorId = 1 };
        await bed.HandleAsync(bed.Transactions.TransactionEventAsync, station, started);
    }

    [Fact]
    public async Task K01_FR_05_FR_06_an_accepted_profile_replaces_the_stored_one_of_its_id_or_one_of_its_purpose_and_stackLevel_whose_validity_overlaps_on_the_EVSE()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await bed.BootedStationAsync("CS-K");
        var block = Block(bed);
        Accept(bed);

        Assert.NotNull((await block.SetAsync("CS-K", 1, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile), SmartCharging.FromApi, default)).Stored);
        Assert.NotNull((await block.SetAsync("CS-K", 2, Profile(3, ChargingProfilePurposeEnumType.TxDefaultProfile, 0), SmartCharging.FromApi, default)).Stored);

        // FR.06: a station that took one of the same purpose and stackLevel on EVSE 1 with an overlapping validity can
        // no longer hold profile 1; EVSE 2's stays.
        await block.SetAsync("CS-K", 1, Profile(2, ChargingProfilePurposeEnumType.TxDefaultProfile, 0, limit: 10), SmartCharging.FromApi, default);
        Assert.Equal([(1, 2), (2, 3)], (await StoredAsync(bed)).Select(p => (p.EvseId, p.ProfileId)));


        // FR.05: the same id replaces it wherever it was, whatever its purpose and stackLevel.
        await block.SetAsync("CS-K", 0, Profile(2, ChargingProfilePurposeEnumType.ChargingStationMaxProfile, 4, limit: 32), SmartCharging.FromApi, default);
        var stored = await StoredAsync(bed);
        Assert.Equal([(0, 2), (2, 3)], stored.Select(p => (p.EvseId, p.ProfileId)));
        Assert.Equal("ChargingStationMaxProfile", stored[0].Purpose);
        Assert.Equal(32, SmartCharging.Profile(stored[0]).ChargingSchedule[0].ChargingSchedulePeriod[0].Limit);
        Assert.Equal("Api", stored[0].Source);

        // A Rejected answer changes nothing.
        Accept(bed, ChargingProfileStatusEnumType.Rejected);
        var refused = await block.SetAsync("CS-K", 2, Profile(9, ChargingProfilePurposeEnumType.TxDefaultProfile, 0), SmartCharging.FromApi, default);
        Assert.Equal(ChargingProfileStatusEnumType.Rejected, refused.Response!.Status);
        Assert.Null(refused.Stored);
        Assert.Equal([(0, 2), (2, 3)], (await StoredAsync(bed)).Select(p => (p.EvseId, p.ProfileId)));

        // Validity periods that do not overlap: the station holds both, and so does the CSMS (profile 3, valid always,
        // overlaps the first and goes).
        Accept(bed);
        var later = Profile(5, ChargingProfilePurposeEnumType.TxDefaultProfile, 0, limit: 12);
        var laterStill = Profile(6, ChargingProfilePurposeEnumType.TxDefaultProfile, 0, limit: 14);
        later.ValidFrom = BlockTestBed.T0.AddDays(30);
        laterStill.ValidFrom = BlockTestBed.T0.AddDays(40);
        later.ValidTo = laterStill.ValidFrom;
        await block.SetAsync("CS-K", 2, later, SmartCharging.FromApi, default);
        await block.SetAsync("CS-K", 2, laterStill, SmartCharging.FromApi, default);
        Assert.Equal([(0, 2), (2, 5), (2, 6)], (await StoredAsync(bed)).Select(p => (p.EvseId, p.ProfileId)));
    }

    [Fact]
    public async Task K01_the_CSMS_refuses_before_sending_what_the_station_must_reject()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-K");
        var block = Block(bed);
        Accept(bed);
        await StartAsync(bed, station, "TX-1", 1);
        await StartAsync(bed, station, "TX-E", 2);
        await bed.HandleAsync(bed.Transactions.TransactionEventAsync, station, TransactionTests.Event("TX-E", 1, TransactionEventEnumType.Ended));

        async Task<string> RefusedAsync(int evseId, ChargingProfileType profile)
        {
            var outcome = await block.SetAsync("CS-K", evseId, profile, SmartCharging.FromApi, default);
            Assert.NotNull(outcome.Problem);
            return outcome.Problem!.Field + ": " + outcome.Problem.Reason;
        }

        Assert.Contains("chargingProfilePurpose", await RefusedAsync(0, Profile(1, ChargingProfilePurposeEnumType.ChargingStationExternalConstraints)));
        Assert.Contains("transactionId", await RefusedAsync(1, Profile(1, ChargingProfilePurposeEnumType.TxProfile)));
        Assert.Contains("unknown to the CSMS", await RefusedAsync(1, Profile(1, ChargingProfilePurposeEnumType.TxProfile, transactionId: "TX-NONE")));
        Assert.Contains("it ended", await RefusedAsync(2, Profile(1, ChargingProfilePurposeEnumType.TxProfile, transactionId: "TX-E")));
        Assert.Contains("runs on EVSE 1", await RefusedAsync(2, Profile(1, ChargingProfilePurposeEnumType.TxProfile, transactionId: "TX-1")));
        Assert.StartsWith("evseId", await RefusedAsync(0, Profile(1, ChargingProfilePurposeEnumType.TxProfile, transactionId: "TX-1")));
        Assert.StartsWith("evseId", await RefusedAsync(1, Profile(1, ChargingProfilePurposeEnumType.ChargingStationMaxProfile)));
        Assert.Contains("only a TxProfile", await RefusedAsync(1, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, transactionId: "TX-1")));

        var late = Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile);
        late.ChargingSchedule[0].ChargingSchedulePeriod[0].StartPeriod = 60;
        Assert.Contains("chargingSchedulePeriod[0].startPeriod", await RefusedAsync(1, late));

        var unordered = Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile);
        unordered.ChargingSchedule[0].ChargingSchedulePeriod.Add(new ChargingSchedulePeriodType { StartPeriod = 600, Limit = 10 });
        unordered.ChargingSchedule[0].ChargingSchedulePeriod.Add(new ChargingSchedulePeriodType { StartPeriod = 300, Limit = 8 });
        Assert.Contains("chargingSchedulePeriod[2].startPeriod: periods start in ascending order", await RefusedAsync(1, unordered));

        var recurring = Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile);
        recurring.ChargingProfileKind = ChargingProfileKindEnumType.Recurring;
        Assert.Contains("recurrencyKind", await RefusedAsync(1, recurring));
        recurring.RecurrencyKind = RecurrencyKindEnumType.Daily;
        recurring.ChargingSchedule[0].Duration = ChargingProfileRules.Day + 1;
        Assert.Contains("duration", await RefusedAsync(1, recurring));

        var relative = Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile);
        relative.ChargingProfileKind = ChargingProfileKindEnumType.Relative;
        Assert.Contains("startSchedule", await RefusedAsync(1, relative));

        var phases = Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile);
        phases.ChargingSchedule[0].ChargingSchedulePeriod[0].PhaseToUse = 2;
        Assert.Contains("phaseToUse", await RefusedAsync(1, phases));

        var expired = Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile);
        expired.ValidTo = T0.AddMinutes(-1);
        Assert.Contains("validTo", await RefusedAsync(1, expired));

        Assert.Empty(bed.Router.Calls);

        // The same check through the sender the balancer uses: Rejected, with the CSMS's reason, nothing sent.
        var sent = await block.SetChargingProfileAsync("CS-K", 1, Profile(1, ChargingProfilePurposeEnumType.TxProfile), default);
        Assert.Equal(ChargingProfileSendStatus.Rejected, sent.Status);
        Assert.Contains("refused by the CSMS before sending", sent.Detail);
        Assert.Empty(bed.Router.Calls);
    }

    [Fact]
    public async Task K01_a_TxProfile_is_in_force_while_its_transaction_runs_and_is_dropped_after_it_ends()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-K");
        var block = Block(bed);
        Accept(bed);
        await StartAsync(bed, station, "TX-1");

        var set = await block.SetAsync("CS-K", 1, Profile(7, ChargingProfilePurposeEnumType.TxProfile, 1, "TX-1"), SmartCharging.FromApi, default);
        Assert.NotNull(set.Stored);
        Assert.Equal([7], (await block.InForceAsync("CS-K", 1, null, default)).Select(p => p.ProfileId));

        await bed.HandleAsync(bed.Transactions.TransactionEventAsync, station, TransactionTests.Event("TX-1", 1, TransactionEventEnumType.Ended));
        Assert.Empty(await block.InForceAsync("CS-K", null, null, default));

        // The next write for the station removes it for good.
        await block.SetAsync("CS-K", 0, Profile(1, ChargingProfilePurposeEnumType.ChargingStationMaxProfile), SmartCharging.FromApi, default);
        Assert.Equal([1], (await StoredAsync(bed)).Select(p => p.ProfileId));
    }

    [Fact]
    public async Task K01_the_sender_reports_not_connected_no_answer_CALLERROR_and_the_station_reasonCode()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await bed.BootedStationAsync("CS-K");
        await bed.RegisterStationAsync("CS-AWAY");
        var sender = Block(bed);
        var profile = Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile);

        Assert.Equal(ChargingProfileSendStatus.NotConnected, (await sender.SetChargingProfileAsync("CS-AWAY", 1, profile, default)).Status);
        bed.Router.FailWithTimeout<SetChargingProfileRequest>();
        Assert.Equal(ChargingProfileSendStatus.NoAnswer, (await sender.SetChargingProfileAsync("CS-K", 1, profile, default)).Status);
        bed.Router.FailWithCallError<SetChargingProfileRequest>(OcppErrorCode.NotSupported);
        var error = await sender.SetChargingProfileAsync("CS-K", 1, profile, default);
        Assert.Equal(ChargingProfileSendStatus.CallError, error.Status);
        Assert.StartsWith("NotSupported", error.Detail);
        Accept(bed, ChargingProfileStatusEnumType.Rejected);
        Assert.Equal(new ChargingProfileSendResult(ChargingProfileSendStatus.Rejected, "TxNotFound"), await sender.SetChargingProfileAsync("CS-K", 1, profile, default));
        Assert.Empty(await StoredAsync(bed));

        Accept(bed);
        Assert.True((await sender.SetChargingProfileAsync("CS-K", 1, profile, default)).Accepted);
        Assert.Equal("Balancer", Assert.Single(await StoredAsync(bed)).Source);
    }

    [Fact]
    public async Task K10_a_clear_removes_what_it_matched_by_id_or_criteria_when_Accepted_or_Unknown()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await bed.BootedStationAsync("CS-K");
        var block = Block(bed);
        Accept(bed);
        await block.SetAsync("CS-K", 0, Profile(1, ChargingProfilePurposeEnumType.ChargingStationMaxProfile), SmartCharging.FromApi, default);
        await block.SetAsync("CS-K", 1, Profile(2, ChargingProfilePurposeEnumType.TxDefaultProfile, 0), SmartCharging.FromApi, default);
        await block.SetAsync("CS-K", 1, Profile(3, ChargingProfilePurposeEnumType.TxDefaultProfile, 1), SmartCharging.FromApi, default);
        await block.SetAsync("CS-K", 2, Profile(4, ChargingProfilePurposeEnumType.TxDefaultProfile, 1), SmartCharging.FromApi, default);

        bed.Router.Answer<ClearChargingProfileRequest, ClearChargingProfileResponse>(new ClearChargingProfileResponse { Status = ClearChargingProfileStatusEnumType.Accepted });
        await block.ClearAsync("CS-K", 1, null, default);
        Assert.Equal([2, 3, 4], (await StoredAsync(bed)).Select(p => p.ProfileId));

        await block.ClearAsync("CS-K", null, new ClearChargingProfileType { EvseId = 1, StackLevel = 1 }, default);
        Assert.Equal([2, 4], (await StoredAsync(bed)).Select(p => p.ProfileId));

        bed.Router.Answer<ClearChargingProfileRequest, ClearChargingProfileResponse>(new ClearChargingProfileResponse { Status = ClearChargingProfileStatusEnumType.Unknown });
        var unknown = await ((IChargingProfileSender)block).ClearChargingProfileAsync("CS-K", null, new ClearChargingProfileType { ChargingProfilePurpose = ChargingProfilePurposeEnumType.TxDefaultProfile }, default);
        Assert.Equal(new ChargingProfileSendResult(ChargingProfileSendStatus.Rejected, "Unknown"), unknown);
        Assert.Empty(await StoredAsync(bed));
        Assert.Equal(3, bed.Router.Requests<ClearChargingProfileRequest>().Count);
    }

    [Fact]
    public async Task K09_report_parts_are_assembled_and_are_the_station_truth_for_the_EVSE_asked_about()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-K");
        var block = Block(bed);
        Accept(bed);
        await block.SetAsync("CS-K", 1, Profile(5, ChargingProfilePurposeEnumType.TxDefaultProfile, 0), SmartCharging.FromApi, default);
        await block.SetAsync("CS-K", 2, Profile(6, ChargingProfilePurposeEnumType.TxDefaultProfile, 0), SmartCharging.FromApi, default);

        bed.Router.Answer<GetChargingProfilesRequest, GetChargingProfilesResponse>(new GetChargingProfilesResponse { Status = GetChargingProfileStatusEnumType.Accepted });
        var requestId = block.NextRequestId();
        await block.RequestReportAsync("CS-K", new GetChargingProfilesRequest { RequestId = requestId, EvseId = 1, ChargingProfile = new ChargingProfileCriterionType() }, default);
        Assert.False((await block.ReadReportAsync("CS-K", requestId, default))!.Record.Complete);

        await bed.HandleAsync(block.ReportChargingProfilesAsync, station, new ReportChargingProfilesRequest
        {
            RequestId = requestId,
            EvseId = 1,
            ChargingLimitSource = ChargingLimitSourceEnumType.CSO,
            Tbc = true,
            ChargingProfile = [Profile(7, ChargingProfilePurposeEnumType.TxDefaultProfile, 2)],
        });

        // Each part is stored before it is acknowledged; what it names is in force already.
        Assert.Equal([(1, 5), (1, 7), (2, 6)], (await StoredAsync(bed)).Select(p => (p.EvseId, p.ProfileId)));
        await bed.HandleAsync(block.ReportChargingProfilesAsync, station, new ReportChargingProfilesRequest
        {
            RequestId = requestId,
            EvseId = 1,
            ChargingLimitSource = ChargingLimitSourceEnumType.EMS,
            ChargingProfile = [Profile(8, ChargingProfilePurposeEnumType.ChargingStationExternalConstraints, 0, limit: 20)],
        });

        var report = (await block.ReadReportAsync("CS-K", requestId, default))!;
        Assert.True(report.Record.Complete);
        Assert.Equal("Accepted", report.Record.Status);
        Assert.Equal([[7], [8]], report.Parts.Select(p => p.ChargingProfile.Select(c => c.Id).ToArray()));

        // Profile 5 on EVSE 1 was not reported: the station no longer holds it. EVSE 2 was not asked about.
        var stored = await StoredAsync(bed);
        Assert.Equal([(1, 7), (1, 8), (2, 6)], stored.Select(p => (p.EvseId, p.ProfileId)));
        Assert.Equal(["Report", "Report", "Api"], stored.Select(p => p.Source));
        Assert.Equal("EMS", stored[1].LimitSource);

        // NoProfiles: what the CSMS knew of EVSE 2 goes.
        bed.Router.Answer<GetChargingProfilesRequest, GetChargingProfilesResponse>(new GetChargingProfilesResponse { Status = GetChargingProfileStatusEnumType.NoProfiles });
        var empty = block.NextRequestId();
        await block.RequestReportAsync("CS-K", new GetChargingProfilesRequest { RequestId = empty, EvseId = 2, ChargingProfile = new ChargingProfileCriterionType() }, default);
        Assert.True((await block.ReadReportAsync("CS-K", empty, default))!.Record.Complete);
        Assert.Equal([7, 8], (await StoredAsync(bed)).Select(p => p.ProfileId));

        // A report the CSMS did not ask for is kept and stored; it removes nothing.
        await bed.HandleAsync(block.ReportChargingProfilesAsync, station, new ReportChargingProfilesRequest
        {
            RequestId = 424242,
            EvseId = 2,
            ChargingLimitSource = ChargingLimitSourceEnumType.CSO,
            ChargingProfile = [Profile(9, ChargingProfilePurposeEnumType.TxDefaultProfile, 3)],
        });
        Assert.Equal([7, 8, 9], (await StoredAsync(bed)).Select(p => p.ProfileId));
        Assert.True((await block.ReadReportAsync("CS-K", 424242, default))!.Record.Complete);
    }

    [Fact]
    public async Task K09_a_filtered_report_removes_only_the_unreported_profiles_that_match_its_criteria()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-K");
        var block = Block(bed);
        Accept(bed);
        await block.SetAsync("CS-K", 0, Profile(1, ChargingProfilePurposeEnumType.ChargingStationMaxProfile), SmartCharging.FromApi, default);
        await block.SetAsync("CS-K", 1, Profile(2, ChargingProfilePurposeEnumType.TxDefaultProfile), SmartCharging.FromApi, default);
        await block.SetAsync("CS-K", 2, Profile(3, ChargingProfilePurposeEnumType.TxDefaultProfile), SmartCharging.FromApi, default);

        bed.Router.Answer<GetChargingProfilesRequest, GetChargingProfilesResponse>(new GetChargingProfilesResponse { Status = GetChargingProfileStatusEnumType.Accepted });
        await block.RequestReportAsync("CS-K", new GetChargingProfilesRequest
        {
            RequestId = 77,
            ChargingProfile = new ChargingProfileCriterionType { ChargingProfilePurpose = ChargingProfilePurposeEnumType.TxDefaultProfile },
        }, default);
        await bed.HandleAsync(block.ReportChargingProfilesAsync, station, new ReportChargingProfilesRequest
        {
            RequestId = 77,
            EvseId = 2,
            ChargingLimitSource = ChargingLimitSourceEnumType.CSO,
            ChargingProfile = [Profile(3, ChargingProfilePurposeEnumType.TxDefaultProfile)],
        });

        // Every EVSE was asked about for TxDefaultProfiles: profile 2 is gone, the station's max profile stays.
        Assert.Equal([1, 3], (await StoredAsync(bed)).Select(p => p.ProfileId));
    }

    [Fact]
    public async Task K11_K12_K13_external_limits_are_stored_per_EVSE_and_source_and_cleared()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-K");
        var block = Block(bed);
        ChargingScheduleType Schedule(decimal limit) => new()
        {
            Id = 1,
            ChargingRateUnit = ChargingRateUnitEnumType.A,
            ChargingSchedulePeriod = [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = limit }],
        };

        await bed.HandleAsync(block.NotifyChargingLimitAsync, station, new NotifyChargingLimitRequest
        {
            EvseId = 1,
            ChargingLimit = new ChargingLimitType { ChargingLimitSource = ChargingLimitSourceEnumType.EMS },
            ChargingSchedule = [Schedule(20)],
        });
        await bed.HandleAsync(block.NotifyChargingLimitAsync, station, new NotifyChargingLimitRequest
        {
            ChargingLimit = new ChargingLimitType { ChargingLimitSource = ChargingLimitSourceEnumType.SO, IsGridCritical = true },
        });
        await bed.HandleAsync(block.NotifyChargingLimitAsync, station, new NotifyChargingLimitRequest
        {
            EvseId = 1,
            ChargingLimit = new ChargingLimitType { ChargingLimitSource = ChargingLimitSourceEnumType.EMS },
            ChargingSchedule = [Schedule(12)],
        });

        var limits = await bed.ReadAsync(db => db.ChargingLimits.AsNoTracking().OrderBy(l => l.EvseId).ToListAsync());
        Assert.Equal([(0, "SO"), (1, "EMS")], limits.Select(l => (l.EvseId, l.Source)));
        Assert.Contains("\"limit\":12", limits[1].Limit, StringComparison.Ordinal);
        Assert.True(limits[0].IsGridCritical);

        await bed.HandleAsync(block.ClearedChargingLimitAsync, station, new ClearedChargingLimitRequest { EvseId = 1, ChargingLimitSource = ChargingLimitSourceEnumType.EMS });
        Assert.Equal(["SO"], await bed.ReadAsync(db => db.ChargingLimits.AsNoTracking().Select(l => l.Source).ToListAsync()));
        await bed.HandleAsync(block.ClearedChargingLimitAsync, station, new ClearedChargingLimitRequest { ChargingLimitSource = ChargingLimitSourceEnumType.SO });
        Assert.Empty(await bed.ReadAsync(db => db.ChargingLimits.AsNoTracking().ToListAsync()));
    }

    [Fact]
    public async Task K01_K11_concurrent_writes_for_one_station_keep_one_record_per_profile_and_per_limit()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-K");
        var block = Block(bed);
        Accept(bed);

        // The writer may run these in one batch: each sees what the ones before it added.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            block.SetAsync("CS-K", 1, Profile(5, ChargingProfilePurposeEnumType.TxDefaultProfile, i % 2, limit: 6 + i), SmartCharging.FromApi, default)));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => bed.HandleAsync(block.NotifyChargingLimitAsync, station, new NotifyChargingLimitRequest
        {
            EvseId = 1,
            ChargingLimit = new ChargingLimitType { ChargingLimitSource = ChargingLimitSourceEnumType.EMS },
        })));

        Assert.Equal([5], (await StoredAsync(bed)).Select(p => p.ProfileId));
        Assert.Single(await bed.ReadAsync(db => db.ChargingLimits.AsNoTracking().ToListAsync()));
    }

    private static ChargingNeedsType Ac(int energyWh, DateTimeOffset? departure, int evMax = 32, int evMin = 6) => new()
    {
        RequestedEnergyTransfer = EnergyTransferModeEnumType.ACThreePhase,
        DepartureTime = departure,
        AcChargingParameters = new ACChargingParametersType { EnergyAmount = energyWh, EvMinCurrent = evMin, EvMaxCurrent = evMax, EvMaxVoltage = 400 },
    };

    private static (int, decimal)[] Periods(ChargingScheduleType? schedule) =>
        [.. schedule!.ChargingSchedulePeriod.Select(p => (p.StartPeriod, p.Limit))];

    [Fact]
    public void K15_the_fit_levels_the_energy_to_the_departure_within_the_EV_and_station_limits()
    {
        var fourHours = T0.AddHours(4);

        // 44 160 Wh in 4 h at 230 V on three phases is 16 A; after the departure the EV may draw its maximum.
        var levelled = ChargingScheduleFit.Fit(Ac(44_160, fourHours), null, T0, null, null);
        Assert.Equal(ChargingRateUnitEnumType.A, levelled!.ChargingRateUnit);
        Assert.Equal(T0, levelled.StartSchedule);
        Assert.Equal([(0, 16m), (14_400, 32m)], Periods(levelled));
        Assert.Equal(6, levelled.MinChargingRate);

        // Little energy: not below the EV's minimum.
        Assert.Equal([(0, 6m), (14_400, 32m)], Periods(ChargingScheduleFit.Fit(Ac(5_000, fourHours), null, T0, null, null)));

        // More than fits: the most the station allows (its limit in W converted at 230 V x 3), one period.
        Assert.Equal([(0, 20m)], Periods(ChargingScheduleFit.Fit(Ac(200_000, fourHours), null, T0, 25, 13_800)));

        // No departure time: the most it may draw. One tuple allowed: the first period only.
        Assert.Equal([(0, 32m)], Periods(ChargingScheduleFit.Fit(Ac(44_160, null), null, T0, null, null)));
        Assert.Equal([(0, 16m)], Periods(ChargingScheduleFit.Fit(Ac(44_160, fourHours), 1, T0, null, null)));

        // The station leaves less than the EV's minimum: paused rather than below it.
        Assert.Equal([(0, 0m)], Periods(ChargingScheduleFit.Fit(Ac(44_160, fourHours), null, T0, 5, null)));
    }

    [Fact]
    public void K15_the_fit_of_DC_needs_is_in_W_within_evMaxPower_and_the_station_limit()
    {
        var dc = new ChargingNeedsType
        {
            RequestedEnergyTransfer = EnergyTransferModeEnumType.DC,
            DepartureTime = T0.AddHours(2),
            DcChargingParameters = new DCChargingParametersType { EvMaxCurrent = 125, EvMaxVoltage = 400, EvMaxPower = 50_000, EnergyAmount = 50_000 },
        };
        var schedule = ChargingScheduleFit.Fit(dc, null, T0, null, null);
        Assert.Equal(ChargingRateUnitEnumType.W, schedule!.ChargingRateUnit);
        Assert.Equal([(0, 25_000m), (7_200, 50_000m)], Periods(schedule));
        Assert.Equal([(0, 20_000m)], Periods(ChargingScheduleFit.Fit(dc, null, T0, null, 20_000)));

        dc.DcChargingParameters.EvMaxPower = null;
        dc.DcChargingParameters.EnergyAmount = null;
        Assert.Equal([(0, 50_000m)], Periods(ChargingScheduleFit.Fit(dc, null, T0, null, null)));
        Assert.Null(ChargingScheduleFit.Fit(new ChargingNeedsType { RequestedEnergyTransfer = EnergyTransferModeEnumType.DC }, null, T0, null, null));
    }

    [Fact]
    public async Task K15_needs_are_stored_with_the_transaction_Accepted_and_served_by_a_TxProfile_within_the_station_limits()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-K");
        var signals = new Signals(serves: false);
        var block = Block(bed, signals);
        Accept(bed);
        await StartAsync(bed, station, "TX-1");
        await block.SetAsync("CS-K", 0, Profile(1, ChargingProfilePurposeEnumType.ChargingStationMaxProfile, limit: 12), SmartCharging.FromApi, default);

        var response = await bed.HandleAsync(block.NotifyEVChargingNeedsAsync, station, new NotifyEVChargingNeedsRequest
        {
            EvseId = 1,
            MaxScheduleTuples = 3,
            ChargingNeeds = Ac(44_160, T0.AddHours(4)),
        });
        Assert.Equal(NotifyEVChargingNeedsStatusEnumType.Accepted, response.Status);
        Assert.Equal([("CS-K", 1, "TX-1")], signals.Needs);

        await bed.Background.WaitAsync();
        var sent = bed.Router.Requests<SetChargingProfileRequest>()[^1];
        Assert.Equal(1, sent.EvseId);
        Assert.Equal(ChargingProfilePurposeEnumType.TxProfile, sent.ChargingProfile.ChargingProfilePurpose);
        Assert.Equal("TX-1", sent.ChargingProfile.TransactionId);
        Assert.Equal(SmartCharging.NeedsProfileIdBase + 1, sent.ChargingProfile.Id);
        Assert.Equal([(0, 12m)], Periods(sent.ChargingProfile.ChargingSchedule[0]));

        var needs = await bed.ReadAsync(db => db.EvChargingNeeds.AsNoTracking().SingleAsync());
        Assert.Equal("TX-1", needs.TransactionId);
        Assert.Equal(3, needs.MaxScheduleTuples);
        Assert.Equal("Accepted", needs.SentStatus);
        Assert.Contains(await StoredAsync(bed), p => p.Source == SmartCharging.FromNeeds && p.TransactionId == "TX-1");

        // K17: new needs renegotiate; the new TxProfile replaces the last by id.
        await bed.HandleAsync(block.NotifyEVChargingNeedsAsync, station, new NotifyEVChargingNeedsRequest { EvseId = 1, ChargingNeeds = Ac(5_000, T0.AddHours(4), evMax: 10) });
        await bed.Background.WaitAsync();
        Assert.Equal([(0, 6m), (14_400, 10m)], Periods(bed.Router.Requests<SetChargingProfileRequest>()[^1].ChargingProfile.ChargingSchedule[0]));
        Assert.Single(await StoredAsync(bed), p => p.Source == SmartCharging.FromNeeds);

        var schedule = await bed.HandleAsync(block.NotifyEVChargingScheduleAsync, station, new NotifyEVChargingScheduleRequest
        {
            EvseId = 1,
            TimeBase = T0,
            ChargingSchedule = sent.ChargingProfile.ChargingSchedule[0],
        });
        Assert.Equal(GenericStatusEnumType.Accepted, schedule.Status);
        Assert.Equal("TX-1", (await bed.ReadAsync(db => db.EvChargingSchedules.AsNoTracking().SingleAsync())).TransactionId);
    }

    [Fact]
    public async Task K15_needs_a_site_balancer_serves_of_an_EVSE_without_a_transaction_or_without_parameters_send_no_TxProfile()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-K");
        var signals = new Signals(serves: true);
        var block = Block(bed, signals);
        await StartAsync(bed, station, "TX-1");

        Assert.Equal(NotifyEVChargingNeedsStatusEnumType.Accepted, (await bed.HandleAsync(block.NotifyEVChargingNeedsAsync, station,
            new NotifyEVChargingNeedsRequest { EvseId = 1, ChargingNeeds = Ac(10_000, T0.AddHours(1)) })).Status);
        var idle = await bed.HandleAsync(block.NotifyEVChargingNeedsAsync, station, new NotifyEVChargingNeedsRequest { EvseId = 2, ChargingNeeds = Ac(10_000, T0.AddHours(1)) });
        Assert.Equal((NotifyEVChargingNeedsStatusEnumType.Rejected, SmartCharging.NoTransactionReason), (idle.Status, idle.StatusInfo?.ReasonCode));
        var bare = await bed.HandleAsync(block.NotifyEVChargingNeedsAsync, station,
            new NotifyEVChargingNeedsRequest { EvseId = 3, ChargingNeeds = new ChargingNeedsType { RequestedEnergyTransfer = EnergyTransferModeEnumType.DC } });
        Assert.Equal((NotifyEVChargingNeedsStatusEnumType.Rejected, SmartCharging.NoParametersReason), (bare.Status, bare.StatusInfo?.ReasonCode));
        await bed.Background.WaitAsync();

        Assert.Empty(bed.Router.Calls);
        Assert.Equal([("CS-K", 1, "TX-1")], signals.Needs);
        var needs = await bed.ReadAsync(db => db.EvChargingNeeds.AsNoTracking().OrderBy(n => n.EvseId).ToListAsync());
        Assert.Equal(["TX-1", null, null], needs.Select(n => n.TransactionId));
        Assert.All(needs, n => Assert.Null(n.SentStatus));
    }

    [Fact]
    public void K01_LimitAt_reads_absolute_recurring_and_relative_schedules()
    {
        var absolute = Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, limit: 16);
        absolute.ChargingSchedule[0].ChargingSchedulePeriod.Add(new ChargingSchedulePeriodType { StartPeriod = 3600, Limit = 8 });
        absolute.ChargingSchedule[0].Duration = 7200;
        Assert.Null(ChargingProfileRules.LimitAt(absolute, T0.AddSeconds(-1)));
        Assert.Equal(16, ChargingProfileRules.LimitAt(absolute, T0.AddMinutes(59))!.Value.Limit);
        Assert.Equal(8, ChargingProfileRules.LimitAt(absolute, T0.AddMinutes(61))!.Value.Limit);
        Assert.Null(ChargingProfileRules.LimitAt(absolute, T0.AddHours(2)));

        absolute.ChargingProfileKind = ChargingProfileKindEnumType.Recurring;
        absolute.RecurrencyKind = RecurrencyKindEnumType.Daily;
        Assert.Equal(8, ChargingProfileRules.LimitAt(absolute, T0.AddDays(3).AddMinutes(61))!.Value.Limit);
        Assert.Null(ChargingProfileRules.LimitAt(absolute, T0.AddDays(3).AddHours(3)));

        absolute.ChargingProfileKind = ChargingProfileKindEnumType.Relative;
        absolute.RecurrencyKind = null;
        Assert.Equal(16, ChargingProfileRules.LimitAt(absolute, T0.AddDays(9))!.Value.Limit);
    }
}
