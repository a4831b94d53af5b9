using Ohm.Cli;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Reservation;

/// <summary>The station console's <c>reservations</c> command.</summary>
public sealed class ConsoleTests
{
    [Fact]
    public async Task Ohm_station_console_reservations_lists_the_reservations_the_station_holds()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-RES");
        using var empty = new StringWriter();
        StationCommand.PrintReservations(station, empty);
        Assert.Equal("CS-RES: 0 reservation(s)", empty.ToString().Trim());

        var expiry = new DateTimeOffset(2099, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-RES", new ReserveNowRequest
        {
            Id = 7,
            EvseId = 1,
            ConnectorType = ConnectorEnumType.CType2,
            IdToken = new IdTokenType { IdToken = "A", Type = IdTokenEnumType.ISO14443 },
            GroupIdToken = new IdTokenType { IdToken = "FLEET", Type = IdTokenEnumType.Central },
            ExpiryDateTime = expiry,
        })).Status);
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-RES", new ReserveNowRequest
        {
            Id = 8,
            IdToken = new IdTokenType { IdToken = "B", Type = IdTokenEnumType.ISO14443 },
            ExpiryDateTime = expiry,
        })).Status);

        using var output = new StringWriter();
        StationCommand.PrintReservations(station, output);
        Assert.Equal(
            ["CS-RES: 2 reservation(s)", "  7: EVSE 1 cType2 for A, group FLEET, until 2099-01-02T03:04:05Z", "  8: any EVSE for B, until 2099-01-02T03:04:05Z"],
            output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
