using System.Security.Cryptography.X509Certificates;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Tests.Support;

namespace Ohm.Csms.Tests.Certificates;

/// <summary>C07/C08: Plug &amp; Charge Authorize, the contract certificate checked at a real OCSP responder on loopback.</summary>
public sealed class ContractAuthorizationTests
{
    private static readonly X509Certificate2 MoRoot = TestCertificates.CreateRoot("Test MO Sub-CA");

    [Fact]
    public async Task C07_a_contract_certificate_good_at_OCSP_and_a_known_eMAID_is_Accepted_and_a_revoked_one_is_CertificateRevoked_and_Invalid()
    {
        var good = TestCertificates.CreateClient(MoRoot, "NLOHMC000000001");
        var revoked = TestCertificates.CreateClient(MoRoot, "NLOHMC000000002");
        await using var responder = new TestOcspResponder(MoRoot);
        responder.Revoke(revoked);
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.AddTokenAsync(new { idToken = "NLOHMC000000001", type = "eMAID" });
        await csms.AddTokenAsync(new { idToken = "NLOHMC000000002", type = "eMAID" });
        await using var station = await csms.BootedStationAsync("CS-C07");

        var accepted = await station.CallAsync(new AuthorizeRequest
        {
            IdToken = new IdTokenType { IdToken = "NLOHMC000000001", Type = IdTokenEnumType.EMAID },
            Iso15118CertificateHashData = [TestOcspResponder.RequestDataFor(good, MoRoot, responder.Url)],
        });
        Assert.Equal(AuthorizeCertificateStatusEnumType.Accepted, accepted.CertificateStatus);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, accepted.IdTokenInfo.Status);

        var refused = await station.CallAsync(new AuthorizeRequest
        {
            IdToken = new IdTokenType { IdToken = "NLOHMC000000002", Type = IdTokenEnumType.EMAID },
            Iso15118CertificateHashData = [TestOcspResponder.RequestDataFor(revoked, MoRoot, responder.Url)],
        });
        Assert.Equal(AuthorizeCertificateStatusEnumType.CertificateRevoked, refused.CertificateStatus);
        Assert.Equal(AuthorizationStatusEnumType.Invalid, refused.IdTokenInfo.Status);

        var unknown = await station.CallAsync(new AuthorizeRequest
        {
            IdToken = new IdTokenType { IdToken = "NLOHMC000000099", Type = IdTokenEnumType.EMAID },
            Iso15118CertificateHashData = [TestOcspResponder.RequestDataFor(good, MoRoot, responder.Url)],
        });
        Assert.Equal(AuthorizeCertificateStatusEnumType.Accepted, unknown.CertificateStatus);
        Assert.Equal(AuthorizationStatusEnumType.Unknown, unknown.IdTokenInfo.Status);
    }
}
