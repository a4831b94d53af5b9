using System.Globalization;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>What the driver last saw at an EVSE: the tariff text, the running cost, the total cost (block I).</summary>
public sealed record EvseCostView
{
    /// <summary>The tariff text (the personal message, or the fallback message).</summary>
    public string? TariffText { get; init; }

    /// <summary>The running cost of the last CostUpdated.</summary>
    public decimal? RunningCost { get; init; }

    /// <summary>The total cost of the Ended TransactionEvent's answer.</summary>
    public decimal? TotalCost { get; init; }

    /// <summary>The TotalCostFallbackMessage shown when no total cost came.</summary>
    public string? TotalCostText { get; init; }

    /// <summary>The transaction it is about.</summary>
    public string? TransactionId { get; init; }
}

/// <summary>
/// I: tariff and cost on the station. TariffCostCtrlr: Available, Enabled, TariffFallbackMessage,
/// TotalCostFallbackMessage, Currency. Shows the personal message of an idTokenInfo (Authorize and TransactionEvent
/// answers, I01) and updatedPersonalMessage (I06), CostUpdated's running cost (I02), the Ended answer's totalCost
/// (I03); TariffFallbackMessage when a token is authorized without a tariff from the CSMS (offline, I04) and
/// TotalCostFallbackMessage when a transaction ends without a total cost (offline, I05). Text goes to the display.
/// </summary>
public sealed class TariffCost
{
    private const string Component = "TariffCostCtrlr";
    private readonly IStationContext _context;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, EvseCostView> _shown = [];
    private readonly Dictionary<string, int> _evseOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MessageContentType?> _authorized = new(StringComparer.Ordinal);

    internal TariffCost(IStationContext context) => _context = context;

    /// <summary>Whether the station shows tariffs and costs (TariffCostCtrlr.Enabled; false without the component).</summary>
    public bool Enabled => _context.Model.Flag(Component, "Enabled", false);

    /// <summary>The currency costs are shown in (TariffCostCtrlr.Currency).</summary>
    public string Currency => _context.Model.Value(Component, "Currency") ?? "";

    /// <summary>What the driver last saw, per EVSE.</summary>
    public IReadOnlyDictionary<int, EvseCostView> Shown()
    {
        lock (_lock)
        {
            return new Dictionary<int, EvseCostView>(_shown);
        }
    }

    /// <summary>What the driver last saw at an EVSE; null for nothing.</summary>
    public EvseCostView? Of(int evseId)
    {
        lock (_lock)
        {
            return _shown.GetValueOrDefault(evseId);
        }
    }

    // I01: the CSMS answered Authorize; its personal message is kept until the token is presented at an EVSE.
    internal void OnAuthorized(IdTokenType token, IdTokenInfoType info)
    {
        lock (_lock)
        {
            _authorized[token.IdToken] = info.PersonalMessage;
        }
    }

    // I01, I04: a token was presented at an EVSE and accepted: the CSMS's tariff text, or the fallback message when the
    // station decided without the CSMS (offline, or from its local list) or the CSMS sent none.
    internal void OnPresented(int evseId, IdTokenType token, AuthorizationStatusEnumType status)
    {
        MessageContentType? message;
        lock (_lock)
        {
            _authorized.Remove(token.IdToken, out message);
        }

        if (status != AuthorizationStatusEnumType.Accepted || !Enabled)
        {
            return;
        }

        var text = message?.Content ?? _context.Model.Value(Component, "TariffFallbackMessage");
        if (!string.IsNullOrEmpty(text))
        {
            Show(evseId, null, v => v with { TariffText = text, RunningCost = null, TotalCost = null, TotalCostText = null }, text);
        }
    }

    // I01, I03, I06: the CSMS's answer to a TransactionEvent.
    internal void OnTransactionEventResponse(TransactionEventRequest request, TransactionEventResponse response)
    {
        var transactionId = request.TransactionInfo.TransactionId;
        int? evseId;
        lock (_lock)
        {
            if (request.Evse?.Id is { } given)
            {
                _evseOf[transactionId] = given;
            }

            evseId = _evseOf.TryGetValue(transactionId, out var known) ? known : null;
            if (request.EventType == TransactionEventEnumType.Ended)
            {
                _evseOf.Remove(transactionId);
            }
        }

        if (!Enabled || evseId is not { } evse)
        {
            return;
        }

        if ((response.UpdatedPersonalMessage ?? response.IdTokenInfo?.PersonalMessage) is { Content: { Length: > 0 } text })
        {
            Show(evse, transactionId, v => v with { TariffText = text }, text); // I01, I06
        }

        if (request.EventType == TransactionEventEnumType.Ended)
        {
            if (response.TotalCost is { } total)
            {
                Show(evse, transactionId, v => v with { TotalCost = total, TotalCostText = null }, "Total cost: " + Money(total)); // I03
            }
            else
            {
                ShowTotalFallback(evse, transactionId); // I05
            }
        }
    }

    // I05: a transaction ended while the station is offline: the total cost fallback message until the CSMS answers.
    internal void OnEnded(int evseId, string transactionId)
    {
        lock (_lock)
        {
            _evseOf[transactionId] = evseId;
        }

        if (Enabled && !_context.IsOnline)
        {
            ShowTotalFallback(evseId, transactionId);
        }
    }

    // I02 Show EV Driver Running Total Cost During Charging.
    internal ValueTask<CostUpdatedResponse> CostUpdated(CostUpdatedRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var evse = _context.Evses.Values.FirstOrDefault(e => e.Transaction?.Id == request.TransactionId);
        if (evse is not null)
        {
            lock (_lock)
            {
                _evseOf[request.TransactionId] = evse.Id;
            }

            if (Enabled)
            {
                Show(evse.Id, request.TransactionId, v => v with { RunningCost = request.TotalCost }, "Cost so far: " + Money(request.TotalCost));
            }
        }
        else
        {
            _context.Report($"CostUpdated for unknown transaction {request.TransactionId}: {Money(request.TotalCost)}");
        }

        return ValueTask.FromResult(new CostUpdatedResponse());
    }

    private void ShowTotalFallback(int evseId, string transactionId)
    {
        var text = _context.Model.Value(Component, "TotalCostFallbackMessage");
        if (!string.IsNullOrEmpty(text))
        {
            Show(evseId, transactionId, v => v with { TotalCostText = text }, text);
        }
    }

    private string Money(decimal amount) => (amount.ToString("0.00##", CultureInfo.InvariantCulture) + " " + Currency).TrimEnd();

    private void Show(int evseId, string? transactionId, Func<EvseCostView, EvseCostView> change, string text)
    {
        lock (_lock)
        {
            var now = _shown.GetValueOrDefault(evseId) ?? new EvseCostView();
            if (transactionId is not null && now.TransactionId != transactionId)
            {
                now = now with { TransactionId = transactionId, RunningCost = null, TotalCost = null, TotalCostText = null };
            }

            _shown[evseId] = change(now);
        }

        _context.Report($"EVSE {evseId} shows: {text}");
        _context.Hardware.Display.Show(evseId, text);
    }
}
