using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block L, Firmware management, on the CSMS side: the station's status notifications are stored.</summary>
public sealed class Firmware(StationMessageStore messages)
{
    // L01 Secure Firmware Update: each FirmwareStatusNotification is stored.
    public async ValueTask<FirmwareStatusNotificationResponse> FirmwareStatusNotificationAsync(FirmwareStatusNotificationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new FirmwareStatusNotificationResponse();
    }

    // L03 Publish Firmware file on Local Controller: each PublishFirmwareStatusNotification is stored.
    public async ValueTask<PublishFirmwareStatusNotificationResponse> PublishFirmwareStatusNotificationAsync(PublishFirmwareStatusNotificationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new PublishFirmwareStatusNotificationResponse();
    }
}
