using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Tests.Support;

namespace Ohm.Csms.Tests.Certificates;

/// <summary>
/// C07/C08 with the contract certificate chain given as PEM in Authorize.certificate: its validity period checked
/// against the clock, and, with Csms:ContractCertificates:TrustedRootsFile, that it chains to one of those MO roots.
/// </summary>
public sealed class ContractChainTests : IDisposable
{
    private static readonly X509Certificate2 MoRoot = TestCertificates.CreateRoot("Test MO Root");
    private static readonly X509Certificate2 MoSubCa = SubCa(MoRoot, "Test MO Sub-CA");
    private static readonly X509Certificate2 OtherRoot = TestCertificates.CreateRoot("Another MO Root");
    private readonly string _rootsFile = Path.Combine(Path.GetTempPath(), $"ohm-mo-roots-{Guid.NewGuid():N}.pem");

    public ContractChainTests() => File.WriteAllText(_rootsFile, Chain(OtherRoot, MoRoot));

    public void Dispose() => File.Delete(_rootsFile);

    [Fact]
    public async Task C07_a_PEM_chain_to_a_trusted_MO_root_is_Accepted_and_one_to_another_root_is_CertChainError()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:ContractCertificates:TrustedRootsFile", _rootsFile));
        await csms.AddTokenAsync(new { idToken = "NLOHMC000000010", type = "eMAID" });
        await using var station = await csms.BootedStationAsync("CS-C07P");

        var good = await station.CallAsync(Authorize(Chain(TestCertificates.CreateClient(MoSubCa, "NLOHMC000000010"), MoSubCa)));
        Assert.Equal(AuthorizeCertificateStatusEnumType.Accepted, good.CertificateStatus);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, good.IdTokenInfo.Status);

        var untrustedRoot = TestCertificates.CreateRoot("Untrusted MO Root");
        var strangerCa = SubCa(untrustedRoot, "Untrusted MO Sub-CA");
        var stranger = await station.CallAsync(Authorize(Chain(TestCertificates.CreateClient(strangerCa, "NLOHMC000000010"), strangerCa)));
        Assert.Equal(AuthorizeCertificateStatusEnumType.CertChainError, stranger.CertificateStatus);
        Assert.Equal(AuthorizationStatusEnumType.Invalid, stranger.IdTokenInfo.Status);

        // Without its sub-CA the leaf does not reach the root either.
        var partial = await station.CallAsync(Authorize(Chain(TestCertificates.CreateClient(MoSubCa, "NLOHMC000000010"))));
        Assert.Equal(AuthorizeCertificateStatusEnumType.CertChainError, partial.CertificateStatus);

        var garbage = await station.CallAsync(Authorize("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
        Assert.Equal(AuthorizeCertificateStatusEnumType.CertChainError, garbage.CertificateStatus);
        Assert.Equal(AuthorizationStatusEnumType.Invalid, garbage.IdTokenInfo.Status);
    }

    [Fact]
    public async Task C07_a_chain_whose_validity_has_ended_by_the_CSMS_clock_is_CertificateExpired()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock), ("Csms:ContractCertificates:TrustedRootsFile", _rootsFile));
        await csms.AddTokenAsync(new { idToken = "NLOHMC000000011", type = "eMAID" });
        await using var station = await csms.BootedStationAsync("CS-C07E");
        var chain = Chain(TestCertificates.CreateClient(MoSubCa, "NLOHMC000000011"), MoSubCa);

        Assert.Equal(AuthorizeCertificateStatusEnumType.Accepted, (await station.CallAsync(Authorize(chain, "NLOHMC000000011"))).CertificateStatus);

        clock.Advance(TimeSpan.FromDays(400)); // past every certificate's notAfter (a year at most)
        var expired = await station.CallAsync(Authorize(chain, "NLOHMC000000011"));
        Assert.Equal(AuthorizeCertificateStatusEnumType.CertificateExpired, expired.CertificateStatus);
        Assert.Equal(AuthorizationStatusEnumType.Invalid, expired.IdTokenInfo.Status);
    }

    [Fact]
    public async Task C07_without_TrustedRootsFile_only_the_validity_period_of_a_PEM_chain_is_checked()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.AddTokenAsync(new { idToken = "NLOHMC000000012", type = "eMAID" });
        await using var station = await csms.BootedStationAsync("CS-C07N");
        var anyRoot = TestCertificates.CreateRoot("Any MO Root");

        var answer = await station.CallAsync(Authorize(Chain(TestCertificates.CreateClient(anyRoot, "NLOHMC000000012")), "NLOHMC000000012"));

        Assert.Equal(AuthorizeCertificateStatusEnumType.Accepted, answer.CertificateStatus);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, answer.IdTokenInfo.Status);
    }

    [Fact]
    public async Task C07_a_TrustedRootsFile_that_does_not_exist_or_holds_no_certificate_stops_the_CSMS_at_start_naming_the_setting()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"ohm-missing-{Guid.NewGuid():N}.pem");
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:ContractCertificates:TrustedRootsFile", missing)));
        Assert.Contains("Csms:ContractCertificates:TrustedRootsFile", error.ToString(), StringComparison.Ordinal);

        // Two PEM blocks run together on one line parse as none: a file like that would trust no root and refuse every chain.
        File.WriteAllText(_rootsFile, MoRoot.ExportCertificatePem() + OtherRoot.ExportCertificatePem());
        error = await Assert.ThrowsAnyAsync<Exception>(async () => await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:ContractCertificates:TrustedRootsFile", _rootsFile)));
        Assert.Contains("holds no PEM certificate", error.ToString(), StringComparison.Ordinal);
    }

    private static AuthorizeRequest Authorize(string pem, string emaid = "NLOHMC000000010") => new()
    {
        IdToken = new IdTokenType { IdToken = emaid, Type = IdTokenEnumType.EMAID },
        Certificate = pem,
    };

    private static string Chain(params X509Certificate2[] certificates) => string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

    // A sub-CA under root, with its key, valid as long as the root.
    private static X509Certificate2 SubCa(X509Certificate2 root, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var signed = request.Create(root, root.NotBefore.ToUniversalTime(), root.NotAfter.ToUniversalTime(), RandomNumberGenerator.GetBytes(12));
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }
}
