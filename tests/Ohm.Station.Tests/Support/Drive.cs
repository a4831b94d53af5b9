using Ohm.Ocpp.Messages;

namespace Ohm.Station.Tests.Support;

/// <summary>Simulator inputs by name, for table-driven tests.</summary>
public static class Drive
{
    public const string Token = "TOKEN-1";

    public static async Task Do(ChargingStation station, string step, int evse = 1)
    {
        switch (step)
        {
            case "plug":
                await station.Transactions.PlugInAsync(evse);
                break;
            case "unplug":
                await station.Transactions.UnplugAsync(evse);
                break;
            case "auth":
            case "stopauth":
                await station.Authorization.PresentTokenAsync(evse, Token);
                break;
            case "bay":
                await station.Transactions.SetParkingBayAsync(evse, true);
                break;
            case "bayempty":
                await station.Transactions.SetParkingBayAsync(evse, false);
                break;
            case "power0":
                await station.Transactions.SetEvPowerAsync(evse, 0);
                break;
            default:
                throw new ArgumentException(step);
        }
    }

    public static List<TransactionEventRequest> Events(this TestCsms csms, string stationId) => csms.Of<TransactionEventRequest>(stationId);

    public static Task<TransactionEventRequest> WaitForEvent(this TestCsms csms, TransactionEventEnumType type, Func<TransactionEventRequest, bool>? also = null, int seconds = 60) =>
        csms.WaitFor<TransactionEventRequest>(e => e.EventType == type && (also?.Invoke(e) ?? true), seconds);
}
