using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Transport;
using Ohm.Station.Context;
using Ohm.Station.Certificates;

namespace Ohm.Station.Blocks;

/// <summary>
/// Block A, Security, on the station: the TLS of its connection (security profiles 2 and 3), its keys and installed
/// certificates, and the renewal of its own certificates (A02/A03, in Security.Signing.cs).
/// </summary>
public sealed partial class Security
{
    private readonly IStationContext _context;
    private readonly SecurityEvents _events;
    private readonly StationOptions _options;
    private X509Certificate2Collection _bootstrapRoots = [];
    private byte[]? _csmsCertificate;

    internal Security(IStationContext context, SecurityEvents events, StationOptions options)
    {
        _context = context;
        _events = events;
        _options = options;
        Keys = new KeyStore(() => Path.GetDirectoryName(_context.Store.Path)!);
        Certificates = new CertificateStore(() => _context.Store, Keys);
    }

    /// <summary>The station's private keys (<c>&lt;data&gt;/keys/</c>, 0600).</summary>
    public KeyStore Keys { get; }

    /// <summary>The installed certificates by use, with their hash data.</summary>
    public CertificateStore Certificates { get; }

    /// <summary>The CSMS roots the next TLS connection trusts: the installed CSMSRootCertificates, else the bootstrap <see cref="StationOptions.CsmsRootFile"/>.</summary>
    public IReadOnlyList<X509Certificate2> CsmsRoots
    {
        get
        {
            var installed = Certificates.Roots(CertificateUse.CSMSRootCertificate);
            return installed.Count > 0 ? installed : [.. _bootstrapRoots];
        }
    }

    /// <summary>The station's certificate for the CSMS connection valid now, with its key, or null.</summary>
    public X509Certificate2? ChargingStationCertificate => Certificates.Active(CertificateUse.ChargingStationCertificate, _context.Now)?.WithKey;

    /// <summary>The station's V2G (SECC) certificate valid now, with its key and its sub-CAs, or null (for ISO 15118 TLS to the EV, M06).</summary>
    public (X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> SubCas)? V2GCertificate =>
        Certificates.Active(CertificateUse.V2GCertificateChain, _context.Now) is { } active ? (active.WithKey, active.Installed.Chain) : null;

    /// <summary>Whether the current connection presented a client certificate (security profile 3): a new one takes a reconnect.</summary>
    internal bool PresentedClientCertificate { get; private set; }

    /// <summary>
    /// Reads the bootstrap files when the station starts (the store is open): the CSMS root of <see cref="StationOptions.CsmsRootFile"/>,
    /// and the client certificate of <see cref="StationOptions.ClientCertificateFile"/>, installed on the first start
    /// when no ChargingStationCertificate is. Keys of CSRs left unanswered by an earlier run are discarded.
    /// </summary>
    /// <exception cref="InvalidDataException">A bootstrap file is missing or wrong (the message names it).</exception>
    internal void Load()
    {
        _bootstrapRoots = _options.CsmsRootFile is { Length: > 0 } rootFile ? CertificateFiles.LoadCertificates(rootFile) : [];
        if (_options.ClientCertificateFile is { Length: > 0 } clientFile && Certificates.List(CertificateUse.ChargingStationCertificate).Count == 0)
        {
            using var pfx = CertificateFiles.LoadPfx(clientFile, _options.ClientCertificatePassword);
            using var publicOnly = X509CertificateLoader.LoadCertificate(pfx.RawData);
            var installed = Certificates.Install(CertificateUse.ChargingStationCertificate, publicOnly);
            using var key = (System.Security.Cryptography.AsymmetricAlgorithm?)pfx.GetECDsaPrivateKey() ?? pfx.GetRSAPrivateKey()
                ?? throw new InvalidDataException($"The client certificate file '{clientFile}' has a key that is neither ECDSA nor RSA.");
            Keys.Save(CertificateStore.KeyName(installed), key);
            _context.Report($"installed the client certificate {publicOnly.Subject} from {clientFile}");
        }

        DiscardPendingKeys();
        UpdateCertificateEntries();
    }

    /// <summary>Sets the TLS side of a connection to <paramref name="target"/> (the CSMS root to trust, the client certificate of profile 3).</summary>
    internal void ApplyTls(OcppClientOptions options, ConnectionTarget target)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(target);
        PresentedClientCertificate = false;
        if (target.Endpoint.Scheme is not ("wss" or "https"))
        {
            return;
        }

        var roots = CsmsRoots;
        if (roots.Count == 0)
        {
            // Trusting the machine's store instead would accept any public certificate: OCPP trusts the CSO's root only.
            _context.Report("refusing to connect over TLS: no CSMSRootCertificate is installed and no bootstrap root was given (StationOptions.CsmsRootFile, ohm station --csms-root)");
            options.ServerCertificateValidation = static (_, _, _, _) => false;
            return;
        }

        options.ServerCertificateValidation = ValidateCsms(roots);
        if (ChargingStationCertificate is { } client)
        {
            options.ClientCertificate = client;
            PresentedClientCertificate = true;
        }
        else if (target.SecurityProfile == 3)
        {
            _context.Report("security profile 3 without a ChargingStationCertificate: the CSMS will refuse the connection (ohm station --client-certificate)");
        }
    }

    /// <summary>
    /// M04: whether <paramref name="root"/> is the only installed CSMSRootCertificate the CSMS's certificate (as last
    /// validated) chains to, so that deleting it would leave the station unable to connect.
    /// </summary>
    internal bool IsOnlyRootOfCsms(X509Certificate2 root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (_csmsCertificate is not { } raw)
        {
            return false;
        }

        using var csms = X509CertificateLoader.LoadCertificate(raw);
        if (!OcppTls.ChainsTo(csms, root, X509KeyUsageOids.ServerAuth))
        {
            return false;
        }

        return !Certificates.Roots(CertificateUse.CSMSRootCertificate)
            .Where(other => !other.RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span))
            .Any(other => OcppTls.ChainsTo(csms, other, X509KeyUsageOids.ServerAuth));
    }

    /// <summary>Updates SecurityCtrlr.CertificateEntries to the number of installed certificates.</summary>
    internal void UpdateCertificateEntries() =>
        _context.Model.SetInternal(new DeviceModel.ComponentKey("SecurityCtrlr"), "CertificateEntries", Certificates.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The check of the CSMS's certificate: chained to one of <paramref name="roots"/> for server use, host name matching; a refusal is security event InvalidCsmsCertificate.</summary>
    private RemoteCertificateValidationCallback ValidateCsms(IReadOnlyList<X509Certificate2> roots) => (_, certificate, _, errors) =>
    {
        string? problem = null;
        if (certificate is null)
        {
            problem = "no certificate presented";
        }
        else if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            problem = errors.ToString();
        }
        else if (!roots.Any(root => OcppTls.ChainsTo(certificate, root, X509KeyUsageOids.ServerAuth)))
        {
            problem = "does not chain to an installed CSMSRootCertificate";
        }

        if (problem is null)
        {
            _csmsCertificate = certificate!.GetRawCertData();
            return true;
        }

        var subject = certificate?.Subject ?? "(none)";
        _context.Report($"the CSMS certificate {subject} was refused: {problem}");
        _events.Raise("InvalidCsmsCertificate", $"{subject}: {problem}");
        return false;
    };
}
