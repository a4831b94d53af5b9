using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block O, Display message, on the CSMS side: the station's reports of its messages are stored.</summary>
public sealed class DisplayMessage(StationMessageStore messages)
{
    // O03 Get All DisplayMessages, O04 Get Specific DisplayMessages: each NotifyDisplayMessages part is stored.
    public async ValueTask<NotifyDisplayMessagesResponse> NotifyDisplayMessagesAsync(NotifyDisplayMessagesRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new NotifyDisplayMessagesResponse();
    }
}
