using Ohm.Station;

namespace Ohm.Cli;

/// <summary>A simulated driver on every EVSE of a station: plug in, present a token, charge a while, unplug, pause; again.</summary>
internal static class ChargingActivity
{
    public static async Task RunAsync(ChargingStation station, TimeSpan charge, TimeSpan pause, CancellationToken cancellationToken)
    {
        var drivers = station.Evses.Keys.Select((evse, i) => DriveAsync(station, evse, i, charge, pause, cancellationToken));
        await Task.WhenAll(drivers);
    }

    private static async Task DriveAsync(ChargingStation station, int evse, int index, TimeSpan charge, TimeSpan pause, CancellationToken cancellationToken)
    {
        var session = 0;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(index * 2), cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                while (!station.IsOnline && !cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(500, cancellationToken);
                }

                session++;
                if (station.Evses[evse].Transaction is null)
                {
                    await station.Transactions.PlugInAsync(evse);
                    await station.Authorization.PresentTokenAsync(evse, $"{station.Id}-{evse}-{session % 5}");
                }

                await Task.Delay(charge, cancellationToken);
                await station.Transactions.UnplugAsync(evse);
                await Task.Delay(pause, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
