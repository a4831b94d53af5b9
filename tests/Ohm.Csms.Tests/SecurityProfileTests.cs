using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests;

/// <summary>Security profiles 2 and 3 against the CSMS host, with certificates made on the fly.</summary>
public sealed class SecurityProfileTests : IDisposable
{
    private readonly X509Certificate2 _csmsRoot = TestCertificates.CreateRoot("CSMS root");
    private readonly X509Certificate2 _stationRoot = TestCertificates.CreateRoot("Station root");
    private readonly string _folder = Directory.CreateTempSubdirectory("ohm-tls-").FullName;

    public void Dispose()
    {
        _csmsRoot.Dispose();
        _stationRoot.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<CsmsTestHost> StartTlsAsync()
    {
        using var server = TestCertificates.CreateServer(_csmsRoot);
        var pfx = Path.Combine(_folder, "csms.pfx");
        await File.WriteAllBytesAsync(pfx, server.Export(X509ContentType.Pfx, "pfx-password"));
        var ca = Path.Combine(_folder, "stations.pem");
        await File.WriteAllTextAsync(ca, _stationRoot.ExportCertificatePem());
        return await CsmsTestHost.StartAsync(
            TestDatabases.Sqlite,
            ("Ocpp:Url", "https://127.0.0.1:0"),
            ("Ocpp:Tls:CertificateFile", pfx),
            ("Ocpp:Tls:CertificatePassword", "pfx-password"),
            ("Ocpp:Tls:ClientCaFile", ca));
    }

    private OcppClientOptions Options(CsmsTestHost csms, string stationId, string? password = null, X509Certificate2? certificate = null) => new()
    {
        Endpoint = csms.OcppEndpoint,
        StationId = stationId,
        Password = password,
        ClientCertificate = certificate,
        ServerCertificateValidation = OcppTls.TrustRoot(_csmsRoot),
    };

    [Fact]
    public async Task SP2_a_station_connects_over_TLS_with_its_password()
    {
        await using var csms = await StartTlsAsync();
        Assert.Equal("wss", csms.OcppEndpoint.Scheme);
        await csms.RegisterAsync("CS-SP2", securityProfile: 2);
        await using var station = await OcppClient.ConnectAsync(Options(csms, "CS-SP2", "station-password-16"), new OcppHandlers());
        Assert.Equal(RegistrationStatusEnumType.Accepted, (await station.CallAsync(CsmsTestHost.Boot())).Status);
        var history = (await csms.GetJsonAsync("api/stations/CS-SP2/connections")).GetProperty("items");
        Assert.Equal(2, history[0].GetProperty("securityProfile").GetInt32());
    }

    [Fact]
    public async Task SP3_a_station_connects_with_a_client_certificate_named_after_it_and_not_without_one()
    {
        await using var csms = await StartTlsAsync();
        (await csms.Api.PutAsJsonAsync("api/stations/CS-SP3", new { securityProfile = 3 })).EnsureSuccessStatusCode();
        using var certificate = TestCertificates.CreateClient(_stationRoot, "CS-SP3");
        await using (var station = await OcppClient.ConnectAsync(Options(csms, "CS-SP3", certificate: certificate), new OcppHandlers()))
        {
            Assert.Equal(RegistrationStatusEnumType.Accepted, (await station.CallAsync(CsmsTestHost.Boot())).Status);
        }

        var missing = await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(Options(csms, "CS-SP3"), new OcppHandlers()));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);

        using var other = TestCertificates.CreateClient(_stationRoot, "CS-OTHER");
        var wrongName = await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(Options(csms, "CS-SP3", certificate: other), new OcppHandlers()));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongName.StatusCode);
    }

    [Fact]
    public async Task A_missing_certificate_file_stops_the_start_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<Ohm.Csms.Server.ConfigurationException>(() =>
            CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Ocpp:Url", "https://127.0.0.1:0"), ("Ocpp:Tls:CertificateFile", "/nonexistent.pfx")));
        Assert.Contains("Ocpp:Tls:CertificateFile", error.Message, StringComparison.Ordinal);
    }
}
