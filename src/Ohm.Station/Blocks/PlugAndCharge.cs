using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;
using Ohm.Station.Hardware;

namespace Ohm.Station.Blocks;

/// <summary>
/// Plug &amp; Charge on the station (ISO 15118 with contract certificates). C07: a Plug &amp; Charge EV that presents its
/// contract is authorized by its eMAID with Authorize{idToken eMAID, iso15118CertificateHashData (the OCSP request data of
/// the contract chain)}, or with the contract chain itself where the station has no MO root to validate it and
/// ISO15118Ctrlr.CentralContractValidationAllowed lets the CSMS do it; offline per ContractValidationOffline; it charges
/// only when idTokenInfo and certificateStatus are both Accepted. M01/M02: the EV's request to install or update its
/// contract certificate goes to the CSMS (Get15118EVCertificate) and its answer back to the EV. M06: the station asks the
/// CSMS for the OCSP status of its V2G certificate chain (GetCertificateStatus), daily and on demand, and keeps the
/// ocspResult for the EV.
/// </summary>
public sealed class PlugAndCharge
{
    /// <summary>How often the station refreshes the OCSP status of its V2G certificate (M06) after a check that succeeded.</summary>
    public static readonly TimeSpan OcspCheckInterval = TimeSpan.FromDays(1);

    /// <summary>How soon the station checks again after a check that failed.</summary>
    public static readonly TimeSpan OcspRetryInterval = TimeSpan.FromHours(1);

    /// <summary>The largest contract chain sent as AuthorizeRequest.certificate (the field's maxLength).</summary>
    private const int MaxCertificateLength = 5500;

    private readonly IStationContext _context;
    private readonly Authorization _authorization;
    private readonly Transactions _transactions;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, PlugAndChargeStatus> _status = [];
    private readonly Dictionary<int, EvCertificateOutcome> _certificateRequests = [];
    private readonly HashSet<int> _plugged = [];
    private IReadOnlyList<V2GCertificateStatus> _v2g = [];
    private DateTimeOffset _nextOcspCheck = DateTimeOffset.MinValue;

    internal PlugAndCharge(IStationContext context, Authorization authorization, Transactions transactions, IPlugAndChargeCertificates certificates)
    {
        _context = context;
        _authorization = authorization;
        _transactions = transactions;
        Certificates = certificates;
        transactions.Evaluated += OnEvaluated;
        if (context.Hardware.ContractCertificates is { } ev)
        {
            ev.ContractPresented += evseId => _context.Background.Run($"C07 authorization on EVSE {evseId}", () => AuthorizeContractAsync(evseId));
            ev.CertificateRequested += (evseId, request) => _context.Background.Run($"M01/M02 certificate request on EVSE {evseId}", () => AnswerCertificateRequestAsync(evseId, request));
        }
    }

    /// <summary>The station's certificates Plug &amp; Charge uses (the MO roots, the V2G chain and its roots).</summary>
    public IPlugAndChargeCertificates Certificates { get; }

    /// <summary>ISO15118Ctrlr.PnCEnabled: whether the station authorizes EVs by their contract certificate.</summary>
    public bool Enabled => _context.Model.Flag("ISO15118Ctrlr", "PnCEnabled", false);

    private IEvContractCertificates? Ev => _context.Hardware.ContractCertificates;

    /// <summary>The last Plug &amp; Charge authorization at the EVSE, for the console and tests; null when none since the EV plugged in.</summary>
    public PlugAndChargeStatus? Status(int evseId)
    {
        lock (_lock)
        {
            return _status.GetValueOrDefault(evseId);
        }
    }

    /// <summary>The last certificate installation or update the EV at the EVSE asked for (M01/M02), and its answer; null when none.</summary>
    public EvCertificateOutcome? CertificateRequest(int evseId)
    {
        lock (_lock)
        {
            return _certificateRequests.GetValueOrDefault(evseId);
        }
    }

    /// <summary>The OCSP status of each certificate of the station's V2G chain, as last checked (M06); empty before the first check.</summary>
    public IReadOnlyList<V2GCertificateStatus> V2GOcspStatus
    {
        get
        {
            lock (_lock)
            {
                return _v2g;
            }
        }
    }

    /// <summary>
    /// Simulator input: a Plug &amp; Charge EV with this contract (and, when given, these ISO 15118 charging needs) plugs in
    /// at the EVSE and presents its contract; returns how its authorization went (C07).
    /// </summary>
    public async Task<PlugAndChargeStatus> PlugInAsync(int evseId, EvContract contract, EvChargingNeeds? needs = null)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var simulator = _context.Simulator ?? throw new InvalidOperationException("A Plug & Charge EV is simulator input; real hardware raises IEvContractCertificates.ContractPresented.");
        if (!_context.Evses.ContainsKey(evseId))
        {
            throw new ArgumentOutOfRangeException(nameof(evseId), evseId, "No such EVSE.");
        }

        // A Plug & Charge EV speaks ISO 15118: with needs, K15's load levelling follows once the transaction runs.
        simulator.SetContract(evseId, contract);
        if (needs is not null)
        {
            simulator.SetChargingNeeds(evseId, needs);
        }

        await _transactions.PlugInAsync(evseId).ConfigureAwait(false);

        return await AuthorizeContractAsync(evseId).ConfigureAwait(false);
    }

    /// <summary>Simulator input: the Plug &amp; Charge EV at the EVSE asks to install (M01) or update (M02) its contract certificate; returns what it got back.</summary>
    public Task<EvCertificateResponse> RequestEvCertificateAsync(int evseId, CertificateActionEnumType action)
    {
        var simulator = _context.Simulator ?? throw new InvalidOperationException("An EV's certificate request is simulator input; real hardware raises IEvContractCertificates.CertificateRequested.");
        if (!_context.Evses.TryGetValue(evseId, out var evse))
        {
            throw new ArgumentOutOfRangeException(nameof(evseId), evseId, "No such EVSE.");
        }

        if (!evse.Plugged)
        {
            throw new InvalidOperationException($"No EV is plugged in at EVSE {evseId}.");
        }

        return AnswerCertificateRequestAsync(evseId, simulator.MakeCertificateRequest(evseId, action));
    }

    // C07: the EV at the EVSE presented its contract; authorize it by its certificate and eMAID, and start charging when both are Accepted.
    internal async Task<PlugAndChargeStatus> AuthorizeContractAsync(int evseId)
    {
        if (!_context.Evses.TryGetValue(evseId, out var evse))
        {
            throw new ArgumentOutOfRangeException(nameof(evseId), evseId, "No such EVSE.");
        }

        if (Ev?.Contract(evseId) is not { } contract)
        {
            return Record(new PlugAndChargeStatus(evseId, "", ContractCheck.None, AuthorizationStatusEnumType.Unknown, null, false, "the EV presented no contract certificate"));
        }

        var token = new IdTokenType { IdToken = contract.Emaid, Type = IdTokenEnumType.EMAID };
        if (!Enabled)
        {
            return Record(Refused(evseId, contract, ContractCheck.None, AuthorizationStatusEnumType.Unknown, null, "ISO15118Ctrlr.PnCEnabled is false: the driver identifies otherwise (EIM)"));
        }

        if (evse.AuthorizedToken is not null)
        {
            return Record(Refused(evseId, contract, ContractCheck.None, AuthorizationStatusEnumType.Unknown, null, "the EVSE is authorized already; the contract is not used"));
        }

        var (result, group) = _context.IsOnline
            ? await AuthorizeOnlineAsync(evseId, contract, token).ConfigureAwait(false)
            : AuthorizeOffline(evseId, contract, token);

        // H03, C09: a reserved EVSE takes only the reservation's idToken or a token of its group.
        if (result.Authorized && _authorization.Reservation is { } reservation && !await reservation.MayUseAsync(evseId, token, group).ConfigureAwait(false))
        {
            result = result with { Status = AuthorizationStatusEnumType.NotAtThisTime, Authorized = false, Reason = "the EVSE is reserved for another idToken" };
        }

        if (result.Authorized)
        {
            var granted = false;
            await _transactions.WithEvseAsync(evseId, e =>
            {
                if (e.Plugged && e.AuthorizedToken is null && Ev?.Contract(evseId) is not null)
                {
                    _authorization.Grant(e, token, null, TriggerReasonEnumType.Authorized, group);
                    granted = true;
                }
            }).ConfigureAwait(false);
            if (!granted)
            {
                result = result with { Authorized = false, Reason = "the EV left (or the EVSE was authorized otherwise) before the answer" };
            }
        }

        _context.Hardware.Display.Show(evseId, result.Authorized ? "Plug & Charge: authorized" : "Plug & Charge: not authorized");
        return Record(result);
    }

    // C07.FR.01, C07.FR.02, C07.FR.06: online, the contract goes to the CSMS as the OCSP data of its chain, or as the chain itself.
    private async Task<(PlugAndChargeStatus Result, IdTokenType? Group)> AuthorizeOnlineAsync(int evseId, EvContract contract, IdTokenType token)
    {
        var roots = Certificates.Installed(GetCertificateIdUseEnumType.MORootCertificate);
        var validation = Validate(contract, roots, _context.Now);
        var request = new AuthorizeRequest { IdToken = token };
        ContractCheck check;
        switch (validation)
        {
            case ContractValidation.Expired:
                return (Refused(evseId, contract, ContractCheck.Local, AuthorizationStatusEnumType.Expired, AuthorizeCertificateStatusEnumType.CertificateExpired, "the contract certificate chain is expired or not yet valid"), null);
            case ContractValidation.Invalid:
                return (Refused(evseId, contract, ContractCheck.Local, AuthorizationStatusEnumType.Invalid, AuthorizeCertificateStatusEnumType.CertChainError, "the contract certificate chain does not verify against the installed MO root"), null);
            case ContractValidation.Valid when OcspRequestData.ForChain(contract.Chain, roots) is { Count: > 0 } hashData:
                request.Iso15118CertificateHashData = hashData;
                check = ContractCheck.HashData;
                break;
            default:
                // C07.FR.06: no MO root to validate the chain with (or no OCSP data to give): the CSMS validates it, when allowed.
                if (!_context.Model.Flag("ISO15118Ctrlr", "CentralContractValidationAllowed", false))
                {
                    var why = validation == ContractValidation.NoRoot ? "no MO root installed to validate the contract" : "the contract certificates name no OCSP responder";
                    return (Refused(evseId, contract, ContractCheck.None, AuthorizationStatusEnumType.Invalid, null, why + ", and ISO15118Ctrlr.CentralContractValidationAllowed is false"), null);
                }

                request.Certificate = Pem(contract.Chain);
                check = ContractCheck.Certificate;
                break;
        }

        AuthorizeResponse response;
        try
        {
            response = await _context.CallAsync(request, _context.Stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OcppCallErrorException or OcppCallTimeoutException or OcppConnectionClosedException or OcppPayloadException or InvalidOperationException)
        {
            return (Refused(evseId, contract, check, AuthorizationStatusEnumType.Unknown, null, "Authorize failed: " + ex.Message), null);
        }

        var info = response.IdTokenInfo;
        var accepted = info.Status == AuthorizationStatusEnumType.Accepted && response.CertificateStatus == AuthorizeCertificateStatusEnumType.Accepted;

        // C10: cached only as the CSMS decided it: an Accepted eMAID whose certificate was not is not remembered as Accepted.
        if (accepted || info.Status != AuthorizationStatusEnumType.Accepted)
        {
            _authorization.Remember(token, info);
        }

        var reason = accepted ? "idToken and certificate Accepted by the CSMS"
            : $"the CSMS answered idToken {info.Status}, certificate {response.CertificateStatus?.ToString() ?? "(no certificateStatus)"}";
        return (new PlugAndChargeStatus(evseId, contract.Emaid, check, info.Status, response.CertificateStatus, accepted, reason), info.GroupIdToken);
    }

    // C07.FR.07-C07.FR.09: offline, the contract is validated locally when ContractValidationOffline allows, and the eMAID looked up as any idToken offline.
    private (PlugAndChargeStatus Result, IdTokenType? Group) AuthorizeOffline(int evseId, EvContract contract, IdTokenType token)
    {
        if (!_context.Model.Flag("ISO15118Ctrlr", "ContractValidationOffline", false))
        {
            return (Refused(evseId, contract, ContractCheck.None, AuthorizationStatusEnumType.NotAtThisTime, null, "offline, and ISO15118Ctrlr.ContractValidationOffline is false"), null);
        }

        var roots = Certificates.Installed(GetCertificateIdUseEnumType.MORootCertificate);
        switch (Validate(contract, roots, _context.Now))
        {
            case ContractValidation.NoRoot:
                return (Refused(evseId, contract, ContractCheck.Local, AuthorizationStatusEnumType.Unknown, AuthorizeCertificateStatusEnumType.NoCertificateAvailable, "offline, and no MO root installed to validate the contract"), null);
            case ContractValidation.Expired:
                return (Refused(evseId, contract, ContractCheck.Local, AuthorizationStatusEnumType.Expired, AuthorizeCertificateStatusEnumType.CertificateExpired, "offline: the contract certificate chain is expired or not yet valid"), null);
            case ContractValidation.Invalid:
                return (Refused(evseId, contract, ContractCheck.Local, AuthorizationStatusEnumType.Invalid, AuthorizeCertificateStatusEnumType.CertChainError, "offline: the contract certificate chain does not verify against the installed MO root"), null);
        }

        var (status, group) = _authorization.DecideOffline(token);
        var accepted = status == AuthorizationStatusEnumType.Accepted;
        var reason = $"offline: the contract validated locally, the eMAID {status} by the offline rules";
        return (new PlugAndChargeStatus(evseId, contract.Emaid, ContractCheck.Local, status, AuthorizeCertificateStatusEnumType.Accepted, accepted, reason), group);
    }

    // M01, M02: the EV's certificate installation or update goes to the CSMS; its answer (or Failed) goes back to the EV.
    private async Task<EvCertificateResponse> AnswerCertificateRequestAsync(int evseId, EvCertificateRequest request)
    {
        EvCertificateResponse response;
        string reason;
        if (!_context.Model.Flag("ISO15118Ctrlr", "ContractCertificateInstallationEnabled", false))
        {
            (response, reason) = (Failed, "ISO15118Ctrlr.ContractCertificateInstallationEnabled is false");
        }
        else if (!_context.IsOnline)
        {
            (response, reason) = (Failed, "offline: the CSMS cannot be asked");
        }
        else
        {
            try
            {
                var answer = await _context.CallAsync(
                    new Get15118EVCertificateRequest { Iso15118SchemaVersion = request.SchemaVersion, Action = request.Action, ExiRequest = request.ExiRequest },
                    _context.Stopping).ConfigureAwait(false);
                response = new EvCertificateResponse(answer.Status, answer.ExiResponse);
                reason = "the CSMS answered " + answer.Status + (answer.StatusInfo is { } info ? $" ({info.ReasonCode}{(info.AdditionalInfo is { } more ? ": " + more : "")})" : "");
            }
            catch (Exception ex) when (ex is OcppCallErrorException or OcppCallTimeoutException or OcppConnectionClosedException or OcppPayloadException or InvalidOperationException)
            {
                (response, reason) = (Failed, "Get15118EVCertificate failed: " + ex.Message);
            }
        }

        Ev?.CertificateAnswered(evseId, response);
        lock (_lock)
        {
            _certificateRequests[evseId] = new EvCertificateOutcome(request.Action, response.Status, reason);
        }

        _context.Report($"EVSE {evseId}: the EV's contract certificate {request.Action}: {response.Status}, {reason}");
        return response;
    }

    private static EvCertificateResponse Failed => new(Iso15118EVCertificateStatusEnumType.Failed, "");

    /// <summary>
    /// M06 on demand: asks the CSMS for the OCSP status of each certificate of the station's V2G chain whose issuer it holds
    /// (the leaf, issued by the chain's sub-CA; a sub-CA, when its issuer is installed as V2GRootCertificate), and keeps the
    /// ocspResult of each for the EV; returns what it found.
    /// </summary>
    public async Task<IReadOnlyList<V2GCertificateStatus>> CheckV2GCertificateStatusAsync()
    {
        var chain = Certificates.Installed(GetCertificateIdUseEnumType.V2GCertificateChain);
        var now = _context.Now;
        if (chain.Count == 0)
        {
            _context.Report("M06: no V2G certificate installed; nothing to check");
            return [];
        }

        var issuers = chain.Skip(1).Concat(Certificates.Installed(GetCertificateIdUseEnumType.V2GRootCertificate)).ToList();
        var results = new List<V2GCertificateStatus>();
        foreach (var certificate in chain)
        {
            if (OcspRequestData.IssuerOf(certificate, issuers) is not { } issuer)
            {
                continue;
            }

            var serial = OcspRequestData.Serial(certificate);
            if (OcspRequestData.For(certificate, issuer) is not { } data)
            {
                results.Add(new V2GCertificateStatus(serial, certificate.Subject, GetCertificateStatusEnumType.Failed, null, now, "the certificate names no OCSP responder"));
                continue;
            }

            results.Add(await AskStatusAsync(certificate, serial, data, now).ConfigureAwait(false));
        }

        var ok = results.Count > 0 && results.All(r => r.Status == GetCertificateStatusEnumType.Accepted);
        lock (_lock)
        {
            _v2g = results;
            _nextOcspCheck = now + (ok ? OcspCheckInterval : OcspRetryInterval);
        }

        _context.Report($"M06: the V2G certificate's OCSP status: {(results.Count == 0 ? "no certificate with a known issuer" : string.Join(", ", results.Select(r => $"{r.SerialNumber} {r.Status}")))}");
        return results;
    }

    private async Task<V2GCertificateStatus> AskStatusAsync(X509Certificate2 certificate, string serial, OCSPRequestDataType data, DateTimeOffset now)
    {
        try
        {
            var response = await _context.CallAsync(new GetCertificateStatusRequest { OcspRequestData = data }, _context.Stopping).ConfigureAwait(false);
            if (response.Status == GetCertificateStatusEnumType.Accepted && !IsBase64(response.OcspResult))
            {
                return new V2GCertificateStatus(serial, certificate.Subject, GetCertificateStatusEnumType.Failed, null, now, "the CSMS answered Accepted without a base64 ocspResult");
            }

            return new V2GCertificateStatus(serial, certificate.Subject, response.Status, response.OcspResult, now, response.StatusInfo?.ReasonCode);
        }
        catch (Exception ex) when (ex is OcppCallErrorException or OcppCallTimeoutException or OcppConnectionClosedException or OcppPayloadException or InvalidOperationException)
        {
            return new V2GCertificateStatus(serial, certificate.Subject, GetCertificateStatusEnumType.Failed, null, now, "GetCertificateStatus failed: " + ex.Message);
        }
    }

    // M06: periodically (daily after a good check, hourly after a failed one) while online with a V2G certificate installed. Under the gate.
    internal void Tick(DateTimeOffset now)
    {
        if (!_context.IsOnline || Certificates.Installed(GetCertificateIdUseEnumType.V2GCertificateChain).Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (now < _nextOcspCheck)
            {
                return;
            }

            _nextOcspCheck = now + OcspRetryInterval;
        }

        _context.Background.Run("M06 V2G certificate status", CheckV2GCertificateStatusAsync);
    }

    // The EV leaves with its cable, and its contract with it. Under the gate.
    private void OnEvaluated(Evse evse)
    {
        bool unplugged;
        lock (_lock)
        {
            if (evse.Plugged)
            {
                _plugged.Add(evse.Id);
                return;
            }

            unplugged = _plugged.Remove(evse.Id);
            if (unplugged)
            {
                _status.Remove(evse.Id);
                _certificateRequests.Remove(evse.Id);
            }
        }

        if (unplugged)
        {
            _context.Simulator?.SetContract(evse.Id, null);
        }
    }

    private PlugAndChargeStatus Record(PlugAndChargeStatus status)
    {
        lock (_lock)
        {
            _status[status.EvseId] = status;
        }

        _context.Report($"EVSE {status.EvseId}: Plug & Charge {(status.Emaid.Length > 0 ? "eMAID " + status.Emaid : "")}: {(status.Authorized ? "authorized" : "not charging")} ({status.Reason})");
        return status;
    }

    private static PlugAndChargeStatus Refused(int evseId, EvContract contract, ContractCheck check, AuthorizationStatusEnumType status, AuthorizeCertificateStatusEnumType? certificateStatus, string reason) =>
        new(evseId, contract.Emaid, check, status, certificateStatus, false, reason);

    /// <summary>The contract chain, validated against the installed MO roots at <paramref name="now"/> (its revocation is the CSMS's to check, through OCSP).</summary>
    internal static ContractValidation Validate(EvContract contract, IReadOnlyList<X509Certificate2> moRoots, DateTimeOffset now)
    {
        if (moRoots.Count == 0)
        {
            return ContractValidation.NoRoot;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(moRoots.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(contract.Chain.Skip(1).ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        if (chain.Build(contract.Leaf))
        {
            return ContractValidation.Valid;
        }

        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        return (flags & (X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot)) != 0 ? ContractValidation.NoRoot
            : (flags & X509ChainStatusFlags.NotTimeValid) != 0 ? ContractValidation.Expired
            : ContractValidation.Invalid;
    }

    /// <summary>The chain in PEM, as much of it as fits AuthorizeRequest.certificate (the leaf at least).</summary>
    private static string Pem(IReadOnlyList<X509Certificate2> chain)
    {
        var pem = new StringBuilder();
        foreach (var certificate in chain)
        {
            var one = certificate.ExportCertificatePem() + "\n";
            if (pem.Length > 0 && pem.Length + one.Length > MaxCertificateLength)
            {
                break;
            }

            pem.Append(one);
        }

        return pem.ToString();
    }

    private static bool IsBase64(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }
}

/// <summary>How the station checked an EV's contract (C07).</summary>
public enum ContractCheck
{
    /// <summary>Not checked: Plug &amp; Charge off, no contract, or refused before asking.</summary>
    None,

    /// <summary>The OCSP request data of the chain went to the CSMS (iso15118CertificateHashData, C07.FR.02).</summary>
    HashData,

    /// <summary>The chain itself went to the CSMS (certificate, C07.FR.06).</summary>
    Certificate,

    /// <summary>Validated by the station against its MO roots (offline, C07.FR.08; or refused online as invalid).</summary>
    Local,
}

/// <summary>What a local validation of a contract chain found.</summary>
internal enum ContractValidation
{
    Valid,
    NoRoot,
    Expired,
    Invalid,
}

/// <summary>How a Plug &amp; Charge EV's authorization went (C07).</summary>
/// <param name="EvseId">The EVSE.</param>
/// <param name="Emaid">The EV's eMAID (empty when it presented no contract).</param>
/// <param name="Check">How the contract was checked.</param>
/// <param name="Status">The idToken's status (the CSMS's idTokenInfo.status, or the station's decision offline or when refusing itself).</param>
/// <param name="CertificateStatus">The contract certificate's status (the CSMS's certificateStatus, or the local validation's); null when not known.</param>
/// <param name="Authorized">Whether the EVSE was authorized and charges (both statuses Accepted).</param>
/// <param name="Reason">Why, in words.</param>
public sealed record PlugAndChargeStatus(int EvseId, string Emaid, ContractCheck Check, AuthorizationStatusEnumType Status, AuthorizeCertificateStatusEnumType? CertificateStatus, bool Authorized, string Reason);

/// <summary>An EV's contract certificate request (M01/M02) and its outcome.</summary>
/// <param name="Action">Install or Update.</param>
/// <param name="Status">What the EV was answered.</param>
/// <param name="Reason">Why, in words (the CSMS's statusInfo, or why the CSMS was not asked).</param>
public sealed record EvCertificateOutcome(CertificateActionEnumType Action, Iso15118EVCertificateStatusEnumType Status, string Reason);

/// <summary>The OCSP status of one certificate of the station's V2G chain (M06).</summary>
/// <param name="SerialNumber">The certificate's serial, lowercase hex.</param>
/// <param name="Subject">The certificate's subject.</param>
/// <param name="Status">The CSMS's answer (Failed as well when it could not be asked).</param>
/// <param name="OcspResult">The DER OCSPResponse, base64, as the CSMS gave it; kept for the EV; null when none.</param>
/// <param name="CheckedAt">When it was asked.</param>
/// <param name="Reason">The CSMS's statusInfo reason, or why the check failed; null when none.</param>
public sealed record V2GCertificateStatus(string SerialNumber, string Subject, GetCertificateStatusEnumType Status, string? OcspResult, DateTimeOffset CheckedAt, string? Reason);
