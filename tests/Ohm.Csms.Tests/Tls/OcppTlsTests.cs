using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Tests.Tls;

/// <summary>
/// The OCPP endpoint's TLS as OCPP 2.0.1 Part 2 requires it: TLS 1.2 and 1.3 only, the ECDHE AES-GCM suites only, an RSA
/// and an ECDSA certificate served by what the client offers, and a certificate that cannot serve refused at start.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // CipherSuitesPolicy: OpenSSL
public sealed class OcppTlsTests : IDisposable
{
    private readonly HashSet<string> _served = [];
    private readonly string _folder = Directory.CreateTempSubdirectory("ohm-tls-spec-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static X509Certificate2 Server(bool ecdsa, DateTimeOffset? notAfter = null)
    {
        using AsymmetricAlgorithm key = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        var request = key is ECDsa ec
            ? new CertificateRequest("CN=localhost", ec, HashAlgorithmName.SHA256)
            : new CertificateRequest("CN=localhost", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var end = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        return request.CreateSelfSigned(end.AddDays(-60), end);
    }

    private async Task<string> PfxAsync(string name, X509Certificate2 certificate, bool withKey = true)
    {
        var path = Path.Combine(_folder, name);
        var bytes = withKey ? certificate.Export(X509ContentType.Pfx, "pfx-password") : X509CertificateLoader.LoadCertificate(certificate.RawData).Export(X509ContentType.Pfx, "pfx-password");
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    private async Task<CsmsTestHost> StartAsync(bool withEcdsa)
    {
        using var rsa = Server(ecdsa: false);
        using var ec = Server(ecdsa: true);
        _served.Add(rsa.Thumbprint);
        _served.Add(ec.Thumbprint);
        var settings = new List<(string, string)>
        {
            ("Ocpp:Url", "https://127.0.0.1:0"),
            ("Ocpp:Tls:CertificateFile", await PfxAsync("rsa.pfx", rsa)),
            ("Ocpp:Tls:CertificatePassword", "pfx-password"),
        };
        if (withEcdsa)
        {
            settings.Add(("Ocpp:Tls:EcdsaCertificateFile", await PfxAsync("ec.pfx", ec)));
            settings.Add(("Ocpp:Tls:EcdsaCertificatePassword", "pfx-password"));
        }

        return await CsmsTestHost.StartAsync(TestDatabases.Sqlite, [.. settings]);
    }

    /// <summary>A raw TLS handshake with the OCPP endpoint; answers the protocol agreed and the server certificate served.</summary>
    private async Task<(SslProtocols Protocol, X509Certificate2 Served)> HandshakeAsync(CsmsTestHost csms, SslProtocols protocols, params TlsCipherSuite[] suites)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(csms.OcppEndpoint.Host, csms.OcppEndpoint.Port);
        await using var ssl = new SslStream(tcp.GetStream());
        X509Certificate2? served = null;
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            CipherSuitesPolicy = suites.Length == 0 ? null : new CipherSuitesPolicy(suites),
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                served = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
                return _served.Contains(served.Thumbprint); // one of the self-signed certificates this test made
            },
        }).WaitAsync(TimeSpan.FromSeconds(30));
        return (ssl.SslProtocol, served!);
    }

    [Fact]
    public async Task TLS_1_1_is_refused_at_the_handshake()
    {
        await using var csms = await StartAsync(withEcdsa: false);
#pragma warning disable SYSLIB0039, CA5397 // the point: an old protocol offered on purpose
        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(csms, SslProtocols.Tls11));
#pragma warning restore SYSLIB0039, CA5397

        // The same client with TLS 1.2 and an allowed suite gets through.
        var (protocol, _) = await HandshakeAsync(csms, SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
        Assert.Equal(SslProtocols.Tls12, protocol);
    }

    [Fact]
    public async Task TLS_1_2_with_only_weak_cipher_suites_is_refused()
    {
        await using var csms = await StartAsync(withEcdsa: false);
        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(csms, SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256));
    }

    [Fact]
    public async Task TLS_1_3_works()
    {
        await using var csms = await StartAsync(withEcdsa: true);
        var (protocol, _) = await HandshakeAsync(csms, SslProtocols.Tls13);
        Assert.Equal(SslProtocols.Tls13, protocol);
    }

    [Fact]
    public async Task An_ECDSA_only_client_gets_the_ECDSA_certificate_and_an_RSA_only_client_the_RSA_one()
    {
        await using var csms = await StartAsync(withEcdsa: true);
        var (_, ecdsa) = await HandshakeAsync(csms, SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384);
        using (ecdsa)
        {
            Assert.Equal("1.2.840.10045.2.1", ecdsa.PublicKey.Oid.Value); // id-ecPublicKey
        }

        var (_, rsa) = await HandshakeAsync(csms, SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384);
        using (rsa)
        {
            Assert.Equal("1.2.840.113549.1.1.1", rsa.PublicKey.Oid.Value); // rsaEncryption
        }
    }

    [Fact]
    public async Task The_start_check_judges_the_certificate_by_the_CSMS_clock_not_the_system_one()
    {
        // Valid by the system clock, expired by the CSMS's: the start is refused, naming the setting.
        using var valid = Server(ecdsa: false, notAfter: DateTimeOffset.UtcNow.AddDays(30));
        var validFile = await PfxAsync("valid.pfx", valid);
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(60));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => CsmsTestHost.StartAsync(
            TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(later),
            ("Ocpp:Url", "https://127.0.0.1:0"), ("Ocpp:Tls:CertificateFile", validFile), ("Ocpp:Tls:CertificatePassword", "pfx-password")));
        Assert.Contains("Ocpp:Tls:CertificateFile", error.Message, StringComparison.Ordinal);
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);

        // Expired by the system clock, valid by the CSMS's: it starts.
        using var old = Server(ecdsa: false, notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var oldFile = await PfxAsync("old.pfx", old);
        var earlier = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-10));
        await using var csms = await CsmsTestHost.StartAsync(
            TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(earlier),
            ("Ocpp:Url", "https://127.0.0.1:0"), ("Ocpp:Tls:CertificateFile", oldFile), ("Ocpp:Tls:CertificatePassword", "pfx-password"));
        Assert.NotEqual(0, csms.OcppEndpoint.Port);
    }

    [Fact]
    public async Task An_expired_or_keyless_certificate_stops_the_start_naming_the_setting()
    {
        using var expired = Server(ecdsa: false, notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var expiredFile = await PfxAsync("expired.pfx", expired);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => CsmsTestHost.StartAsync(
            TestDatabases.Sqlite, ("Ocpp:Url", "https://127.0.0.1:0"), ("Ocpp:Tls:CertificateFile", expiredFile), ("Ocpp:Tls:CertificatePassword", "pfx-password")));
        Assert.Contains("Ocpp:Tls:CertificateFile", error.Message, StringComparison.Ordinal);
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);

        using var rsa = Server(ecdsa: false);
        var good = await PfxAsync("good.pfx", rsa);
        using var ec = Server(ecdsa: true);
        var keyless = await PfxAsync("keyless.pfx", ec, withKey: false);
        error = await Assert.ThrowsAnyAsync<Exception>(() => CsmsTestHost.StartAsync(
            TestDatabases.Sqlite, ("Ocpp:Url", "https://127.0.0.1:0"), ("Ocpp:Tls:CertificateFile", good), ("Ocpp:Tls:CertificatePassword", "pfx-password"),
            ("Ocpp:Tls:EcdsaCertificateFile", keyless), ("Ocpp:Tls:EcdsaCertificatePassword", "pfx-password")));
        Assert.Contains("Ocpp:Tls:EcdsaCertificateFile", error.Message, StringComparison.Ordinal);
        Assert.Contains("private key", error.Message, StringComparison.Ordinal);

        error = await Assert.ThrowsAnyAsync<Exception>(() => CsmsTestHost.StartAsync(
            TestDatabases.Sqlite, ("Ocpp:Url", "https://127.0.0.1:0"), ("Ocpp:Tls:CertificateFile", good), ("Ocpp:Tls:CertificatePassword", "pfx-password"),
            ("Ocpp:Tls:EcdsaCertificateFile", good), ("Ocpp:Tls:EcdsaCertificatePassword", "pfx-password")));
        Assert.Contains("no ECDSA certificate", error.Message, StringComparison.Ordinal);
    }
}
