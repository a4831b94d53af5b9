using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Messages;

namespace Ohm.Station.Hardware;

/// <summary>
/// The Plug &amp; Charge side of the EV's ISO 15118 communication at each EVSE, as the charger's SECC tells it: the
/// contract certificate chain a Plug &amp; Charge EV presented (its PaymentDetailsReq, C07), and the EV's wish to install
/// or update its contract certificate (CertificateInstallationReq / CertificateUpdateReq, M01/M02), whose answer goes
/// back to the EV as an EXI stream the station does not read.
/// </summary>
public interface IEvContractCertificates
{
    /// <summary>The contract the EV plugged at the EVSE presented; null when none is plugged or the EV does not do Plug &amp; Charge.</summary>
    EvContract? Contract(int evseId);

    /// <summary>Raised with the EVSE id when the EV presented its contract certificate chain (C07); <see cref="Contract"/> then gives it.</summary>
    event Action<int>? ContractPresented;

    /// <summary>Raised when the EV at the EVSE asks to install or update its contract certificate (M01/M02).</summary>
    event Action<int, EvCertificateRequest>? CertificateRequested;

    /// <summary>Hands the CSMS's answer to a <see cref="CertificateRequested"/> back to the EV (CertificateInstallationRes / CertificateUpdateRes).</summary>
    void CertificateAnswered(int evseId, EvCertificateResponse response);
}

/// <summary>A Plug &amp; Charge EV's contract: its eMAID and its contract certificate chain.</summary>
/// <param name="Emaid">The eMAID, the contract leaf's subject CN (e.g. NLOHM0000000001).</param>
/// <param name="Chain">The chain the EV sent: the contract leaf first, then the MO sub-CA(s) that issued it (the MO root is not sent).</param>
public sealed record EvContract(string Emaid, IReadOnlyList<X509Certificate2> Chain)
{
    /// <summary>The contract leaf certificate.</summary>
    public X509Certificate2 Leaf => Chain[0];
}

/// <summary>An EV's CertificateInstallationReq or CertificateUpdateReq as the SECC received it.</summary>
/// <param name="SchemaVersion">The ISO 15118 schema of the session (e.g. urn:iso:15118:2:2013:MsgDef).</param>
/// <param name="Action">Install (M01) or Update (M02).</param>
/// <param name="ExiRequest">The EV's request, an EXI stream, base64 (at most 5600 characters).</param>
public sealed record EvCertificateRequest(string SchemaVersion, CertificateActionEnumType Action, string ExiRequest);

/// <summary>What the station hands back to the EV for its certificate request.</summary>
/// <param name="Status">The CSMS's status (Accepted, or Failed when the CSMS, or the way to it, failed).</param>
/// <param name="ExiResponse">The CertificateInstallationRes / CertificateUpdateRes, an EXI stream, base64; empty when failed.</param>
public sealed record EvCertificateResponse(Iso15118EVCertificateStatusEnumType Status, string ExiResponse);
