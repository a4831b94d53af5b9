using System.Runtime.CompilerServices;
using Ohm.Csms.Blocks;
using Ohm.Csms.Events;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>The Transactions block tells the console's live views of every stored TransactionEvent.</summary>
public sealed class TransactionsFleetChangeTests
{
    private sealed class RecordingChanges : IFleetChanges
    {
        public List<FleetChange> Published { get; } = [];

        public void Publish(FleetChange change) => Published.Add(change);

        public async IAsyncEnumerable<FleetChange> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            yield break;
        }
    }

    private static TransactionEventRequest Event(int seqNo, TransactionEventEnumType type, EVSEType? evse = null) => new()
    {
        EventType = type,
        SeqNo = seqNo,
        Timestamp = BlockTestBed.T0.AddMinutes(seqNo),
        TriggerReason = TriggerReasonEnumType.MeterValuePeriodic,
        TransactionInfo = new TransactionType { TransactionId = "tx-live" },
        Evse = evse,
    };

    [Fact]
    public async Task Each_stored_event_publishes_a_Transaction_change_with_its_event_type_transaction_and_EVSE_after_the_commit()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var changes = new RecordingChanges();
        var transactions = new Transactions(bed.Writer, bed.Authorization, bed.Router, bed.Background, bed.Clock, bed.Logger<Transactions>(), changes: changes);
        var station = await bed.BootedStationAsync("CS-LIVE");

        await bed.HandleAsync(transactions.TransactionEventAsync, station, Event(0, TransactionEventEnumType.Started, new EVSEType { Id = 2, ConnectorId = 1 }));
        Assert.Single(changes.Published);
        Assert.Equal(1, await bed.ReadAsync(db => Task.FromResult(db.TransactionEvents.Count(e => e.TransactionId == "tx-live")))); // stored before it was told
        await bed.HandleAsync(transactions.TransactionEventAsync, station, Event(1, TransactionEventEnumType.Updated));
        await bed.HandleAsync(transactions.TransactionEventAsync, station, Event(1, TransactionEventEnumType.Updated)); // a duplicate changes nothing
        await bed.HandleAsync(transactions.TransactionEventAsync, station, Event(2, TransactionEventEnumType.Ended));

        Assert.Equal(
            [
                new FleetChange(FleetChangeKind.Transaction, "CS-LIVE", BlockTestBed.T0, 2, 1, "Started", "tx-live"),
                new FleetChange(FleetChangeKind.Transaction, "CS-LIVE", BlockTestBed.T0, 2, 1, "Updated", "tx-live"),
                new FleetChange(FleetChangeKind.Transaction, "CS-LIVE", BlockTestBed.T0, 2, 1, "Ended", "tx-live"),
            ],
            changes.Published);
    }
}
