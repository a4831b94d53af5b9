using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Certificates;

/// <summary>
/// The CSMS's own certificate authorities (the default <see cref="ICertificateSigner"/>): the station CA, which signs
/// ChargingStationCertificate CSRs, is the CSMS root that stations trust and issues the CSMS's TLS server certificate
/// when none is configured; and the V2G CA, which signs V2GCertificate CSRs. Each is given in settings or generated in
/// the data folder (<c>ca/</c>, <c>v2g-ca/</c>) on first start.
/// </summary>
public sealed class BuiltInCertificateAuthority : ICertificateSigner, IDisposable
{
    /// <summary>The folder of the generated station CA in the data folder.</summary>
    public const string StationFolder = "ca";

    /// <summary>The folder of the generated V2G CA in the data folder.</summary>
    public const string V2gFolder = "v2g-ca";

    /// <summary>The file of the server certificate issued by the station CA, in its folder.</summary>
    public const string ServerCertificateFileName = "server.pfx";

    /// <summary>A server certificate that expires within this is reissued at start.</summary>
    public static readonly TimeSpan ServerRenewalWindow = TimeSpan.FromDays(30);

    private readonly CertificatesOptions _options;
    private readonly TimeProvider _time;
    private readonly string _stationFolder;

    private BuiltInCertificateAuthority(CertificateAuthority stations, CertificateAuthority v2g, CertificatesOptions options, TimeProvider time, string stationFolder)
    {
        Stations = stations;
        V2g = v2g;
        _options = options;
        _time = time;
        _stationFolder = stationFolder;
    }

    /// <summary>The station CA: the CSMS root.</summary>
    public CertificateAuthority Stations { get; }

    /// <summary>The V2G CA.</summary>
    public CertificateAuthority V2g { get; }

    /// <summary>Loads (or generates) both CAs as <paramref name="options"/> say.</summary>
    /// <exception cref="CertificateAuthorityException">A file is wrong; the message names the setting.</exception>
    public static BuiltInCertificateAuthority Load(CertificatesOptions options, string dataFolder, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stationFolder = Path.Combine(dataFolder, StationFolder);
        var stations = CertificateAuthority.Load(options, "Csms:Certificates", stationFolder, options.StationCaSubject, time);
        try
        {
            var v2g = CertificateAuthority.Load(options.V2g, "Csms:Certificates:V2g", Path.Combine(dataFolder, V2gFolder), options.V2gCaSubject, time);
            return new BuiltInCertificateAuthority(stations, v2g, options, time, stationFolder);
        }
        catch
        {
            stations.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public Task<string> SignAsync(StationCsr request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v2g = request.CertificateType == CertificateSigningUseEnumType.V2GCertificate;
        var ca = v2g ? V2g : Stations;
        var validity = TimeSpan.FromDays(v2g ? _options.V2g.ValidityDays : _options.ValidityDays);
        X509Extension[] extensions = v2g
            ? [new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true)]
            : [
                new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement | X509KeyUsageFlags.KeyEncipherment, true),
                new X509EnhancedKeyUsageExtension([new Oid(X509KeyUsageOids.ClientAuth)], false),
            ];
        using var leaf = ca.Issue(request.Parsed.SubjectName, request.Parsed.PublicKey, validity, _time, extensions);
        var chain = new StringBuilder();
        chain.Append(leaf.ExportCertificatePem()).Append('\n').Append(ca.CertificatePem).Append('\n');
        return Task.FromResult(chain.ToString());
    }

    /// <summary>
    /// The CSMS's TLS server certificate, issued by the station CA for <paramref name="host"/> (and localhost,
    /// 127.0.0.1, ::1) and kept in <c>ca/server.pfx</c>; issued again when it is missing, from another CA, without
    /// <paramref name="host"/>, or expires within <see cref="ServerRenewalWindow"/>.
    /// </summary>
    public X509Certificate2 ServerCertificate(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        Directory.CreateDirectory(_stationFolder);
        var path = Path.Combine(_stationFolder, ServerCertificateFileName);
        var hostName = host.Trim('[', ']');
        if (File.Exists(path))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(path, null);
            if (Stations.IsIssuerOf(existing) && existing.NotAfter.ToUniversalTime() - _time.GetUtcNow() > ServerRenewalWindow && Names(existing).Contains(hostName))
            {
                return existing;
            }

            existing.Dispose();
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in new[] { hostName, "localhost", "127.0.0.1", "::1" }.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(name, out var address))
            {
                names.AddIpAddress(address);
            }
            else if (Uri.CheckHostName(name) == UriHostNameType.Dns)
            {
                names.AddDnsName(name);
            }
        }

        var commonName = Uri.CheckHostName(hostName) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6 ? hostName : "localhost";
        var subject = new X500DistinguishedName($"CN={commonName}, O={_options.OrganizationName}");
        var publicKey = new CertificateRequest(subject, key, HashAlgorithmName.SHA256).PublicKey;
        using var issued = Stations.Issue(
            subject, publicKey, TimeSpan.FromDays(397), _time,
            new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true),
            new X509EnhancedKeyUsageExtension([new Oid(X509KeyUsageOids.ServerAuth)], false),
            names.Build());
        using var withKey = issued.CopyWithPrivateKey(key);
        var pfx = withKey.Export(X509ContentType.Pfx);
        CertificateAuthority.WritePrivate(path, pfx);
        return X509CertificateLoader.LoadPkcs12(pfx, null);
    }

    public void Dispose()
    {
        Stations.Dispose();
        V2g.Dispose();
    }

    private static HashSet<string> Names(X509Certificate2 certificate)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault() is { } san)
        {
            names.UnionWith(san.EnumerateDnsNames());
            names.UnionWith(san.EnumerateIPAddresses().Select(a => a.ToString()));
        }

        return names;
    }
}
