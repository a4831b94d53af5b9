using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Server;
using Ohm.Csms.Sessions;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests;

/// <summary>Findings of the security and exhaustion probes: each test is named after what it proves.</summary>
public sealed class SecurityHardeningTests
{
    private const string WrongPassword = "wrong-password-0000";

    private static OcppClientOptions Client(CsmsTestHost csms, string stationId, string? password) =>
        new() { Endpoint = csms.OcppEndpoint, StationId = stationId, Password = password };

    private static async Task<HttpStatusCode?> RefusedAsync(CsmsTestHost csms, string stationId, string? password)
    {
        var refused = await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(Client(csms, stationId, password), new OcppHandlers()));
        return refused.StatusCode;
    }

    private static async Task<List<SecurityEvent>> SecurityEventsAsync(CsmsTestHost csms, string query)
    {
        var page = await csms.Api.GetFromJsonAsync<SecurityEventPage>("api/security-events" + query);
        return page!.Items;
    }

    private sealed record SecurityEvent(long Id, DateTimeOffset Timestamp, DateTimeOffset LastAt, int Count, string Source, string Type, string? StationId, string? RemoteAddress, string? TechInfo);

    private sealed record SecurityEventPage(List<SecurityEvent> Items, int Total, string? Next);

    // Finding 1 ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Stations_auto_registered_in_development_mode_are_refused_after_a_restart_in_production_mode()
    {
        var dev = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:AcceptUnknown", "true"));
        await using (var station = await dev.ConnectAsync("CS-DEV", password: null))
        {
            Assert.Equal(RegistrationStatusEnumType.Accepted, (await station.CallAsync(CsmsTestHost.Boot())).Status);
        }

        await using var csms = await dev.RestartAsync();
        Assert.Contains(csms.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("1 registered stations have no credentials", StringComparison.Ordinal) && e.Message.Contains("PUT /api/stations/", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(csms, "CS-DEV", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(csms, "CS-DEV", "any-password-at-all"));

        // The fix the warning names: a password through the API.
        await csms.RegisterAsync("CS-DEV");
        await using var fixedStation = await csms.ConnectAsync("CS-DEV");
        Assert.True(fixedStation.IsOpen);
    }

    [Fact]
    public async Task A_station_registered_with_security_profile_0_is_refused_outside_development_mode()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        (await csms.Api.PutAsJsonAsync("api/stations/CS-SP0", new { securityProfile = 0 })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(csms, "CS-SP0", null));
    }

    // Finding 2 ------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("disable")]
    [InlineData("delete")]
    [InlineData("password")]
    [InlineData("profile")]
    public async Task Disabling_deleting_or_changing_the_credentials_of_a_connected_station_closes_its_connection(string change)
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var station = await csms.BootedStationAsync("CS-REV");
        var response = change switch
        {
            "disable" => await csms.Api.PutAsJsonAsync("api/stations/CS-REV", new { enabled = false }),
            "delete" => await csms.Api.DeleteAsync("api/stations/CS-REV"),
            "password" => await csms.Api.PutAsJsonAsync("api/stations/CS-REV", new { password = "another-password-16" }),
            _ => await csms.Api.PutAsJsonAsync("api/stations/CS-REV", new { securityProfile = 2 }),
        };
        response.EnsureSuccessStatusCode();

        await station.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(station.IsOpen);
        await Assert.ThrowsAnyAsync<Exception>(() => station.CallAsync(TransactionTests.Event("tx-revoked", 0, TransactionEventEnumType.Started)));
        await Assert.ThrowsAnyAsync<Exception>(() => station.CallAsync(new HeartbeatRequest()));
        await station.DisposeAsync();

        await using var db = csms.Database.CreateContext();
        Assert.False(await db.Transactions.AnyAsync(t => t.StationId == "CS-REV"));

        // The server ends the session when its side of the connection has closed, a moment after the station's.
        var router = csms.App.Services.GetRequiredService<IStationCallRouter>();
        for (var i = 0; i < 100 && router.IsConnected("CS-REV"); i++)
        {
            await Task.Delay(50);
        }

        Assert.False(router.IsConnected("CS-REV"));
    }

    // Finding 3 ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Failed_handshakes_over_the_per_address_limit_are_answered_429_without_hashing_and_counted_in_one_security_event()
    {
        var fakeTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var csms = await CsmsTestHost.StartAsync(
            TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(fakeTime),
            ("Ocpp:FailedHandshakes:PerAddressPerMinute", "3"), ("Ocpp:FailedHandshakes:PerStationPerMinute", "100"));
        await csms.RegisterAsync("CS-RL");
        var admission = csms.App.Services.GetRequiredService<StationAdmission>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(csms, "CS-RL", WrongPassword));
        }

        var checks = admission.PasswordChecks;
        Assert.Equal(HttpStatusCode.TooManyRequests, await RefusedAsync(csms, "CS-RL", "station-password-16"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await RefusedAsync(csms, "CS-OTHER", WrongPassword));
        using var http = new HttpClient();
        var handshake = new UriBuilder(csms.OcppEndpoint) { Scheme = "http" }.Uri;
        for (var i = 0; i < 50; i++)
        {
            using var answer = await http.GetAsync(new Uri(handshake + "/CS-RL"));
            Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
            Assert.True(answer.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        Assert.Equal(checks, admission.PasswordChecks);

        var events = await SecurityEventsAsync(csms, "?stationId=CS-RL");
        var failed = Assert.Single(events, e => e.Type == "FailedToAuthenticateAtCsms");
        Assert.Equal(3, failed.Count);
        Assert.Equal("Csms", failed.Source);
        Assert.Equal("127.0.0.1", failed.RemoteAddress);
        var limited = Assert.Single(events, e => e.Type == FailedHandshakes.RateLimitedType);
        Assert.Equal(51, limited.Count);
        Assert.Single(csms.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("too many failed handshakes", StringComparison.Ordinal) && e.Message.Contains("CS-RL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failed_handshakes_over_the_per_station_limit_are_answered_429_for_that_station_only()
    {
        await using var csms = await CsmsTestHost.StartAsync(
            TestDatabases.Sqlite, ("Ocpp:FailedHandshakes:PerAddressPerMinute", "1000"), ("Ocpp:FailedHandshakes:PerStationPerMinute", "2"));
        await csms.RegisterAsync("CS-A");
        await csms.RegisterAsync("CS-B");
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(csms, "CS-A", WrongPassword));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(csms, "CS-A", WrongPassword));
        Assert.Equal(HttpStatusCode.TooManyRequests, await RefusedAsync(csms, "CS-A", "station-password-16"));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(csms, "CS-B", WrongPassword));
        await using var b = await csms.ConnectAsync("CS-B");
        Assert.True(b.IsOpen);
    }

    [Fact]
    public async Task An_unknown_station_identity_costs_the_same_password_hash_as_a_registered_one()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.RegisterAsync("CS-KNOWN");
        var admission = csms.App.Services.GetRequiredService<StationAdmission>();
        var start = admission.PasswordChecks;
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(csms, "CS-KNOWN", WrongPassword));
        Assert.Equal(start + 1, admission.PasswordChecks);
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(csms, "CS-NOBODY", WrongPassword));
        Assert.Equal(start + 2, admission.PasswordChecks);

        var events = await SecurityEventsAsync(csms, "?type=FailedToAuthenticateAtCsms");
        Assert.Contains(events, e => e.StationId == "CS-NOBODY");
        Assert.Contains(events, e => e.StationId == "CS-KNOWN");
    }

    [Fact]
    public async Task Security_events_are_paged_newest_first()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        for (var i = 0; i < 3; i++)
        {
            await RefusedAsync(csms, "CS-PAGE-" + i, WrongPassword);
            await SecurityEventsAsync(csms, ""); // flushes: one row each
        }

        var first = await csms.Api.GetFromJsonAsync<SecurityEventPage>("api/security-events?limit=2");
        Assert.Equal(["CS-PAGE-2", "CS-PAGE-1"], first!.Items.Select(e => e.StationId));
        Assert.Equal(3, first.Total);
        var second = await csms.Api.GetFromJsonAsync<SecurityEventPage>($"api/security-events?limit=2&cursor={first.Next}");
        Assert.Equal(["CS-PAGE-0"], second!.Items.Select(e => e.StationId));
        Assert.Null(second.Next);
    }

    // Finding 4 ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task An_untrusted_client_certificate_with_AIA_and_CDP_addresses_makes_the_CSMS_fetch_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("ohm-aia-").FullName;
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var csmsRoot = TestCertificates.CreateRoot("CSMS root");
            using var stationRoot = TestCertificates.CreateRoot("Station root");
            using var server = TestCertificates.CreateServer(csmsRoot);
            var pfx = Path.Combine(folder, "csms.pfx");
            await File.WriteAllBytesAsync(pfx, server.Export(X509ContentType.Pfx, "pfx-password"));
            var ca = Path.Combine(folder, "stations.pem");
            await File.WriteAllTextAsync(ca, stationRoot.ExportCertificatePem());
            await using var csms = await CsmsTestHost.StartAsync(
                TestDatabases.Sqlite,
                ("Ocpp:Url", "https://127.0.0.1:0"),
                ("Ocpp:Tls:CertificateFile", pfx),
                ("Ocpp:Tls:CertificatePassword", "pfx-password"),
                ("Ocpp:Tls:ClientCaFile", ca));
            (await csms.Api.PutAsJsonAsync("api/stations/CS-AIA", new { securityProfile = 3 })).EnsureSuccessStatusCode();

            // Issued by an intermediate the CSMS does not have, whose address (AIA) and revocation list (CDP) are the listener.
            using var certificate = CreateClientWithAddresses("CS-AIA", $"http://127.0.0.1:{port}");
            // A raw TLS client that sends the certificate as it is (offline), so that only the CSMS could fetch anything.
            using (var tcp = new TcpClient())
            {
                await tcp.ConnectAsync(IPAddress.Loopback, csms.OcppEndpoint.Port);
                await using var tls = new System.Net.Security.SslStream(tcp.GetStream());
                var refused = await Record.ExceptionAsync(async () =>
                {
                    await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
                    {
                        TargetHost = "localhost",
                        ClientCertificateContext = System.Net.Security.SslStreamCertificateContext.Create(certificate, null, offline: true),
                        RemoteCertificateValidationCallback = OcppTls.TrustRoot(csmsRoot),
                    });
                    await tls.WriteAsync("GET /ocpp/CS-AIA HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray());
                    var buffer = new byte[256];
                    var read = await tls.ReadAsync(buffer);
                    Assert.True(read == 0 || System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 4", StringComparison.Ordinal));
                });
                Assert.True(refused is null or IOException or System.Security.Authentication.AuthenticationException, refused?.ToString());
            }

            Assert.False(listener.Pending(), "The CSMS connected to an address named in the client certificate.");
            var events = await SecurityEventsAsync(csms, "?type=InvalidChargingStationCertificate");
            Assert.Contains(events, e => e.StationId == "CS-AIA");
        }
        finally
        {
            listener.Stop();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Chain_checks_download_nothing_on_either_side()
    {
        using var root = TestCertificates.CreateRoot("Any root");
        var policy = OcppTls.ChainPolicy(root, X509KeyUsageOids.ClientAuth);
        Assert.True(policy.DisableCertificateDownloads);
        Assert.Equal(X509RevocationMode.NoCheck, policy.RevocationMode);
        Assert.Equal(X509ChainTrustMode.CustomRootTrust, policy.TrustMode);
    }

    private static X509Certificate2 CreateClientWithAddresses(string stationId, string baseUrl)
    {
        using var rootKey = RSA.Create(2048);
        var rootRequest = new CertificateRequest("CN=Unknown root", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        using var intermediateKey = RSA.Create(2048);
        var intermediateRequest = new CertificateRequest("CN=Unknown intermediate", intermediateKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        intermediateRequest.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension([baseUrl + "/ocsp"], [baseUrl + "/root.cer"]));
        using var intermediateSigned = intermediateRequest.Create(root, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(12));
        using var intermediate = intermediateSigned.CopyWithPrivateKey(intermediateKey);

        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={stationId}, O=Ohm tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(X509KeyUsageOids.ClientAuth)], false));
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension([baseUrl + "/ocsp"], [baseUrl + "/intermediate.cer"]));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([baseUrl + "/crl"]));
        using var signed = request.Create(intermediate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20), RandomNumberGenerator.GetBytes(12));
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }

    // Finding 5 ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Connections_over_Ocpp_MaxConnections_are_closed_while_the_existing_ones_keep_working()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Ocpp:MaxConnections", "5"), ("Ocpp:HandshakeTimeoutSeconds", "60"));
        await using var station = await csms.BootedStationAsync("CS-MAX");
        var endpoint = new IPEndPoint(IPAddress.Loopback, csms.OcppEndpoint.Port);
        var sockets = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var socket = new TcpClient();
                sockets.Add(socket);
                await socket.ConnectAsync(endpoint);
            }

            // Kestrel counts each listener on its own, and an upgraded connection against MaxConcurrentUpgradedConnections
            // only: the OCPP listener holds five connections that have not upgraded, the rest are closed.
            var closed = await Task.WhenAll(sockets.Select(s => ClosedWithinAsync(s, TimeSpan.FromSeconds(3))));
            Assert.True(closed.Count(c => c) >= 5, $"{closed.Count(c => c)} of 10 connections over the limit were closed");
            Assert.True(station.IsOpen);
            Assert.NotNull(await station.CallAsync(new HeartbeatRequest()));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_TCP_connection_that_sends_no_handshake_is_closed_after_the_handshake_timeout()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Ocpp:HandshakeTimeoutSeconds", "1"));
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, csms.OcppEndpoint.Port);
        Assert.True(await ClosedWithinAsync(socket, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_station_that_sends_no_BootNotification_within_the_boot_deadline_is_disconnected()
    {
        var fakeTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(fakeTime), ("Csms:BootDeadlineSeconds", "60"));
        await csms.RegisterAsync("CS-NOBOOT");
        await using var silent = await csms.ConnectAsync("CS-NOBOOT");
        await using var booted = await csms.BootedStationAsync("CS-BOOTED");
        await csms.SessionAsync("CS-NOBOOT", s => s.BootDeadlineArmed); // armed just after the session opens

        fakeTime.Advance(TimeSpan.FromSeconds(59));
        Assert.True(silent.IsOpen);
        fakeTime.Advance(TimeSpan.FromSeconds(2));
        await silent.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(silent.IsOpen);
        Assert.Contains(csms.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("CS-NOBOOT: no BootNotification within 60 s", StringComparison.Ordinal));
        Assert.True(booted.IsOpen);
        Assert.NotNull(await booted.CallAsync(new HeartbeatRequest()));
    }

    [Theory]
    [InlineData(1024L, 512)]
    [InlineData(65536L, 58983)]
    [InlineData(1048576L, 943719)]
    [InlineData(null, OcppEndpointOptions.FallbackMaxConnections)]
    public void The_default_connection_limit_leaves_room_below_the_open_file_limit(long? openFiles, int expected) =>
        Assert.Equal(expected, OcppEndpointOptions.DefaultMaxConnections(openFiles));

    private static async Task<bool> ClosedWithinAsync(TcpClient socket, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            var buffer = new byte[64];
            return await socket.GetStream().ReadAsync(buffer, timeout.Token) == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    // Settings -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Ocpp:MaxConnections", "0")]
    [InlineData("Ocpp:HandshakeTimeoutSeconds", "0")]
    [InlineData("Ocpp:FailedHandshakes:PerAddressPerMinute", "0")]
    [InlineData("Ocpp:FailedHandshakes:PerStationPerMinute", "0")]
    [InlineData("Ocpp:Tls:HandshakeTimeoutSeconds", "0")]
    [InlineData("Csms:BootDeadlineSeconds", "0")]
    public async Task A_bad_hardening_setting_stops_the_start_naming_it(string setting, string value)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => CsmsTestHost.StartAsync(TestDatabases.Sqlite, (setting, value)));
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }
}
