using Ohm.Csms.Certificates;
using Ohm.Csms.Certificates.Ocsp;
using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block M, ISO 15118 certificate management, on the CSMS side: M01/M02 Get15118EVCertificate forwarded to the contract
/// certificate provider (Failed, saying so, when none is configured), M06 GetCertificateStatus answered from a real
/// OCSP check at the responder the station names. Every request is stored as it came.
/// </summary>
public sealed class Iso15118Certificates(StationMessageStore messages, OcspClient ocsp, IContractCertificateProvider? provider = null)
{
    /// <summary>The reasonCode of a Get15118EVCertificate that fails because no certificate provider is configured.</summary>
    public const string NoProviderReason = "NoCertProvider";

    /// <summary>The reasonCode of a GetCertificateStatus whose verified OCSP response is longer than ocspResult may be.</summary>
    public const string TooLargeReason = "OcspResultTooLarge";

    /// <summary>The reasonCode of a GetCertificateStatus that the responder answered Unknown for.</summary>
    public const string UnknownReason = "CertificateUnknown";

    /// <summary>The longest ocspResult (base64) a GetCertificateStatusResponse may carry (the schema's maxLength).</summary>
    public const int MaxOcspResultLength = 5500;

    // M01 Certificate installation EV, M02 Certificate update EV: forwarded to the contract certificate provider.
    public async ValueTask<Get15118EVCertificateResponse> Get15118EVCertificateAsync(Get15118EVCertificateRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        if (provider is null)
        {
            return new Get15118EVCertificateResponse
            {
                Status = Iso15118EVCertificateStatusEnumType.Failed,
                ExiResponse = "",
                StatusInfo = new StatusInfoType { ReasonCode = NoProviderReason, AdditionalInfo = "The CSMS has no contract certificate provider configured (Csms:ContractCertificates:Url)." },
            };
        }

        return await provider.GetAsync(context.StationId, request, cancellationToken).ConfigureAwait(false);
    }

    // M06 Get V2G Charging Station Certificate status: the OCSP responder's verified answer, revoked or good (M06.FR.01:
    // the station gets the OCSPResponse and decides), Failed when there is none to give.
    public async ValueTask<GetCertificateStatusResponse> GetCertificateStatusAsync(GetCertificateStatusRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var check = await ocsp.CheckAsync(request.OcspRequestData, cancellationToken).ConfigureAwait(false);
        if (check.Status == OcspCertificateStatus.Failed)
        {
            return Failed(check.Reason ?? OcspCheck.ResponderError, check.Detail ?? "The OCSP check failed.");
        }

        if (check.Status == OcspCertificateStatus.Unknown)
        {
            return Failed(UnknownReason, "The OCSP responder does not know the certificate: it gave no status to pass on.");
        }

        var result = Convert.ToBase64String(check.Response!);
        if (result.Length > MaxOcspResultLength)
        {
            return Failed(TooLargeReason, $"The responder's OCSP response is {result.Length} base64 characters; ocspResult holds at most {MaxOcspResultLength}.");
        }

        return new GetCertificateStatusResponse { Status = GetCertificateStatusEnumType.Accepted, OcspResult = result };
    }

    private static GetCertificateStatusResponse Failed(string reason, string detail) => new()
    {
        Status = GetCertificateStatusEnumType.Failed,
        StatusInfo = new StatusInfoType { ReasonCode = reason, AdditionalInfo = detail.Length > 512 ? detail[..512] : detail },
    };
}
