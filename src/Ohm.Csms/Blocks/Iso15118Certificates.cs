using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block M, ISO 15118 certificate management, on the CSMS side. The CSMS has no link to a contract certificate pool
/// or an OCSP responder yet: requests are stored and answered Failed, saying why.
/// </summary>
public sealed class Iso15118Certificates(StationMessageStore messages)
{
    /// <summary>The reasonCode of a Get15118EVCertificate that fails because no certificate provider is configured.</summary>
    public const string NoProviderReason = "NoCertProvider";

    /// <summary>The reasonCode of a GetCertificateStatus that fails because no OCSP responder is reachable.</summary>
    public const string NoOcspReason = "NoOcspResponder";

    // M01 Certificate installation EV, M02 Certificate update EV: Failed, no contract certificate provider is configured.
    public async ValueTask<Get15118EVCertificateResponse> Get15118EVCertificateAsync(Get15118EVCertificateRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new Get15118EVCertificateResponse
        {
            Status = Iso15118EVCertificateStatusEnumType.Failed,
            ExiResponse = "",
            StatusInfo = new StatusInfoType { ReasonCode = NoProviderReason, AdditionalInfo = "The CSMS has no contract certificate provider configured." },
        };
    }

    // M06 Get V2G Charging Station Certificate status: Failed, no OCSP responder is configured.
    public async ValueTask<GetCertificateStatusResponse> GetCertificateStatusAsync(GetCertificateStatusRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new GetCertificateStatusResponse
        {
            Status = GetCertificateStatusEnumType.Failed,
            StatusInfo = new StatusInfoType { ReasonCode = NoOcspReason, AdditionalInfo = "The CSMS has no OCSP responder configured to check certificates against." },
        };
    }
}
