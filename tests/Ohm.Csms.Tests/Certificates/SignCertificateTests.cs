using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests.Certificates;

/// <summary>A02/A03 on the CSMS: SignCertificate from a raw station over loopback, CertificateSigned back, issued certificates stored.</summary>
public sealed class SignCertificateTests
{
    [Fact]
    public async Task A02_a_valid_CSR_is_Accepted_and_answered_with_CertificateSigned_chaining_to_the_CSMS_root()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var received = Channel.CreateUnbounded<CertificateSignedRequest>();
        await using var station = await csms.BootedStationAsync("CS-A02", CertificateStations.Handlers(received));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var answer = await station.CallAsync(new SignCertificateRequest { Csr = CertificateStations.Csr("CS-A02", key) });

        Assert.Equal(GenericStatusEnumType.Accepted, answer.Status);
        var signed = await received.Reader.ReadAsync();
        Assert.Equal(CertificateSigningUseEnumType.ChargingStationCertificate, signed.CertificateType);
        var chain = CertificateStations.Chain(signed.CertificateChain);
        Assert.Equal(2, chain.Count);
        using var root = await CertificateStations.RootAsync(csms);
        Assert.Equal(root.Thumbprint, chain[1].Thumbprint);
        Assert.Equal("CS-A02", chain[0].GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), chain[0].PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(CertificateStations.ChainsTo(chain[0], root));
        Assert.Contains(chain[0].Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.2");

        await csms.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();
        var issued = (await csms.GetJsonAsync("api/stations/CS-A02/certificates")).GetProperty("items");
        Assert.Equal(1, issued.GetArrayLength());
        Assert.Equal(chain[0].SerialNumber, issued[0].GetProperty("serialNumber").GetString());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(chain[0].RawData)), issued[0].GetProperty("fingerprint").GetString());
        Assert.Equal("Accepted", issued[0].GetProperty("signedResult").GetString());
        Assert.Equal("ChargingStationCertificate", issued[0].GetProperty("certificateType").GetString());
        Assert.Equal(chain[0].NotAfter.ToUniversalTime(), issued[0].GetProperty("notAfter").GetDateTimeOffset().UtcDateTime, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A02_a_station_asking_again_gets_a_new_certificate()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var received = Channel.CreateUnbounded<CertificateSignedRequest>();
        await using var station = await csms.BootedStationAsync("CS-AGAIN", CertificateStations.Handlers(received));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = CertificateStations.Csr("CS-AGAIN", key);

        Assert.Equal(GenericStatusEnumType.Accepted, (await station.CallAsync(new SignCertificateRequest { Csr = csr })).Status);
        Assert.Equal(GenericStatusEnumType.Accepted, (await station.CallAsync(new SignCertificateRequest { Csr = csr })).Status);
        var first = CertificateStations.Chain((await received.Reader.ReadAsync()).CertificateChain)[0];
        var second = CertificateStations.Chain((await received.Reader.ReadAsync()).CertificateChain)[0];

        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        await csms.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();
        var issued = (await csms.GetJsonAsync("api/stations/CS-AGAIN/certificates")).GetProperty("items");
        Assert.Equal(2, issued.GetArrayLength());
        Assert.Equal(
            new[] { first.SerialNumber, second.SerialNumber }.Order(StringComparer.Ordinal),
            issued.EnumerateArray().Select(c => c.GetProperty("serialNumber").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(issued.EnumerateArray(), c => Assert.Equal("Accepted", c.GetProperty("signedResult").GetString()));
    }

    public static TheoryData<string, string> BadCsrs() => new()
    {
        { "another-station", "InvalidCommonName" },
        { "wrong-organization", "InvalidOrganization" },
        { "bad-signature", "InvalidCSR" },
        { "weak-key", "InvalidKey" },
    };

    [Theory]
    [MemberData(nameof(BadCsrs))]
    public async Task A02_a_CSR_whose_CN_is_another_station_or_with_a_wrong_O_a_bad_signature_or_a_weak_key_is_Rejected_and_logged_as_a_security_event(string kind, string reasonCode)
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var received = Channel.CreateUnbounded<CertificateSignedRequest>();
        await using var station = await csms.BootedStationAsync("CS-BAD", CertificateStations.Handlers(received));
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var weak = RSA.Create(1024);
        var csr = kind switch
        {
            "another-station" => CertificateStations.Csr("CS-OTHER", ec),
            "wrong-organization" => CertificateStations.Csr("CS-BAD", ec, "Evil Corp"),
            "weak-key" => CertificateStations.Csr("CS-BAD", weak),
            _ => Tampered(CertificateStations.Request("CS-BAD", ec).CreateSigningRequest()),
        };

        var answer = await station.CallAsync(new SignCertificateRequest { Csr = csr });

        Assert.Equal(GenericStatusEnumType.Rejected, answer.Status);
        Assert.Equal(reasonCode, answer.StatusInfo?.ReasonCode);
        var events = (await csms.GetJsonAsync("api/security-events?stationId=CS-BAD&type=InvalidCsr")).GetProperty("items");
        var logged = Assert.Single(events.EnumerateArray());
        Assert.StartsWith(reasonCode, logged.GetProperty("techInfo").GetString(), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", logged.GetProperty("remoteAddress").GetString());
        await csms.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();
        Assert.Equal(0, (await csms.GetJsonAsync("api/stations/CS-BAD/certificates")).GetProperty("total").GetInt32());
        Assert.False(received.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A02_a_V2G_CSR_is_signed_by_the_V2G_CA()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var received = Channel.CreateUnbounded<CertificateSignedRequest>();
        await using var station = await csms.BootedStationAsync("CS-V2G", CertificateStations.Handlers(received));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var answer = await station.CallAsync(new SignCertificateRequest { Csr = CertificateStations.Csr("CS-V2G", key), CertificateType = CertificateSigningUseEnumType.V2GCertificate });

        Assert.Equal(GenericStatusEnumType.Accepted, answer.Status);
        var signed = await received.Reader.ReadAsync();
        Assert.Equal(CertificateSigningUseEnumType.V2GCertificate, signed.CertificateType);
        var leaf = CertificateStations.Chain(signed.CertificateChain)[0];
        using var v2gRoot = await CertificateStations.RootAsync(csms, "api/certificates/v2g-ca");
        using var stationRoot = await CertificateStations.RootAsync(csms);
        Assert.NotEqual(v2gRoot.Thumbprint, stationRoot.Thumbprint);
        Assert.True(CertificateStations.ChainsTo(leaf, v2gRoot));
        Assert.False(CertificateStations.ChainsTo(leaf, stationRoot));
    }

    // The CSR with one bit of its signature flipped: it still parses, and its signature no longer verifies.
    private static string Tampered(byte[] der)
    {
        der[^1] ^= 0x01;
        return PemEncoding.WriteString("CERTIFICATE REQUEST", der);
    }
}
