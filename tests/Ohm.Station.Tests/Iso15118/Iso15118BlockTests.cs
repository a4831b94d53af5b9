using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Station.Blocks;
using Ohm.Station.Context;
using Ohm.Station.Hardware;
using Ohm.Station.Simulation;
using Ohm.Station.Tests.Support;
using TransactionsBlock = Ohm.Station.Blocks.Transactions;

namespace Ohm.Station.Tests.Iso15118;

/// <summary>The ISO 15118 block on a fake context, with block K's composite schedules faked: the TxProfile comes when the test says.</summary>
public sealed class Iso15118BlockTests
{
    private const string Token = "TOKEN-1";

    [Fact]
    public async Task K15_FR_03_Accepted_the_EV_waits_for_the_TxProfile_is_offered_it_and_its_capped_choice_is_reported()
    {
        using var bed = new Bed();
        await bed.StartIsoTransactionAsync(SimulatedHardware.AcEv(20000, maxCurrentA: 16));
        await TestCsms.Until(() => bed.Iso.Status(1)?.WaitingForProfile == true, "the EV waiting for the TxProfile");
        Assert.Null(bed.Iso.Status(1)!.Offered);

        // The CSMS's TxProfile: 10 A for half an hour, then 32 A; the composite schedule holds it.
        bed.Schedules.Set(bed.TxProfile(7, (0, 10m), (1800, 32m)), bed.Composite(ChargingRateUnitEnumType.A, (0, 10m), (1800, 32m)));
        await TestCsms.Until(() => bed.Iso.Status(1)?.ScheduleAnswer == GenericStatusEnumType.Accepted, "the EV's schedule reported");
        await bed.Context.Background.WhenIdleAsync();

        var status = bed.Iso.Status(1)!;
        var offered = Assert.Single(status.Offered!);
        Assert.Equal(7, offered.Id);
        Assert.Equal(ChargingRateUnitEnumType.A, offered.ChargingRateUnit);
        Assert.Equal([(0, 10m), (1800, 32m)], offered.ChargingSchedulePeriod.Select(p => (p.StartPeriod, p.Limit)));

        var reported = Assert.Single(bed.Context.Calls.OfType<NotifyEVChargingScheduleRequest>());
        Assert.Equal(1, reported.EvseId);
        Assert.Equal(status.TimeBase, reported.TimeBase);
        Assert.Equal(7, reported.ChargingSchedule.Id);
        Assert.Equal([(0, 10m), (1800, 16m)], reported.ChargingSchedule.ChargingSchedulePeriod.Select(p => (p.StartPeriod, p.Limit)));
        Assert.Single(bed.Context.Calls.OfType<NotifyEVChargingNeedsRequest>());
    }

    [Fact]
    public async Task K16_a_new_TxProfile_renegotiates_with_the_EV_without_new_needs_and_an_unchanged_one_does_not()
    {
        using var bed = new Bed();
        await bed.StartIsoTransactionAsync(SimulatedHardware.AcEv(20000, maxCurrentA: 32));
        await TestCsms.Until(() => bed.Iso.Status(1)?.WaitingForProfile == true, "the wait");
        bed.Schedules.Set(bed.TxProfile(1, (0, 16m)), bed.Composite(ChargingRateUnitEnumType.A, (0, 16m)));
        await TestCsms.Until(() => bed.Iso.Status(1)?.ScheduleAnswer == GenericStatusEnumType.Accepted, "the first schedule");

        // K16: the CSMS lowers the limit with a new TxProfile; the station offers it and reports the EV's new choice.
        bed.Schedules.Set(bed.TxProfile(2, (0, 8m)), bed.Composite(ChargingRateUnitEnumType.A, (0, 8m)));
        await TestCsms.Until(() => bed.Iso.Status(1) is { Selected.ChargingSchedule.ChargingSchedulePeriod: [{ Limit: 8m }], ScheduleAnswer: GenericStatusEnumType.Accepted }, "the renegotiated schedule");
        await bed.Context.Background.WhenIdleAsync();
        Assert.Equal(2, bed.Iso.Status(1)!.Negotiations);
        Assert.Equal(2, bed.Iso.Status(1)!.Offered![0].Id);
        Assert.Equal(2, bed.Context.Calls.OfType<NotifyEVChargingScheduleRequest>().Count());
        Assert.Single(bed.Context.Calls.OfType<NotifyEVChargingNeedsRequest>());

        // Limits that did not change (another EVSE's profile, or the same one again) leave the EV alone.
        bed.Schedules.Raise(0);
        bed.Schedules.Raise(1);
        await bed.Context.Background.WhenIdleAsync();
        Assert.Equal(2, bed.Iso.Status(1)!.Negotiations);
        Assert.Equal(2, bed.Context.Calls.OfType<NotifyEVChargingScheduleRequest>().Count());
    }

    [Fact]
    public async Task K15_FR_05_Processing_goes_on_locally_and_the_TxProfile_that_comes_later_is_a_K16_renegotiation()
    {
        using var bed = new Bed { NeedsAnswer = NotifyEVChargingNeedsStatusEnumType.Processing };
        await bed.StartIsoTransactionAsync(SimulatedHardware.AcEv(20000, maxCurrentA: 32));
        await TestCsms.Until(() => bed.Iso.Status(1)?.ScheduleAnswer == GenericStatusEnumType.Accepted, "the local schedule");
        Assert.Equal(ChargingRateUnitEnumType.W, bed.Iso.Status(1)!.Offered![0].ChargingRateUnit);

        bed.Schedules.Set(bed.TxProfile(3, (0, 12m)), bed.Composite(ChargingRateUnitEnumType.A, (0, 12m)));
        await TestCsms.Until(() => bed.Iso.Status(1) is { Selected.ChargingSchedule: { Id: 3, ChargingRateUnit: ChargingRateUnitEnumType.A }, ScheduleAnswer: GenericStatusEnumType.Accepted }, "the CSMS's schedule");
        await bed.Context.Background.WhenIdleAsync();
        Assert.Single(bed.Context.Calls.OfType<NotifyEVChargingNeedsRequest>());
        Assert.Equal(2, bed.Context.Calls.OfType<NotifyEVChargingScheduleRequest>().Count());
    }

    [Fact]
    public async Task K15_FR_07_an_EV_profile_above_the_offered_schedule_is_refused_and_not_reported()
    {
        using var bed = new Bed { NeedsAnswer = NotifyEVChargingNeedsStatusEnumType.Rejected };
        bed.Schedules.Set(null, bed.Composite(ChargingRateUnitEnumType.A, (0, 10m)));
        bed.Context.Simulator!.EvSchedulePolicy = (_, _, offer) => new EvScheduleSelection(offer[0].Id, new ChargingScheduleType
        {
            Id = offer[0].Id,
            ChargingRateUnit = ChargingRateUnitEnumType.A,
            ChargingSchedulePeriod = [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = 10m }, new ChargingSchedulePeriodType { StartPeriod = 600, Limit = 20m }],
        });
        await bed.StartIsoTransactionAsync(SimulatedHardware.AcEv(20000));
        await TestCsms.Until(() => bed.Iso.Status(1)?.Offered is not null, "the offer");
        await bed.Context.Background.WhenIdleAsync();

        Assert.Null(bed.Iso.Status(1)!.Selected);
        Assert.Empty(bed.Context.Calls.OfType<NotifyEVChargingScheduleRequest>());
        Assert.Contains(bed.Context.Reports, r => r.Contains("outside the schedule offered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task K15_the_offer_keeps_at_most_the_EVs_maxScheduleTuples_periods_and_never_exceeds_a_later_limit()
    {
        using var bed = new Bed { NeedsAnswer = NotifyEVChargingNeedsStatusEnumType.Rejected };
        bed.Schedules.Set(null, bed.Composite(ChargingRateUnitEnumType.A, (0, 32m), (600, 20m), (1200, 10m), (1800, 16m), (2400, 6m)));
        await bed.StartIsoTransactionAsync(SimulatedHardware.AcEv(20000, maxScheduleTuples: 3));
        await TestCsms.Until(() => bed.Iso.Status(1)?.ScheduleAnswer is not null, "the schedule");
        await bed.Context.Background.WhenIdleAsync();

        var needs = Assert.Single(bed.Context.Calls.OfType<NotifyEVChargingNeedsRequest>());
        Assert.Equal(3, needs.MaxScheduleTuples);
        var offered = Assert.Single(bed.Iso.Status(1)!.Offered!);
        Assert.Equal([(0, 32m), (600, 20m), (1200, 6m)], offered.ChargingSchedulePeriod.Select(p => (p.StartPeriod, p.Limit)));
    }

    [Fact]
    public async Task K15_without_maxScheduleTuples_from_the_EV_the_station_sends_ISO15118Ctrlr_MaxScheduleEntries()
    {
        using var bed = new Bed(StationHarness.Config(c => c.With("ISO15118Ctrlr", "MaxScheduleEntries", "5"))) { NeedsAnswer = NotifyEVChargingNeedsStatusEnumType.Rejected };
        await bed.StartIsoTransactionAsync(SimulatedHardware.AcEv(20000));
        await TestCsms.Until(() => bed.Iso.Status(1)?.ScheduleAnswer is not null, "the schedule");
        await bed.Context.Background.WhenIdleAsync();
        Assert.Equal(5, Assert.Single(bed.Context.Calls.OfType<NotifyEVChargingNeedsRequest>()).MaxScheduleTuples);
    }

    [Fact]
    public async Task K15_the_offer_ends_at_the_EVs_departure_time()
    {
        using var bed = new Bed { NeedsAnswer = NotifyEVChargingNeedsStatusEnumType.Rejected };
        await bed.StartIsoTransactionAsync(SimulatedHardware.AcEv(20000, bed.Context.Clock.GetUtcNow().AddHours(2)));
        await TestCsms.Until(() => bed.Iso.Status(1)?.ScheduleAnswer is not null, "the schedule");
        Assert.Equal(7200, bed.Iso.Status(1)!.Offered![0].Duration);
    }

    [Fact]
    public async Task K15_offline_the_needs_are_not_sent_the_EV_gets_the_local_schedule_and_its_choice_is_queued()
    {
        using var bed = new Bed();
        bed.Schedules.Set(null, bed.Composite(ChargingRateUnitEnumType.A, (0, 16m)));
        await bed.Blocks.Authorization.AuthorizeAsync(new IdTokenType { IdToken = Token, Type = IdTokenEnumType.ISO14443 });
        bed.Context.IsOnline = false;
        await bed.StartIsoTransactionAsync(SimulatedHardware.AcEv(20000));
        await TestCsms.Until(() => bed.Iso.Status(1)?.Selected is not null, "the EV's choice");
        await bed.Context.Background.WhenIdleAsync();

        Assert.Empty(bed.Context.Calls.OfType<NotifyEVChargingNeedsRequest>());
        Assert.Null(bed.Iso.Status(1)!.NeedsAnswer);
        var queued = Assert.Single(bed.Context.Queued.OfType<NotifyEVChargingScheduleRequest>());
        Assert.Equal(16m, queued.ChargingSchedule.ChargingSchedulePeriod[0].Limit);
    }

    [Fact]
    public async Task K15_a_failed_NotifyEVChargingNeeds_goes_on_with_the_local_schedule()
    {
        using var bed = new Bed { FailNeeds = true };
        await bed.StartIsoTransactionAsync(SimulatedHardware.AcEv(20000));
        await TestCsms.Until(() => bed.Iso.Status(1)?.ScheduleAnswer is not null, "the schedule");
        Assert.Null(bed.Iso.Status(1)!.NeedsAnswer);
        Assert.Contains(bed.Context.Reports, r => r.Contains("NotifyEVChargingNeeds failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task K15_unplugging_while_the_EV_waits_for_the_TxProfile_ends_the_negotiation_without_an_offer()
    {
        using var bed = new Bed();
        await bed.StartIsoTransactionAsync(SimulatedHardware.AcEv(20000));
        await TestCsms.Until(() => bed.Iso.Status(1)?.WaitingForProfile == true, "the wait");

        await bed.Blocks.Transactions.UnplugAsync(1);
        await bed.Context.Background.WhenIdleAsync();
        Assert.Null(bed.Iso.Status(1));
        Assert.Null(bed.Context.Simulator!.LastOffer(1));
        Assert.Empty(bed.Context.Calls.OfType<NotifyEVChargingScheduleRequest>());
    }

    [Fact]
    public async Task K17_the_EV_renegotiating_while_it_waits_for_the_TxProfile_sends_its_new_needs_at_once()
    {
        using var bed = new Bed();
        await bed.StartIsoTransactionAsync(SimulatedHardware.AcEv(20000));
        await TestCsms.Until(() => bed.Iso.Status(1)?.WaitingForProfile == true, "the wait");

        bed.Iso.Renegotiate(1, SimulatedHardware.AcEv(5000, maxCurrentA: 10));
        await TestCsms.Until(() => bed.Iso.Status(1) is { Negotiations: 2, WaitingForProfile: true }, "the second wait");
        bed.Schedules.Set(bed.TxProfile(4, (0, 16m)), bed.Composite(ChargingRateUnitEnumType.A, (0, 16m)));
        await TestCsms.Until(() => bed.Iso.Status(1)?.ScheduleAnswer is not null, "the schedule");
        await bed.Context.Background.WhenIdleAsync();

        Assert.Equal([20000, 5000], bed.Context.Calls.OfType<NotifyEVChargingNeedsRequest>().Select(n => n.ChargingNeeds.AcChargingParameters!.EnergyAmount));
        var reported = Assert.Single(bed.Context.Calls.OfType<NotifyEVChargingScheduleRequest>());
        Assert.Equal(10m, reported.ChargingSchedule.ChargingSchedulePeriod[0].Limit);
    }

    [Fact]
    public void K17_renegotiating_without_an_ISO_15118_EV_is_refused_clearly()
    {
        using var bed = new Bed();
        Assert.Contains("No ISO 15118 EV", Assert.Throws<InvalidOperationException>(() => bed.Iso.Renegotiate(1, SimulatedHardware.AcEv(1000))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => bed.Iso.Renegotiate(9, SimulatedHardware.AcEv(1000)));
    }

    [Fact]
    public void K15_FR_07_within_compares_each_limit_with_the_offered_limit_at_that_time()
    {
        var offered = Schedule(ChargingRateUnitEnumType.A, 3600, (0, 16m), (1800, 8m));
        Assert.True(Iso15118Charging.Within(Schedule(ChargingRateUnitEnumType.A, null, (0, 16m), (1800, 8m)), offered));
        Assert.True(Iso15118Charging.Within(Schedule(ChargingRateUnitEnumType.A, null, (0, 6m)), offered));
        Assert.False(Iso15118Charging.Within(Schedule(ChargingRateUnitEnumType.A, null, (0, 10m)), offered));
        Assert.False(Iso15118Charging.Within(Schedule(ChargingRateUnitEnumType.A, null, (0, 16m), (1700, 10m)), offered));
        Assert.False(Iso15118Charging.Within(Schedule(ChargingRateUnitEnumType.W, null, (0, 100m)), offered));
        Assert.False(Iso15118Charging.Within(Schedule(ChargingRateUnitEnumType.A, null), offered));
    }

    [Fact]
    public void K15_the_simulated_EV_accepts_the_offer_capped_at_its_maximum_in_the_offers_unit()
    {
        var needs = SimulatedHardware.AcEv(1000, maxCurrentA: 16, mode: EnergyTransferModeEnumType.ACSinglePhase).Needs;
        var amps = SimulatedHardware.AcceptCapped(needs, Schedule(ChargingRateUnitEnumType.A, 3600, (0, 32m), (600, 10m)));
        Assert.Equal([16m, 10m], amps.ChargingSchedule.ChargingSchedulePeriod.Select(p => p.Limit));
        var watts = SimulatedHardware.AcceptCapped(needs, Schedule(ChargingRateUnitEnumType.W, 3600, (0, 11000m)));
        Assert.Equal(16m * 230m, watts.ChargingSchedule.ChargingSchedulePeriod[0].Limit);
        var dc = SimulatedHardware.AcceptCapped(SimulatedHardware.DcEv(1000, maxPowerW: 50000).Needs, Schedule(ChargingRateUnitEnumType.W, 3600, (0, 150000m)));
        Assert.Equal(50000m, dc.ChargingSchedule.ChargingSchedulePeriod[0].Limit);
    }

    private static ChargingScheduleType Schedule(ChargingRateUnitEnumType unit, int? duration, params (int Start, decimal Limit)[] periods) => new()
    {
        Id = 1,
        Duration = duration,
        ChargingRateUnit = unit,
        ChargingSchedulePeriod = [.. periods.Select(p => new ChargingSchedulePeriodType { StartPeriod = p.Start, Limit = p.Limit })],
    };

    /// <summary>A fake context, its blocks, fake composite schedules and the ISO 15118 block, online; the CSMS answers as set.</summary>
    private sealed class Bed : IDisposable
    {
        public Bed(Ohm.Station.DeviceModel.DeviceModelConfig? config = null)
        {
            Context = new FakeStationContext(config ?? StationHarness.Config()) { IsOnline = true };
            Context.Answer = request => request switch
            {
                AuthorizeRequest => new AuthorizeResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted } },
                NotifyEVChargingNeedsRequest when FailNeeds => throw new Ohm.Ocpp.Rpc.OcppCallErrorException("NotifyEVChargingNeeds", OcppErrorCode.InternalError, "test"),
                NotifyEVChargingNeedsRequest => new NotifyEVChargingNeedsResponse { Status = NeedsAnswer },
                NotifyEVChargingScheduleRequest => new NotifyEVChargingScheduleResponse { Status = GenericStatusEnumType.Accepted },
                _ => throw new InvalidOperationException("Unexpected " + request.Action.Name),
            };
            Blocks = Context.Blocks();
            Iso = new Iso15118Charging(Context, Blocks.Transactions, Schedules);
        }

        public FakeStationContext Context { get; }

        public (TransactionsBlock Transactions, Authorization Authorization, RemoteControl RemoteControl, LocalAuthList LocalAuthList) Blocks { get; }

        public FakeSchedules Schedules { get; } = new();

        public Iso15118Charging Iso { get; }

        public NotifyEVChargingNeedsStatusEnumType NeedsAnswer { get; set; } = NotifyEVChargingNeedsStatusEnumType.Accepted;

        public bool FailNeeds { get; set; }

        public async Task StartIsoTransactionAsync(EvChargingNeeds needs)
        {
            await Iso.PlugInAsync(1, needs);
            await Blocks.Authorization.PresentTokenAsync(1, Token);
            Assert.NotNull(Context.Evses[1].Transaction);
        }

        public ChargingProfileType TxProfile(int scheduleId, params (int Start, decimal Limit)[] periods) => new()
        {
            Id = 100 + scheduleId,
            StackLevel = 0,
            ChargingProfilePurpose = ChargingProfilePurposeEnumType.TxProfile,
            ChargingProfileKind = ChargingProfileKindEnumType.Absolute,
            TransactionId = Context.Evses[1].Transaction!.Id,
            ChargingSchedule =
            [
                new ChargingScheduleType
                {
                    Id = scheduleId,
                    StartSchedule = Context.Clock.GetUtcNow(),
                    ChargingRateUnit = ChargingRateUnitEnumType.A,
                    ChargingSchedulePeriod = [.. periods.Select(p => new ChargingSchedulePeriodType { StartPeriod = p.Start, Limit = p.Limit })],
                },
            ],
        };

        public CompositeScheduleType Composite(ChargingRateUnitEnumType unit, params (int Start, decimal Limit)[] periods) => new()
        {
            EvseId = 1,
            Duration = 86400,
            ScheduleStart = Context.Clock.GetUtcNow(),
            ChargingRateUnit = unit,
            ChargingSchedulePeriod = [.. periods.Select(p => new ChargingSchedulePeriodType { StartPeriod = p.Start, Limit = p.Limit })],
        };

        public void Dispose() => Context.Dispose();
    }

    /// <summary>Block K's view, faked: one TxProfile and one composite schedule for EVSE 1.</summary>
    private sealed class FakeSchedules : ICompositeSchedules
    {
        private readonly Lock _lock = new();
        private ChargingProfileType? _tx;
        private CompositeScheduleType? _composite;

        public event Action<int>? Changed;

        public void Set(ChargingProfileType? tx, CompositeScheduleType? composite)
        {
            lock (_lock)
            {
                _tx = tx;
                _composite = composite;
            }

            Raise(1);
        }

        public void Raise(int evseId) => Changed?.Invoke(evseId);

        public CompositeScheduleType? Compose(int evseId, int durationSeconds, ChargingRateUnitEnumType? unit = null)
        {
            lock (_lock)
            {
                return evseId == 1 ? _composite : null;
            }
        }

        public ChargingProfileType? TxProfile(int evseId)
        {
            lock (_lock)
            {
                return evseId == 1 ? _tx : null;
            }
        }
    }
}
