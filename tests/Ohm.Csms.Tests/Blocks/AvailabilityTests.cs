using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>Block G, Availability, on the CSMS side, its handlers called directly with the wire faked and the clock injected.</summary>
public sealed class AvailabilityTests
{
    private static StatusNotificationRequest Status(ConnectorStatusEnumType status, DateTimeOffset at, int evseId = 1, int connectorId = 1) =>
        new() { ConnectorStatus = status, Timestamp = at, EvseId = evseId, ConnectorId = connectorId };

    private static Task<List<ConnectorStatusRecord>> StatusesAsync(BlockTestBed bed, string stationId) =>
        bed.ReadAsync(db => db.ConnectorStatuses.AsNoTracking().Where(s => s.StationId == stationId).OrderBy(s => s.Id).ToListAsync());

    [Fact]
    public async Task G01_a_first_status_is_stored_as_current_with_the_station_timestamp_and_the_CSMS_receipt_time_and_in_history()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-G01");
        bed.Clock.Advance(TimeSpan.FromMinutes(3));

        var response = await bed.HandleAsync(bed.Availability.StatusNotificationAsync, station, Status(ConnectorStatusEnumType.Available, BlockTestBed.T0.AddMinutes(1)));

        Assert.NotNull(response);
        var rows = await StatusesAsync(bed, "CS-G01");
        var current = Assert.Single(rows, r => r.Current);
        Assert.Equal("Available", current.Status);
        Assert.Equal((1, 1), (current.EvseId, current.ConnectorId));
        Assert.Equal(BlockTestBed.T0.AddMinutes(1), current.Timestamp);
        Assert.Equal(BlockTestBed.T0.AddMinutes(3), current.ReceivedAt);
        var history = Assert.Single(rows, r => !r.Current);
        Assert.Equal(("Available", BlockTestBed.T0.AddMinutes(1), BlockTestBed.T0.AddMinutes(3)), (history.Status, history.Timestamp, history.ReceivedAt));
    }

    [Fact]
    public async Task G01_a_newer_status_replaces_the_current_one_and_every_status_stays_in_history()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-G01b");
        await bed.HandleAsync(bed.Availability.StatusNotificationAsync, station, Status(ConnectorStatusEnumType.Available, BlockTestBed.T0));
        bed.Clock.Advance(TimeSpan.FromMinutes(10));
        await bed.HandleAsync(bed.Availability.StatusNotificationAsync, station, Status(ConnectorStatusEnumType.Occupied, BlockTestBed.T0.AddMinutes(10)));

        var rows = await StatusesAsync(bed, "CS-G01b");
        var current = Assert.Single(rows, r => r.Current);
        Assert.Equal(("Occupied", BlockTestBed.T0.AddMinutes(10), BlockTestBed.T0.AddMinutes(10)), (current.Status, current.Timestamp, current.ReceivedAt));
        Assert.Equal(["Available", "Occupied"], rows.Where(r => !r.Current).Select(r => r.Status));
    }

    [Fact]
    public async Task G01_an_older_status_replayed_after_being_offline_goes_to_history_and_does_not_replace_the_current_one()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-G01c");
        await bed.HandleAsync(bed.Availability.StatusNotificationAsync, station, Status(ConnectorStatusEnumType.Occupied, BlockTestBed.T0.AddMinutes(5)));
        await bed.HandleAsync(bed.Availability.StatusNotificationAsync, station, Status(ConnectorStatusEnumType.Faulted, BlockTestBed.T0.AddMinutes(2)));

        var rows = await StatusesAsync(bed, "CS-G01c");
        Assert.Equal("Occupied", Assert.Single(rows, r => r.Current).Status);
        Assert.Equal(["Occupied", "Faulted"], rows.Where(r => !r.Current).Select(r => r.Status));
    }

    [Fact]
    public async Task G01_each_connector_of_each_station_has_its_own_current_status()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var a = await bed.BootedStationAsync("CS-G01-A");
        var b = await bed.BootedStationAsync("CS-G01-B");
        await bed.HandleAsync(bed.Availability.StatusNotificationAsync, a, Status(ConnectorStatusEnumType.Available, BlockTestBed.T0, evseId: 1, connectorId: 1));
        await bed.HandleAsync(bed.Availability.StatusNotificationAsync, a, Status(ConnectorStatusEnumType.Occupied, BlockTestBed.T0, evseId: 1, connectorId: 2));
        await bed.HandleAsync(bed.Availability.StatusNotificationAsync, a, Status(ConnectorStatusEnumType.Unavailable, BlockTestBed.T0, evseId: 2, connectorId: 1));
        await bed.HandleAsync(bed.Availability.StatusNotificationAsync, b, Status(ConnectorStatusEnumType.Reserved, BlockTestBed.T0, evseId: 1, connectorId: 1));

        var currentA = (await StatusesAsync(bed, "CS-G01-A")).Where(r => r.Current).ToDictionary(r => (r.EvseId, r.ConnectorId), r => r.Status);
        Assert.Equal(new Dictionary<(int, int), string> { [(1, 1)] = "Available", [(1, 2)] = "Occupied", [(2, 1)] = "Unavailable" }, currentA);
        Assert.Equal("Reserved", Assert.Single(await StatusesAsync(bed, "CS-G01-B"), r => r.Current).Status);
    }

    [Fact]
    public async Task G02_a_heartbeat_is_answered_with_the_CSMS_clock_and_updates_last_seen()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-G02");
        bed.Clock.Advance(TimeSpan.FromSeconds(300));

        var first = await bed.HandleAsync(bed.Availability.HeartbeatAsync, station, new HeartbeatRequest());
        Assert.Equal(BlockTestBed.T0.AddSeconds(300), first.CurrentTime);
        Assert.Equal(BlockTestBed.T0.AddSeconds(300), station.LastSeenAt);

        bed.Clock.Advance(TimeSpan.FromSeconds(301));
        var second = await bed.HandleAsync(bed.Availability.HeartbeatAsync, station, new HeartbeatRequest());
        Assert.Equal(BlockTestBed.T0.AddSeconds(601), second.CurrentTime);
        Assert.Equal(BlockTestBed.T0.AddSeconds(601), station.LastSeenAt);
    }

    [Fact]
    public async Task G03_change_availability_of_an_EVSE_sends_the_status_and_EVSE_and_returns_the_station_answer()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        bed.Station("CS-G03");
        bed.Router.Answer<ChangeAvailabilityRequest, ChangeAvailabilityResponse>(new ChangeAvailabilityResponse { Status = ChangeAvailabilityStatusEnumType.Scheduled });

        var response = await bed.Availability.ChangeAvailabilityAsync("CS-G03", OperationalStatusEnumType.Inoperative, new EVSEType { Id = 2, ConnectorId = 1 }, CancellationToken.None);

        Assert.Equal(ChangeAvailabilityStatusEnumType.Scheduled, response.Status);
        var call = Assert.Single(bed.Router.Calls);
        Assert.Equal("CS-G03", call.StationId);
        var request = Assert.IsType<ChangeAvailabilityRequest>(call.Request);
        Assert.Equal(OperationalStatusEnumType.Inoperative, request.OperationalStatus);
        Assert.Equal((2, 1), (request.Evse!.Id, request.Evse.ConnectorId));
    }

    [Fact]
    public async Task G04_change_availability_of_the_station_sends_no_EVSE()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        bed.Station("CS-G04");
        bed.Router.Answer<ChangeAvailabilityRequest, ChangeAvailabilityResponse>(new ChangeAvailabilityResponse { Status = ChangeAvailabilityStatusEnumType.Accepted });

        var response = await bed.Availability.ChangeAvailabilityAsync("CS-G04", OperationalStatusEnumType.Operative, null, CancellationToken.None);

        Assert.Equal(ChangeAvailabilityStatusEnumType.Accepted, response.Status);
        var request = Assert.Single(bed.Router.Requests<ChangeAvailabilityRequest>());
        Assert.Equal(OperationalStatusEnumType.Operative, request.OperationalStatus);
        Assert.Null(request.Evse);
    }

    [Fact]
    public async Task G03_a_station_that_is_not_connected_or_answers_with_a_CALLERROR_makes_the_call_fail_with_that_reason()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var notConnected = await Assert.ThrowsAsync<StationNotConnectedException>(
            () => bed.Availability.ChangeAvailabilityAsync("CS-G03-off", OperationalStatusEnumType.Inoperative, null, CancellationToken.None));
        Assert.Equal("CS-G03-off", notConnected.StationId);

        bed.Station("CS-G03-err");
        bed.Router.FailWithCallError<ChangeAvailabilityRequest>(OcppErrorCode.NotSupported);
        var error = await Assert.ThrowsAsync<OcppCallErrorException>(
            () => bed.Availability.ChangeAvailabilityAsync("CS-G03-err", OperationalStatusEnumType.Inoperative, null, CancellationToken.None));
        Assert.Equal(OcppErrorCode.NotSupported, error.Code);
    }
}
