using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Certificates;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests.Certificates;

/// <summary>
/// An SP2/SP3 CSMS with no certificate files: the built-in CA serves the server certificate and signs station
/// certificates, which SP3 stations then connect with; identity binding, revocation and expiry at admission.
/// </summary>
public sealed class Sp3CertificateTests
{
    private static Task<CsmsTestHost> StartAsync(FakeTimeProvider? clock = null, params (string Key, string Value)[] settings) =>
        CsmsTestHost.StartAsync(
            TestDatabases.Sqlite,
            clock is null ? null : b => b.Services.AddSingleton<TimeProvider>(clock),
            [("Ocpp:Url", "https://127.0.0.1:0"), .. settings]);

    // The station gets its certificate over SP2 (A02), then is registered for SP3.
    private static async Task<X509Certificate2> IssuedAsync(CsmsTestHost csms, X509Certificate2 root, string stationId)
    {
        await csms.RegisterAsync(stationId, securityProfile: 2);
        var certificate = await CertificateStations.ObtainAsync(h => OcppClient.ConnectAsync(CertificateStations.Tls(csms, root, stationId, "station-password-16"), h), stationId);
        await csms.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();
        (await csms.Api.PutAsJsonAsync($"api/stations/{stationId}", new { securityProfile = 3 })).EnsureSuccessStatusCode();
        return certificate;
    }

    private static async Task<HttpStatusCode?> RefusedAsync(CsmsTestHost csms, X509Certificate2 root, string stationId, X509Certificate2 certificate) =>
        (await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(CertificateStations.Tls(csms, root, stationId, certificate: certificate), new OcppHandlers()))).StatusCode;

    [Fact]
    public async Task SP3_a_CSMS_without_certificate_files_serves_a_server_certificate_from_the_built_in_CA_and_a_station_whose_certificate_it_issued_connects()
    {
        await using var csms = await StartAsync();
        using var root = await CertificateStations.RootAsync(csms);
        using var certificate = await IssuedAsync(csms, root, "CS-SP3-OWN");

        await using var station = await OcppClient.ConnectAsync(CertificateStations.Tls(csms, root, "CS-SP3-OWN", certificate: certificate), new OcppHandlers());
        Assert.Equal(RegistrationStatusEnumType.Accepted, (await station.CallAsync(CsmsTestHost.Boot())).Status);
        var history = (await csms.GetJsonAsync("api/stations/CS-SP3-OWN/connections")).GetProperty("items");
        Assert.Equal(3, history[0].GetProperty("securityProfile").GetInt32());
    }

    [Fact]
    public async Task SP3_station_A_certificate_presented_as_B_is_refused()
    {
        await using var csms = await StartAsync();
        using var root = await CertificateStations.RootAsync(csms);
        using var certificateOfA = await IssuedAsync(csms, root, "CS-A");
        (await csms.Api.PutAsJsonAsync("api/stations/CS-B", new { securityProfile = 3 })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(csms, root, "CS-B", certificateOfA));
        var events = (await csms.GetJsonAsync("api/security-events?stationId=CS-B&type=FailedToAuthenticateAtCsms")).GetProperty("items");
        Assert.Contains("'CS-A'", Assert.Single(events.EnumerateArray()).GetProperty("techInfo").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SP3_a_revoked_certificate_is_refused()
    {
        await using var csms = await StartAsync();
        using var root = await CertificateStations.RootAsync(csms);
        using var certificate = await IssuedAsync(csms, root, "CS-REVOKED");

        var (status, body) = await csms.PostJsonAsync($"api/certificates/{certificate.SerialNumber}/revoke", """{"reason":"key compromised"}""");
        Assert.Equal(200, status);
        Assert.Equal("key compromised", body.GetProperty("revocationReason").GetString());
        Assert.Equal(404, (await csms.PostJsonAsync("api/certificates/00AB/revoke", "{}")).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(csms, root, "CS-REVOKED", certificate));
        var events = (await csms.GetJsonAsync("api/security-events?stationId=CS-REVOKED&type=InvalidChargingStationCertificate")).GetProperty("items");
        Assert.Contains("revoked", Assert.Single(events.EnumerateArray()).GetProperty("techInfo").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SP3_an_expired_certificate_is_refused()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var csms = await StartAsync(clock, ("Csms:Certificates:ValidityDays", "1"), ("Csms:CostUpdateIntervalSeconds", "0"));
        using var root = await CertificateStations.RootAsync(csms);
        using var certificate = await IssuedAsync(csms, root, "CS-EXPIRED");

        // Valid by the wall clock (the TLS chain check passes), expired by the CSMS's clock.
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromHours(1));

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(csms, root, "CS-EXPIRED", certificate));
        var events = (await csms.GetJsonAsync("api/security-events?stationId=CS-EXPIRED&type=InvalidChargingStationCertificate")).GetProperty("items");
        Assert.Contains("not now", Assert.Single(events.EnumerateArray()).GetProperty("techInfo").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CA_is_generated_on_first_start_with_0600_files_and_reused_on_the_next()
    {
        var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var folder = Path.GetDirectoryName(csms.App.Services.GetRequiredService<BuiltInCertificateAuthority>().Stations.CertificateFile)!;
        using var first = await CertificateStations.RootAsync(csms);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, CertificateAuthority.CertificateFileName)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, CertificateAuthority.KeyFileName)));
        }

        await using var restarted = await csms.RestartAsync();
        using var second = await CertificateStations.RootAsync(restarted);
        Assert.Equal(first.Thumbprint, second.Thumbprint);
        Assert.Equal("CN=Ohm CSMS Root CA, O=Ohm", second.Subject);
    }

    [Fact]
    public async Task A_CA_given_in_settings_signs_and_a_bad_CA_setting_names_it()
    {
        var folder = Directory.CreateTempSubdirectory("ohm-ca-").FullName;
        try
        {
            using var given = Ohm.Ocpp.Tests.Support.TestCertificates.CreateRoot("Operator CA");
            var certificateFile = Path.Combine(folder, "ca.pem");
            var keyFile = Path.Combine(folder, "ca.key");
            await File.WriteAllTextAsync(certificateFile, given.ExportCertificatePem());
            await File.WriteAllTextAsync(keyFile, given.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
            await using (var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:Certificates:CaCertificateFile", certificateFile), ("Csms:Certificates:CaKeyFile", keyFile)))
            {
                using var root = await CertificateStations.RootAsync(csms);
                Assert.Equal(given.Thumbprint, root.Thumbprint);
            }

            var missing = await Assert.ThrowsAsync<Ohm.Csms.Server.ConfigurationException>(() => CsmsTestHost.StartAsync(
                TestDatabases.Sqlite, ("Csms:Certificates:CaCertificateFile", certificateFile), ("Csms:Certificates:CaKeyFile", Path.Combine(folder, "none.key"))));
            Assert.Contains("Csms:Certificates:CaKeyFile", missing.Message, StringComparison.Ordinal);

            await File.WriteAllTextAsync(keyFile, "not a key");
            var wrong = await Assert.ThrowsAsync<Ohm.Csms.Server.ConfigurationException>(() => CsmsTestHost.StartAsync(
                TestDatabases.Sqlite, ("Csms:Certificates:V2g:CaCertificateFile", certificateFile), ("Csms:Certificates:V2g:CaKeyFile", keyFile)));
            Assert.Contains("Csms:Certificates:V2g:CaCertificateFile", wrong.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
