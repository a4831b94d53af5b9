using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Certificates.Ocsp;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Tests.Support;
using Org.BouncyCastle.Ocsp;

namespace Ohm.Csms.Tests.Certificates;

/// <summary>M06: GetCertificateStatus goes to a real OCSP responder on loopback; its verified answer is passed on.</summary>
public sealed class GetCertificateStatusTests
{
    private static readonly X509Certificate2 Root = TestCertificates.CreateRoot("Test V2G Sub-CA");
    private static readonly X509Certificate2 Leaf = TestCertificates.CreateClient(Root, "SECC-1");

    [Fact]
    public async Task M06_GetCertificateStatus_asks_a_real_OCSP_responder_and_answers_its_signed_result()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var responder = new TestOcspResponder(Root, clock.GetUtcNow);
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock));
        await using var station = await csms.BootedStationAsync("CS-M06");

        var answer = await station.CallAsync(new GetCertificateStatusRequest { OcspRequestData = TestOcspResponder.RequestDataFor(Leaf, Root, responder.Url) });

        Assert.Equal(GetCertificateStatusEnumType.Accepted, answer.Status);
        var single = SingleOf(answer.OcspResult!);
        Assert.Null(single.GetCertStatus()); // Good
        Assert.Equal(Leaf.SerialNumber.TrimStart('0'), single.GetCertID().SerialNumber.ToString(16).ToUpperInvariant());
        Assert.Equal(1, responder.Requests);
    }

    [Fact]
    public async Task M06_an_OCSP_answer_is_cached_until_its_nextUpdate_and_asked_again_after()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var responder = new TestOcspResponder(Root, clock.GetUtcNow) { Validity = TimeSpan.FromMinutes(30) };
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock));
        await using var station = await csms.BootedStationAsync("CS-M06C");
        var request = new GetCertificateStatusRequest { OcspRequestData = TestOcspResponder.RequestDataFor(Leaf, Root, responder.Url) };

        var first = await station.CallAsync(request);
        clock.Advance(TimeSpan.FromMinutes(29));
        var second = await station.CallAsync(request);
        Assert.Equal(GetCertificateStatusEnumType.Accepted, second.Status);
        Assert.Equal(first.OcspResult, second.OcspResult);
        Assert.Equal(1, responder.Requests);

        clock.Advance(TimeSpan.FromMinutes(2));
        var third = await station.CallAsync(request);
        Assert.Equal(GetCertificateStatusEnumType.Accepted, third.Status);
        Assert.Equal(2, responder.Requests);
        Assert.NotEqual(first.OcspResult, third.OcspResult);
    }

    [Fact]
    public async Task M06_a_revoked_certificate_is_answered_Accepted_with_the_responders_revoked_result_for_the_station_to_decide()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var revoked = TestCertificates.CreateClient(Root, "SECC-REVOKED");
        await using var responder = new TestOcspResponder(Root, clock.GetUtcNow);
        responder.Revoke(revoked);
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock));
        await using var station = await csms.BootedStationAsync("CS-M06R");

        var answer = await station.CallAsync(new GetCertificateStatusRequest { OcspRequestData = TestOcspResponder.RequestDataFor(revoked, Root, responder.Url, HashAlgorithmEnumType.SHA384) });

        Assert.Equal(GetCertificateStatusEnumType.Accepted, answer.Status);
        Assert.IsType<RevokedStatus>(SingleOf(answer.OcspResult!).GetCertStatus());
    }

    [Fact]
    public async Task M06_an_unreachable_responder_is_answered_Failed_saying_so()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:Ocsp:TimeoutSeconds", "5"));
        await using var station = await csms.BootedStationAsync("CS-M06U");

        var answer = await station.CallAsync(new GetCertificateStatusRequest { OcspRequestData = TestOcspResponder.RequestDataFor(Leaf, Root, $"http://127.0.0.1:{ClosedPort()}/ocsp") });

        Assert.Equal(GetCertificateStatusEnumType.Failed, answer.Status);
        Assert.Null(answer.OcspResult);
        Assert.Equal(OcspCheck.ResponderUnreachable, answer.StatusInfo?.ReasonCode);
    }

    [Fact]
    public async Task M06_a_response_whose_signature_does_not_verify_is_answered_Failed()
    {
        await using var responder = new TestOcspResponder(Root);
        responder.SignWithWrongKey();
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-M06S");

        var answer = await station.CallAsync(new GetCertificateStatusRequest { OcspRequestData = TestOcspResponder.RequestDataFor(Leaf, Root, responder.Url) });

        Assert.Equal(GetCertificateStatusEnumType.Failed, answer.Status);
        Assert.Equal(OcspCheck.BadSignature, answer.StatusInfo?.ReasonCode);
    }

    [Fact]
    public async Task M06_a_response_signed_by_a_delegated_OCSP_signer_of_the_issuer_is_accepted_and_one_by_a_stranger_is_not()
    {
        await using var responder = new TestOcspResponder(Root);
        responder.SignWith(TestOcspResponder.CreateDelegatedSigner(Root));
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-M06D");

        var delegated = await station.CallAsync(new GetCertificateStatusRequest { OcspRequestData = TestOcspResponder.RequestDataFor(Leaf, Root, responder.Url) });
        Assert.Equal(GetCertificateStatusEnumType.Accepted, delegated.Status);

        var other = TestCertificates.CreateRoot("Another CA");
        responder.SignWith(TestOcspResponder.CreateDelegatedSigner(other));
        var stranger = await station.CallAsync(new GetCertificateStatusRequest { OcspRequestData = TestOcspResponder.RequestDataFor(TestCertificates.CreateClient(Root, "SECC-2"), Root, responder.Url) });
        Assert.Equal(GetCertificateStatusEnumType.Failed, stranger.Status);
        Assert.Equal(OcspCheck.BadSignature, stranger.StatusInfo?.ReasonCode);
    }

    [Fact]
    public async Task M06_an_answer_from_a_responder_not_authorized_for_the_issuer_bad_request_data_and_a_disallowed_host_are_answered_Failed()
    {
        await using var responder = new TestOcspResponder(Root);
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:Ocsp:AllowedResponderHosts:0", "127.0.0.1"));
        await using var station = await csms.BootedStationAsync("CS-M06K");
        var other = TestCertificates.CreateRoot("Unknown CA");

        var unknown = await station.CallAsync(new GetCertificateStatusRequest { OcspRequestData = TestOcspResponder.RequestDataFor(TestCertificates.CreateClient(other, "X"), other, responder.Url) });
        Assert.Equal(GetCertificateStatusEnumType.Failed, unknown.Status);
        Assert.Equal(OcspCheck.BadSignature, unknown.StatusInfo?.ReasonCode); // signed by a CA that is not the certificate's issuer

        var data = TestOcspResponder.RequestDataFor(Leaf, Root, responder.Url);
        data.IssuerKeyHash = "not-hex";
        var bad = await station.CallAsync(new GetCertificateStatusRequest { OcspRequestData = data });
        Assert.Equal(OcspCheck.InvalidRequestData, bad.StatusInfo?.ReasonCode);

        var elsewhere = await station.CallAsync(new GetCertificateStatusRequest { OcspRequestData = TestOcspResponder.RequestDataFor(Leaf, Root, "http://localhost:1/ocsp") });
        Assert.Equal(OcspCheck.ResponderNotAllowed, elsewhere.StatusInfo?.ReasonCode);
        Assert.Equal(1, responder.Requests);
    }

    private static SingleResp SingleOf(string ocspResult)
    {
        var basic = (BasicOcspResp)new OcspResp(Convert.FromBase64String(ocspResult)).GetResponseObject();
        return Assert.Single(basic.Responses);
    }

    private static int ClosedPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
