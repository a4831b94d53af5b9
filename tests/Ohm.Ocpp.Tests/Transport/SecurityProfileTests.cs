using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Ohm.Ocpp.AspNetCore;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Transport;

namespace Ohm.Ocpp.Tests.Transport;

/// <summary>Security profiles 1 (Basic auth), 2 (TLS with a server certificate) and 3 (mutual TLS), with certificates made on the fly.</summary>
public sealed class SecurityProfileTests : IDisposable
{
    private const string Password = "correct-horse-battery";
    private readonly X509Certificate2 _csmsRoot = TestCertificates.CreateRoot("Ohm test CSMS root");
    private readonly X509Certificate2 _stationRoot = TestCertificates.CreateRoot("Ohm test station root");

    public void Dispose()
    {
        _csmsRoot.Dispose();
        _stationRoot.Dispose();
    }

    private static Action<OcppServerOptions> RequirePassword => o => o.Authenticate = request => ValueTask.FromResult(request.Password == Password);

    private static async Task AssertServesAsync(LoopbackCsms csms, OcppClientOptions options)
    {
        csms.Handlers.On<HeartbeatRequest, HeartbeatResponse>((_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow }));
        await using var station = await OcppClient.ConnectAsync(options, new OcppHandlers());
        Assert.NotNull(await station.CallAsync(new HeartbeatRequest()));
    }

    [Fact]
    public async Task SP1_the_right_password_connects()
    {
        await using var csms = await LoopbackCsms.StartAsync(RequirePassword);
        await AssertServesAsync(csms, csms.ClientOptions("SP1A", o => o.Password = Password));
    }

    [Fact]
    public async Task SP1_a_wrong_password_gets_401_before_the_upgrade()
    {
        await using var csms = await LoopbackCsms.StartAsync(RequirePassword);
        var error = await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(csms.ClientOptions("SP1B", o => o.Password = "wrong-password-here"), new OcppHandlers()));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Null(csms.Server.Find("SP1B"));
    }

    [Fact]
    public async Task SP1_no_password_gets_401()
    {
        await using var csms = await LoopbackCsms.StartAsync(RequirePassword);
        var error = await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(csms.ClientOptions("SP1C"), new OcppHandlers()));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task SP1_a_user_name_other_than_the_identity_in_the_URL_gets_401()
    {
        await using var csms = await LoopbackCsms.StartAsync(RequirePassword);
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp2.0.1");
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("OTHER:" + Password)));
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => socket.ConnectAsync(new Uri(csms.Endpoint + "/SP1D"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    private HttpsConnectionAdapterOptions ServerTls(bool requireClientCertificate)
    {
        var tls = new HttpsConnectionAdapterOptions { ServerCertificate = TestCertificates.CreateServer(_csmsRoot) };
        if (requireClientCertificate)
        {
            tls.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            tls.ClientCertificateValidation = OcppTls.ClientCertificateValidator(_stationRoot);
        }

        return tls;
    }

    [Fact]
    public async Task SP2_TLS_with_the_CSMS_certificate_and_Basic_auth_connects()
    {
        await using var csms = await LoopbackCsms.StartAsync(RequirePassword, ServerTls(requireClientCertificate: false));
        Assert.Equal("wss", csms.Endpoint.Scheme);
        await AssertServesAsync(csms, csms.ClientOptions("SP2A", o =>
        {
            o.Password = Password;
            o.ServerCertificateValidation = OcppTls.TrustRoot(_csmsRoot);
        }));
    }

    [Fact]
    public async Task SP2_a_station_that_does_not_trust_the_CSMS_root_refuses_the_connection()
    {
        await using var csms = await LoopbackCsms.StartAsync(RequirePassword, ServerTls(requireClientCertificate: false));
        using var otherRoot = TestCertificates.CreateRoot("Some other root");
        await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(csms.ClientOptions("SP2B", o =>
        {
            o.Password = Password;
            o.ServerCertificateValidation = OcppTls.TrustRoot(otherRoot);
        }), new OcppHandlers()));
    }

    [Fact]
    public async Task SP3_mutual_TLS_with_a_client_certificate_from_the_trusted_root_connects()
    {
        string? seenSubject = null;
        await using var csms = await LoopbackCsms.StartAsync(
            o => o.Authenticate = request =>
            {
                seenSubject = request.ClientCertificate?.GetNameInfo(X509NameType.SimpleName, false);
                return ValueTask.FromResult(request.SecurityProfile == 3 && seenSubject == request.StationId);
            },
            ServerTls(requireClientCertificate: true));
        using var clientCertificate = TestCertificates.CreateClient(_stationRoot, "SP3A");
        await AssertServesAsync(csms, csms.ClientOptions("SP3A", o =>
        {
            o.ClientCertificate = clientCertificate;
            o.ServerCertificateValidation = OcppTls.TrustRoot(_csmsRoot);
        }));
        Assert.Equal("SP3A", seenSubject);
    }

    [Fact]
    public async Task SP3_a_client_certificate_from_another_root_is_refused()
    {
        await using var csms = await LoopbackCsms.StartAsync(null, ServerTls(requireClientCertificate: true));
        using var rogueRoot = TestCertificates.CreateRoot("Rogue root");
        using var rogue = TestCertificates.CreateClient(rogueRoot, "SP3B");
        await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(csms.ClientOptions("SP3B", o =>
        {
            o.ClientCertificate = rogue;
            o.ServerCertificateValidation = OcppTls.TrustRoot(_csmsRoot);
        }), new OcppHandlers()));
        Assert.Null(csms.Server.Find("SP3B"));
    }

    [Fact]
    public async Task SP3_a_missing_client_certificate_is_refused()
    {
        await using var csms = await LoopbackCsms.StartAsync(null, ServerTls(requireClientCertificate: true));
        await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(csms.ClientOptions("SP3C", o =>
            o.ServerCertificateValidation = OcppTls.TrustRoot(_csmsRoot)), new OcppHandlers()));
        Assert.Null(csms.Server.Find("SP3C"));
    }

    [Fact]
    public async Task SP2_a_station_pinned_to_the_CSMS_root_connects()
    {
        await using var csms = await LoopbackCsms.StartAsync(RequirePassword, ServerTls(requireClientCertificate: false));
        await AssertServesAsync(csms, csms.ClientOptions("SP2C", o =>
        {
            o.Password = Password;
            o.CsmsRoot = _csmsRoot;
        }));
    }

    [Fact]
    public async Task SP2_a_station_pinned_to_a_root_refuses_a_CSMS_from_another_root()
    {
        await using var csms = await LoopbackCsms.StartAsync(RequirePassword, ServerTls(requireClientCertificate: false));
        using var otherRoot = TestCertificates.CreateRoot("Yet another root");
        await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(csms.ClientOptions("SP2D", o =>
        {
            o.Password = Password;
            o.CsmsRoot = otherRoot;
        }), new OcppHandlers()));
    }

    [Fact]
    public async Task SP2_the_stations_handshake_downloads_nothing_named_in_the_CSMS_certificate()
    {
        // The addresses the certificate names (issuer, OCSP, CRL) all point at this listener, which must stay untouched.
        var addresses = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        addresses.Start();
        var tlsServer = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        tlsServer.Start();
        try
        {
            var baseUrl = $"http://127.0.0.1:{((IPEndPoint)addresses.LocalEndpoint).Port}";
            using var certificate = TestCertificates.CreateServerBehindMissingIntermediate(_csmsRoot, baseUrl);
            // A bare TLS server that hands out the leaf alone (offline), so that only the station could fetch anything.
            var serving = Task.Run(async () =>
            {
                using var client = await tlsServer.AcceptTcpClientAsync();
                await using var tls = new System.Net.Security.SslStream(client.GetStream());
                await Record.ExceptionAsync(() => tls.AuthenticateAsServerAsync(new System.Net.Security.SslServerAuthenticationOptions
                {
                    ServerCertificateContext = System.Net.Security.SslStreamCertificateContext.Create(certificate, null, offline: true),
                }));
            });
            var endpoint = new Uri($"wss://localhost:{((IPEndPoint)tlsServer.LocalEndpoint).Port}/ocpp");
            await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(
                new OcppClientOptions { Endpoint = endpoint, StationId = "SP2E", CsmsRoot = _csmsRoot }, new OcppHandlers()));
            await serving;
            Assert.False(addresses.Pending(), "The station connected to an address named in the CSMS certificate.");
        }
        finally
        {
            addresses.Stop();
            tlsServer.Stop();
        }
    }
}
