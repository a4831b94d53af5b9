using Ohm.Ocpp.Messages;
using Ohm.Station.DeviceModel;
using Ohm.Station.Tests.Support;
using TariffCostBlock = Ohm.Station.Blocks.TariffCost;

namespace Ohm.Station.Tests.TariffCost;

/// <summary>Block I on the station, with the wire faked: what the driver sees and what the block keeps per EVSE.</summary>
public sealed class TariffCostBlockTests
{
    private static readonly IdTokenType Token = new() { IdToken = "TOKEN-1", Type = IdTokenEnumType.ISO14443 };

    private static (FakeStationContext Context, TariffCostBlock Block) Make(DeviceModelConfig? config = null)
    {
        var context = new FakeStationContext(config);
        return (context, new TariffCostBlock(context));
    }

    private static TransactionEventRequest Event(TransactionEventEnumType type, string transactionId, int? evseId = 1) => new()
    {
        EventType = type, SeqNo = 0, Timestamp = DateTimeOffset.UnixEpoch, TriggerReason = TriggerReasonEnumType.Authorized,
        TransactionInfo = new TransactionType { TransactionId = transactionId }, Evse = evseId is { } e ? new EVSEType { Id = e } : null,
    };

    [Fact]
    public void I01_the_personal_message_of_the_Authorize_answer_is_shown_at_the_EVSE_the_token_is_presented_at()
    {
        var (context, block) = Make();
        using var _ = context;
        block.OnAuthorized(Token, new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted, PersonalMessage = new MessageContentType { Format = MessageFormatEnumType.UTF8, Content = "0,30 per kWh", Language = "nl" } });
        block.OnPresented(2, Token, AuthorizationStatusEnumType.Accepted);
        Assert.Equal("0,30 per kWh", block.Of(2)?.TariffText);
        Assert.Contains("EVSE 2: 0,30 per kWh", context.Simulator!.Displayed);
    }

    [Fact]
    public void I04_a_token_accepted_without_a_tariff_from_the_CSMS_shows_the_TariffFallbackMessage()
    {
        var (context, block) = Make(StationHarness.Config(c => c.With("TariffCostCtrlr", "TariffFallbackMessage", "Prices at the desk")));
        using var _ = context;
        block.OnPresented(1, Token, AuthorizationStatusEnumType.Accepted); // offline: no Authorize answer
        Assert.Equal("Prices at the desk", block.Of(1)?.TariffText);
    }

    [Fact]
    public async Task I02_CostUpdated_shows_the_running_cost_at_the_EVSE_of_the_transaction()
    {
        var (context, block) = Make();
        using var _ = context;
        context.Evses[1].Transaction = new TransactionState { Id = "TX-1" };
        await block.CostUpdated(new CostUpdatedRequest { TransactionId = "TX-1", TotalCost = 1.234m }, null!, CancellationToken.None);
        Assert.Equal(1.234m, block.Of(1)?.RunningCost);
        Assert.Equal("TX-1", block.Of(1)?.TransactionId);
        Assert.Contains("EVSE 1: Cost so far: 1.234 EUR", context.Simulator!.Displayed);
    }

    [Fact]
    public async Task I02_CostUpdated_for_an_unknown_transaction_is_answered_and_shown_nowhere()
    {
        var (context, block) = Make();
        using var _ = context;
        Assert.NotNull(await block.CostUpdated(new CostUpdatedRequest { TransactionId = "NOPE", TotalCost = 1m }, null!, CancellationToken.None));
        Assert.Empty(block.Shown());
    }

    [Fact]
    public void I03_the_totalCost_of_the_Ended_answer_is_shown()
    {
        var (context, block) = Make();
        using var _ = context;
        block.OnTransactionEventResponse(Event(TransactionEventEnumType.Started, "TX-2"), new TransactionEventResponse());
        block.OnTransactionEventResponse(Event(TransactionEventEnumType.Ended, "TX-2", evseId: null), new TransactionEventResponse { TotalCost = 7.5m });
        Assert.Equal(7.5m, block.Of(1)?.TotalCost);
        Assert.Contains("EVSE 1: Total cost: 7.50 EUR", context.Simulator!.Displayed);
    }

    [Fact]
    public void I05_an_Ended_answer_without_totalCost_or_an_end_while_offline_shows_the_TotalCostFallbackMessage()
    {
        var (context, block) = Make(StationHarness.Config(c => c.With("TariffCostCtrlr", "TotalCostFallbackMessage", "See your invoice")));
        using var _ = context;
        context.IsOnline = false;
        block.OnEnded(1, "TX-3");
        Assert.Equal("See your invoice", block.Of(1)?.TotalCostText);

        block.OnTransactionEventResponse(Event(TransactionEventEnumType.Ended, "TX-4", 2), new TransactionEventResponse());
        Assert.Equal("See your invoice", block.Of(2)?.TotalCostText);
    }

    [Fact]
    public void I06_an_updatedPersonalMessage_during_the_transaction_replaces_the_tariff_text()
    {
        var (context, block) = Make();
        using var _ = context;
        block.OnTransactionEventResponse(Event(TransactionEventEnumType.Started, "TX-5"), new TransactionEventResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted, PersonalMessage = new MessageContentType { Format = MessageFormatEnumType.UTF8, Content = "old" } } });
        Assert.Equal("old", block.Of(1)?.TariffText);
        block.OnTransactionEventResponse(Event(TransactionEventEnumType.Updated, "TX-5", null), new TransactionEventResponse { UpdatedPersonalMessage = new MessageContentType { Format = MessageFormatEnumType.UTF8, Content = "new" } });
        Assert.Equal("new", block.Of(1)?.TariffText);
    }

    [Fact]
    public async Task I_with_TariffCostCtrlr_Enabled_false_nothing_is_shown()
    {
        var (context, block) = Make(StationHarness.Config(c => c.With("TariffCostCtrlr", "Enabled", "false")));
        using var _ = context;
        context.Evses[1].Transaction = new TransactionState { Id = "TX-6" };
        await block.CostUpdated(new CostUpdatedRequest { TransactionId = "TX-6", TotalCost = 1m }, null!, CancellationToken.None);
        block.OnPresented(1, Token, AuthorizationStatusEnumType.Accepted);
        Assert.Empty(block.Shown());
    }
}
