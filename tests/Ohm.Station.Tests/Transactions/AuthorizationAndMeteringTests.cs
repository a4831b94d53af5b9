using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Transactions;

public sealed class AuthorizationAndMeteringTests
{
    [Fact]
    public async Task C01_An_idToken_the_CSMS_refuses_does_not_authorize()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.Authorize = _ => new AuthorizeResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Blocked } };
        var station = await h.StartStation("CS-C01");
        await Drive.Do(station, "plug");
        var status = await station.Authorization.PresentTokenAsync(1, "BAD");
        Assert.Equal(AuthorizationStatusEnumType.Blocked, status);
        Assert.Null(station.Evses[1].AuthorizedToken);
        Assert.Single(h.Csms.Of<AuthorizeRequest>("CS-C01"));
    }

    [Fact]
    public async Task C10_C12_Cached_idToken_authorizes_offline_with_LocalAuthorizeOffline_and_unknown_does_not()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-C12");
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(2, "KNOWN"));
        await station.SetOfflineAsync(true);
        await TestCsms.Until(() => !station.IsConnected, "offline");
        Assert.Equal(AuthorizationStatusEnumType.Unknown, await station.Authorization.AuthorizeAsync(new IdTokenType { IdToken = "STRANGER", Type = IdTokenEnumType.ISO14443 }));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.AuthorizeAsync(new IdTokenType { IdToken = "KNOWN", Type = IdTokenEnumType.ISO14443 }));
        station.Model.Set("AuthCtrlr", "OfflineTxForUnknownIdEnabled", "true");
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.AuthorizeAsync(new IdTokenType { IdToken = "STRANGER", Type = IdTokenEnumType.ISO14443 }));
        station.Model.Set("AuthCtrlr", "LocalAuthorizeOffline", "false");
        station.Model.Set("AuthCtrlr", "OfflineTxForUnknownIdEnabled", "false");
        Assert.Equal(AuthorizationStatusEnumType.Unknown, await station.Authorization.AuthorizeAsync(new IdTokenType { IdToken = "KNOWN", Type = IdTokenEnumType.ISO14443 }));
    }

    [Fact]
    public async Task C10_LocalPreAuthorize_uses_the_cache_without_Authorize_and_C11_ClearCache_empties_it()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-C10", StationHarness.Config(c => c.With("AuthCtrlr", "LocalPreAuthorize", "true")));
        var token = new IdTokenType { IdToken = "CACHED", Type = IdTokenEnumType.ISO14443 };
        await station.Authorization.AuthorizeAsync(token);
        await station.Authorization.AuthorizeAsync(token);
        Assert.Single(h.Csms.Of<AuthorizeRequest>("CS-C10"));
        var clear = await h.Csms.Call("CS-C10", new ClearCacheRequest());
        Assert.Equal(ClearCacheStatusEnumType.Accepted, clear.Status);
        await station.Authorization.AuthorizeAsync(token);
        Assert.Equal(2, h.Csms.Of<AuthorizeRequest>("CS-C10").Count);
    }

    [Fact]
    public async Task C10_The_cache_keeps_at_most_Storage_entries_and_evicts_the_least_recently_used()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-C10S", StationHarness.Config(c => c
            .With("AuthCtrlr", "LocalPreAuthorize", "true")
            .With("AuthCacheCtrlr", "Storage", "2")));
        IdTokenType T(string id) => new() { IdToken = id, Type = IdTokenEnumType.ISO14443 };
        await station.Authorization.AuthorizeAsync(T("A"));
        await station.Authorization.AuthorizeAsync(T("B"));
        await station.Authorization.AuthorizeAsync(T("A"));
        await station.Authorization.AuthorizeAsync(T("C"));
        Assert.Equal(2, station.Store.GetRecords("auth:").Count);
        await station.Authorization.AuthorizeAsync(T("A"));
        await station.Authorization.AuthorizeAsync(T("B"));
        Assert.Equal(["A", "B", "C", "B"], h.Csms.Of<AuthorizeRequest>("CS-C10S").Select(a => a.IdToken.IdToken));
    }

    [Fact]
    public async Task E05_idTokenInfo_Invalid_in_a_TransactionEventResponse_ends_the_transaction_with_StopTxOnInvalidId()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.TransactionEvent = e => e.IdToken is null
            ? new TransactionEventResponse()
            : new TransactionEventResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Invalid } };
        var station = await h.StartStation("CS-E05");
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        var ended = await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Equal(TriggerReasonEnumType.Deauthorized, ended.TriggerReason);
        Assert.Equal(ReasonEnumType.DeAuthorized, ended.TransactionInfo.StoppedReason);
    }

    [Fact]
    public async Task E05_idTokenInfo_Invalid_without_StopTxOnInvalidId_suspends_energy_and_keeps_the_transaction()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.TransactionEvent = e => e.IdToken is null
            ? new TransactionEventResponse()
            : new TransactionEventResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Invalid } };
        var station = await h.StartStation("CS-E05B", StationHarness.Config(c => c.With("TxCtrlr", "StopTxOnInvalidId", "false")));
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        var suspended = await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TriggerReason == TriggerReasonEnumType.Deauthorized);
        Assert.Equal(ChargingStateEnumType.SuspendedEVSE, suspended.TransactionInfo.ChargingState);
        Assert.NotNull(station.Evses[1].Transaction);
    }

    [Fact]
    public async Task E05_MaxEnergyOnInvalidId_lets_that_much_energy_through_then_suspends()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.TransactionEvent = e => e.IdToken is null
            ? new TransactionEventResponse()
            : new TransactionEventResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Invalid } };
        var station = await h.StartStation("CS-E05C", StationHarness.Config(c => c
            .With("TxCtrlr", "StopTxOnInvalidId", "false")
            .With("TxCtrlr", "MaxEnergyOnInvalidId", "1")));
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        var limited = await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TriggerReason == TriggerReasonEnumType.EnergyLimitReached);
        Assert.Equal(ChargingStateEnumType.SuspendedEVSE, limited.TransactionInfo.ChargingState);
        Assert.True(station.Evses[1].EnergyWh >= 1);
        Assert.NotNull(station.Evses[1].Transaction);
    }

    [Fact]
    public async Task E03_EVConnectionTimeOut_ends_a_transaction_started_at_Authorized_when_no_cable_comes()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-E03", StationHarness.Config(c => c
            .With("TxCtrlr", "TxStartPoint", "Authorized")
            .With("TxCtrlr", "EVConnectionTimeOut", "1")));
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        var ended = await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Equal(TriggerReasonEnumType.EVConnectTimeout, ended.TriggerReason);
        Assert.Equal(ReasonEnumType.Timeout, ended.TransactionInfo.StoppedReason);
    }

    [Fact]
    public async Task J02_TxUpdatedInterval_sends_periodic_samples_of_TxUpdatedMeasurands()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-J02", StationHarness.Config(c => c
            .With("SampledDataCtrlr", "TxUpdatedInterval", "1")
            .With("SampledDataCtrlr", "TxUpdatedMeasurands", "Energy.Active.Import.Register,Power.Active.Import,Voltage")));
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await TestCsms.Until(() => h.Csms.Events("CS-J02").Count(e => e.TriggerReason == TriggerReasonEnumType.MeterValuePeriodic) >= 2, "two periodic samples");
        var sample = h.Csms.Events("CS-J02").Last(e => e.TriggerReason == TriggerReasonEnumType.MeterValuePeriodic);
        var values = sample.MeterValue![0].SampledValue;
        Assert.Equal([MeasurandEnumType.EnergyActiveImportRegister, MeasurandEnumType.PowerActiveImport, MeasurandEnumType.Voltage], values.Select(v => v.Measurand!.Value));
        Assert.All(values, v => Assert.Equal(ReadingContextEnumType.SamplePeriodic, v.Context));
        Assert.Equal(11000m, values[1].Value);
    }

    [Fact]
    public async Task J01_SendDuringIdle_sends_clock_aligned_MeterValues_of_idle_EVSEs()
    {
        await using var h = await StationHarness.StartAsync();
        await h.StartStation("CS-J01I", StationHarness.Config(c => c
            .With("AlignedDataCtrlr", "Interval", "1")
            .With("AlignedDataCtrlr", "SendDuringIdle", "true")));
        var idle = await h.Csms.WaitFor<MeterValuesRequest>();
        Assert.Equal(ReadingContextEnumType.SampleClock, idle.MeterValue[0].SampledValue[0].Context);
        Assert.Equal(MeasurandEnumType.EnergyActiveImportRegister, idle.MeterValue[0].SampledValue[0].Measurand);
    }

    [Fact]
    public async Task J02_TxEndedInterval_samples_are_sent_with_the_Ended_event()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-J02E", StationHarness.Config(c => c.With("SampledDataCtrlr", "TxEndedInterval", "1")));
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await TestCsms.Until(() => station.Evses[1].Transaction?.EndedSamples.Count >= 2, "two TxEndedInterval samples");
        await Drive.Do(station, "unplug");
        var ended = await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.True(ended.MeterValue!.Count >= 3);
        Assert.All(ended.MeterValue.SkipLast(1), m => Assert.Equal(ReadingContextEnumType.SamplePeriodic, m.SampledValue[0].Context));
        Assert.Equal(ReadingContextEnumType.TransactionEnd, ended.MeterValue[^1].SampledValue[0].Context);
        Assert.True(ended.MeterValue[^1].SampledValue[0].Value >= ended.MeterValue[0].SampledValue[0].Value);
    }

    [Fact]
    public async Task J01_AlignedDataCtrlr_Interval_sends_clock_aligned_values_in_a_transaction()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-J01", StationHarness.Config(c => c.With("AlignedDataCtrlr", "Interval", "1")));
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        var clock = await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TriggerReason == TriggerReasonEnumType.MeterValueClock);
        Assert.Equal(ReadingContextEnumType.SampleClock, clock.MeterValue![0].SampledValue[0].Context);
    }
}
