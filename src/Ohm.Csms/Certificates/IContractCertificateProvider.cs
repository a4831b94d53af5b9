using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Certificates;

/// <summary>
/// M01/M02: where the CSMS gets an EV's contract certificate from (a certificate pool service, a mobility operator's
/// backend). It receives the station's Get15118EVCertificate as it came (the EXI CertificateInstallationReq or
/// CertificateUpdateReq, base64) and answers the response to send back (the EXI response, base64), or Failed with a
/// statusInfo saying why. <see cref="HttpContractCertificateProvider"/> is the one shipped.
/// </summary>
public interface IContractCertificateProvider
{
    Task<Get15118EVCertificateResponse> GetAsync(string stationId, Get15118EVCertificateRequest request, CancellationToken cancellationToken);
}
