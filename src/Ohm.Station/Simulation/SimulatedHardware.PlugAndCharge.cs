using System.Security.Cryptography;
using System.Text;
using Ohm.Ocpp.Messages;
using Ohm.Station.Hardware;

namespace Ohm.Station.Simulation;

/// <summary>
/// The simulated Plug &amp; Charge EV (C07, M01/M02): plugged with a contract (given as PEM, or issued by the simulator's
/// own mobility operator, <see cref="MobilityOperator"/>), it presents its contract chain; it can ask to install or update
/// its contract certificate, and records what it got back. Its certificate requests are not real EXI streams: the
/// simulator makes an opaque base64 blob (a marker, the eMAID and the contract leaf's DER), which the CSMS forwards to its
/// contract-certificate provider unread.
/// </summary>
public sealed partial class SimulatedHardware : IEvContractCertificates
{
    /// <summary>The ISO 15118-2 schema the simulated EV speaks.</summary>
    public const string Iso15118Schema = "urn:iso:15118:2:2013:MsgDef";

    private readonly Dictionary<int, EvContract> _contracts = [];
    private readonly Dictionary<int, List<EvCertificateResponse>> _certificateAnswers = [];
    private SimulatedCertificateAuthority? _mobilityOperator;

    /// <inheritdoc/>
    public event Action<int>? ContractPresented;

    /// <inheritdoc/>
    public event Action<int, EvCertificateRequest>? CertificateRequested;

    /// <summary>The OCSP responder the simulator's mobility operator names in the contracts it issues; set before the first contract is issued.</summary>
    public Uri? ContractOcspResponder { get; set; }

    /// <summary>The simulator's own mobility operator (made on first use), which issues the contracts of <see cref="IssueContract"/>; its root is the MORootCertificate to install.</summary>
    public SimulatedCertificateAuthority MobilityOperator
    {
        get
        {
            lock (_lock)
            {
                return _mobilityOperator ??= SimulatedCertificateAuthority.Create("Ohm MO", ContractOcspResponder, _clock);
            }
        }
    }

    /// <summary>A contract for <paramref name="emaid"/> issued by the simulator's <see cref="MobilityOperator"/>.</summary>
    public EvContract IssueContract(string emaid) => MobilityOperator.IssueContract(emaid);

    /// <summary>Simulator input: the EV at the EVSE does Plug &amp; Charge with this contract (set it before the cable is plugged in); null: it does not.</summary>
    public void SetContract(int evseId, EvContract? contract)
    {
        lock (_lock)
        {
            if (contract is null)
            {
                _contracts.Remove(evseId);
            }
            else
            {
                // Another EV: what the previous one was answered is forgotten.
                _contracts[evseId] = contract;
                _certificateAnswers.Remove(evseId);
            }
        }
    }

    /// <summary>Simulator input: the EV presents its contract, as an SECC tells the station (the station then authorizes it in the background).</summary>
    public void PresentContract(int evseId) => ContractPresented?.Invoke(evseId);

    /// <summary>Simulator input: the EV asks to install or update its contract certificate, as an SECC tells the station (answered in the background).</summary>
    public void RequestCertificate(int evseId, CertificateActionEnumType action) => CertificateRequested?.Invoke(evseId, MakeCertificateRequest(evseId, action));

    /// <summary>
    /// The EV's CertificateInstallationReq (Install) or CertificateUpdateReq (Update): an opaque base64 blob standing for
    /// the EXI stream (a marker line, the eMAID when the EV has a contract, a nonce, and the contract leaf's DER for an update).
    /// </summary>
    public EvCertificateRequest MakeCertificateRequest(int evseId, CertificateActionEnumType action)
    {
        EvContract? contract;
        lock (_lock)
        {
            contract = _contracts.GetValueOrDefault(evseId);
        }

        var head = Encoding.UTF8.GetBytes($"OHM-SIMULATED-EXI {(action == CertificateActionEnumType.Install ? "CertificateInstallationReq" : "CertificateUpdateReq")} {contract?.Emaid ?? "-"} {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}\n");
        var body = action == CertificateActionEnumType.Update && contract is not null ? contract.Leaf.RawData : [];
        return new EvCertificateRequest(Iso15118Schema, action, Convert.ToBase64String([.. head, .. body]));
    }

    /// <summary>What the EV at the EVSE got back for its certificate requests, oldest first.</summary>
    public IReadOnlyList<EvCertificateResponse> CertificateAnswers(int evseId)
    {
        lock (_lock)
        {
            return [.. _certificateAnswers.GetValueOrDefault(evseId) ?? []];
        }
    }

    /// <inheritdoc/>
    public EvContract? Contract(int evseId)
    {
        lock (_lock)
        {
            return Get(evseId).Plugged ? _contracts.GetValueOrDefault(evseId) : null;
        }
    }

    /// <inheritdoc/>
    public void CertificateAnswered(int evseId, EvCertificateResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        lock (_lock)
        {
            if (!_certificateAnswers.TryGetValue(evseId, out var answers))
            {
                _certificateAnswers[evseId] = answers = [];
            }

            answers.Add(response);
        }
    }
}
