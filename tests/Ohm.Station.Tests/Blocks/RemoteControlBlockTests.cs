using Ohm.Ocpp.Messages;
using Ohm.Station.Hardware;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Blocks;

/// <summary>RemoteControl on a fake context, with a fake connector lock in place of the simulator's.</summary>
public sealed class RemoteControlBlockTests
{
    [Fact]
    public async Task F05_UnlockConnector_asks_the_lock_and_never_during_an_authorized_transaction()
    {
        var connectorLock = new FakeLock();
        using var context = new FakeStationContext(hardware: h => new StationHardware
        {
            Meter = h.Meter,
            ConnectorLock = connectorLock,
            PowerPath = h.PowerPath,
            RateControl = h.RateControl,
            Display = h.Display,
            Ev = h.Ev,
            Firmware = h.Firmware,
            Sensors = h.Sensors,
        });
        var remote = context.Blocks().RemoteControl;
        async Task<UnlockStatusEnumType> Unlock(int evse, int connector) =>
            (await remote.UnlockConnector(new UnlockConnectorRequest { EvseId = evse, ConnectorId = connector }, null!, CancellationToken.None)).Status;

        // F05.FR.06: an unknown EVSE or connector is answered without touching a lock.
        Assert.Equal(UnlockStatusEnumType.UnknownConnector, await Unlock(9, 1));
        Assert.Equal(UnlockStatusEnumType.UnknownConnector, await Unlock(1, 2));

        // F05.FR.02: a cable of an authorized transaction stays locked.
        var evse = context.Evses[1];
        evse.Transaction = new TransactionState { Id = "tx-1" };
        evse.AuthorizedToken = new IdTokenType { IdToken = "DRIVER", Type = IdTokenEnumType.ISO14443 };
        Assert.Equal(UnlockStatusEnumType.OngoingAuthorizedTransaction, await Unlock(1, 1));
        Assert.Empty(connectorLock.Asked);

        // Otherwise the lock decides: Unlocked when it opened, UnlockFailed when it stayed shut.
        Assert.Equal(UnlockStatusEnumType.Unlocked, await Unlock(2, 1));
        connectorLock.Opens = false;
        Assert.Equal(UnlockStatusEnumType.UnlockFailed, await Unlock(2, 1));
        Assert.Equal([(2, 1), (2, 1)], connectorLock.Asked);
    }

    private sealed class FakeLock : IConnectorLock
    {
        public bool Opens { get; set; } = true;

        public List<(int Evse, int Connector)> Asked { get; } = [];

        public ValueTask<UnlockResult> UnlockAsync(int evseId, int connectorId, CancellationToken cancellationToken)
        {
            Asked.Add((evseId, connectorId));
            return ValueTask.FromResult(Opens ? UnlockResult.Unlocked : UnlockResult.UnlockFailed);
        }
    }
}
