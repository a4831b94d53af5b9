using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block A, Security, on the CSMS side: security events are stored; certificates cannot be signed yet.</summary>
public sealed class Security(StationMessageStore messages)
{
    /// <summary>The reasonCode of a SignCertificate that is refused because the CSMS has no certificate authority.</summary>
    public const string NoCaReason = "NoCAConfigured";

    // A04 Security Event Notification: stored as received; the operator reads them through the messages API.
    public async ValueTask<SecurityEventNotificationResponse> SecurityEventNotificationAsync(SecurityEventNotificationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new SecurityEventNotificationResponse();
    }

    // A02/A03 Update Charging Station Certificate (and M of the V2G certificate): Rejected, no CA is configured to sign the CSR.
    public async ValueTask<SignCertificateResponse> SignCertificateAsync(SignCertificateRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new SignCertificateResponse
        {
            Status = GenericStatusEnumType.Rejected,
            StatusInfo = new StatusInfoType { ReasonCode = NoCaReason, AdditionalInfo = "The CSMS has no certificate authority configured to sign certificate requests." },
        };
    }
}
