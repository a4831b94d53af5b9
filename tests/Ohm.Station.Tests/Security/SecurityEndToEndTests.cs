using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Certificates;
using Ohm.Csms.Server;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;
using Ohm.Station.Certificates;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Security;

/// <summary>
/// Block A with both of Ohm's roles over loopback: the real CSMS with its built-in CA, TLS on its OCPP endpoint (and a
/// plain listener for profile 1 stations), and a real Ohm station that gets, renews and connects with its certificates.
/// </summary>
public sealed class SecurityEndToEndTests
{
    private const string Password = "station-password-16";

    /// <summary>The CSMS on https (SP2/SP3) with a plain ws listener beside it (SP1), and the CSMS root in a file for the station.</summary>
    private static async Task<(OhmCsms Csms, string RootFile)> StartCsmsAsync(StationHarness h)
    {
        var csms = await OhmCsms.StartAsync(h, new Dictionary<string, string?>
        {
            ["Ocpp:Url"] = "https://127.0.0.1:0",
            ["Ocpp:PlainUrl"] = "http://127.0.0.1:0",
        });
        var root = await csms.Api.GetFromJsonAsync<JsonElement>("api/certificates/ca");
        Directory.CreateDirectory(h.DataRoot);
        var rootFile = Path.Combine(h.DataRoot, "csms-root.pem");
        await File.WriteAllTextAsync(rootFile, root.GetProperty("pem").GetString());
        return (csms, rootFile);
    }

    private static async Task RegisterAsync(OhmCsms csms, string stationId, int securityProfile, string? password) =>
        (await csms.Api.PutAsJsonAsync($"api/stations/{stationId}", new { securityProfile, password })).EnsureSuccessStatusCode();

    /// <summary>The certificates the CSMS issued to the station, newest first.</summary>
    private static async Task<List<JsonElement>> IssuedAsync(OhmCsms csms, string stationId) =>
        [.. (await csms.Api.GetFromJsonAsync<JsonElement>($"api/stations/{stationId}/certificates")).GetProperty("items").EnumerateArray()];

    /// <summary>The station's connections as the CSMS recorded them, newest first.</summary>
    private static async Task<List<JsonElement>> ConnectionsAsync(OhmCsms csms, string stationId) =>
        [.. (await csms.Api.GetFromJsonAsync<JsonElement>($"api/stations/{stationId}/connections")).GetProperty("items").EnumerateArray()];

    private static async Task WaitAcceptedAsync(OhmCsms csms, string stationId, int count)
    {
        await TestCsms.Until(
            () => IssuedAsync(csms, stationId).GetAwaiter().GetResult() is var issued && issued.Count >= count && issued[0].GetProperty("signedResult").GetString() == "Accepted",
            $"certificate {count} of {stationId} accepted by the station");
    }

    private static async Task<JsonElement> RenewAsync(OhmCsms csms, string stationId)
    {
        var response = await csms.Api.PostAsJsonAsync($"api/stations/{stationId}/certificates/renew", new { certificateType = "ChargingStationCertificate" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        Assert.Equal("Accepted", body.GetProperty("status").GetString());
        return body;
    }

    [Fact]
    public async Task A05_an_SP1_station_upgraded_to_SP3_reconnects_with_its_certificate_and_SP1_is_refused()
    {
        await using var h = await StationHarness.StartAsync();
        var (csms, rootFile) = await StartCsmsAsync(h);
        await using var _ = csms;
        var plain = CsmsHost.PlainOcppEndpoint(csms.App)!;
        await RegisterAsync(csms, "CS-E2E-A05", securityProfile: 1, Password);

        var options = h.Options("CS-E2E-A05");
        options.Endpoint = plain;
        options.Password = Password;
        options.CsmsRootFile = rootFile; // to check the chain of its CertificateSigned before the CSMS installs the root
        var station = await h.StartStation("CS-E2E-A05", options: options);
        Assert.Equal(1, (await ConnectionsAsync(csms, "CS-E2E-A05"))[0].GetProperty("securityProfile").GetInt32());

        // A02: the CSMS asks for a CSR, signs it with its CA and sends the certificate, which the station installs.
        await RenewAsync(csms, "CS-E2E-A05");
        await WaitAcceptedAsync(csms, "CS-E2E-A05", 1);
        var issued = (await IssuedAsync(csms, "CS-E2E-A05"))[0];
        Assert.Equal(issued.GetProperty("serialNumber").GetString(), station.Security.ChargingStationCertificate?.SerialNumber);

        // A05: root, network profile for SP3 at the wss endpoint, priority, reset.
        var upgrade = await csms.Api.PostAsJsonAsync("api/stations/CS-E2E-A05/security-profile", new { securityProfile = 3 });
        var steps = await upgrade.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(upgrade.IsSuccessStatusCode, steps.ToString());
        Assert.Equal(["Accepted", "Accepted", "Accepted", "Accepted"], steps.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.StartsWith("wss://", steps.GetProperty("ocppCsmsUrl").GetString(), StringComparison.Ordinal);

        // The station resets and comes back over mutual TLS with its certificate.
        await TestCsms.Until(
            () => station.IsOnline && ConnectionsAsync(csms, "CS-E2E-A05").GetAwaiter().GetResult() is [var last, ..] && last.GetProperty("securityProfile").GetInt32() == 3 && last.GetProperty("disconnectedAt").ValueKind == JsonValueKind.Null,
            "CS-E2E-A05 back on security profile 3");
        Assert.Equal(3, station.NetworkProfiles.SecurityProfile);
        Assert.Contains(station.Security.Certificates.Roots(CertificateUse.CSMSRootCertificate), r => r.Subject.Contains("Ohm CSMS Root CA", StringComparison.Ordinal));

        // From now on a connection of the station without TLS is refused, with the right password too.
        var refused = await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(
            new OcppClientOptions { Endpoint = plain, StationId = "CS-E2E-A05", Password = Password }, new OcppHandlers()));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var events = (await csms.Api.GetFromJsonAsync<JsonElement>("api/security-events?stationId=CS-E2E-A05&source=Csms")).GetProperty("items");
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("techInfo").GetString()!.Contains("needs TLS", StringComparison.Ordinal));
        Assert.True(station.IsOnline);
        await csms.StopAsync();
    }

    [Fact]
    public async Task A03_an_SP3_station_renews_its_certificate_and_reconnects_with_the_new_one()
    {
        await using var h = await StationHarness.StartAsync();
        var (csms, rootFile) = await StartCsmsAsync(h);
        await using var _ = csms;
        await RegisterAsync(csms, "CS-E2E-A03", securityProfile: 3, password: null);

        // Its first certificate, issued by the CSMS's CA (as A02 would, with the station not yet connected).
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=CS-E2E-A03, O=Ohm", key, HashAlgorithmName.SHA256);
        var (csr, refusal) = CsrCheck.Check("CS-E2E-A03", new SignCertificateRequest { Csr = request.CreateSigningRequestPem() }, "Ohm");
        Assert.Null(refusal);
        await csms.App.Services.GetRequiredService<StationCertificates>().IssueAsync(csr!, CancellationToken.None);
        var first = Assert.Single(await IssuedAsync(csms, "CS-E2E-A03"));
        using (var leaf = X509Certificate2.CreateFromPem(first.GetProperty("pem").GetString()))
        using (var withKey = leaf.CopyWithPrivateKey(key))
        {
            await File.WriteAllBytesAsync(Path.Combine(h.DataRoot, "first.pfx"), withKey.Export(X509ContentType.Pfx, "pfx-password"));
        }

        var options = h.Options("CS-E2E-A03");
        options.Endpoint = csms.OcppEndpoint;
        options.CsmsRootFile = rootFile;
        options.ClientCertificateFile = Path.Combine(h.DataRoot, "first.pfx");
        options.ClientCertificatePassword = "pfx-password";
        var station = await h.StartStation("CS-E2E-A03", options: options);
        Assert.Equal(3, (await ConnectionsAsync(csms, "CS-E2E-A03"))[0].GetProperty("securityProfile").GetInt32());
        var firstSerial = first.GetProperty("serialNumber").GetString();
        Assert.Equal(firstSerial, station.Security.ChargingStationCertificate?.SerialNumber);

        // The first certificate is revoked (the connection it opened stays); the station is asked to renew.
        var revoke = await csms.Api.PostAsJsonAsync($"api/certificates/{firstSerial}/revoke", new { reason = "key compromised" });
        Assert.True(revoke.IsSuccessStatusCode, await revoke.Content.ReadAsStringAsync());
        await RenewAsync(csms, "CS-E2E-A03");
        await WaitAcceptedAsync(csms, "CS-E2E-A03", 2);
        var issued = await IssuedAsync(csms, "CS-E2E-A03");
        var secondSerial = issued[0].GetProperty("serialNumber").GetString();
        Assert.NotEqual(firstSerial, secondSerial);

        // A02.FR.07: it reconnects, and is admitted on SP3: with the revoked first certificate it would be refused, so it
        // presented the new one, which is the one it now holds (the old one and its key are gone).
        await TestCsms.Until(
            () => station.IsOnline && ConnectionsAsync(csms, "CS-E2E-A03").GetAwaiter().GetResult() is var all && all.Count >= 2
                && all[0].GetProperty("securityProfile").GetInt32() == 3 && all[0].GetProperty("disconnectedAt").ValueKind == JsonValueKind.Null,
            "CS-E2E-A03 reconnected on security profile 3");
        Assert.Equal(secondSerial, station.Security.ChargingStationCertificate?.SerialNumber);
        Assert.Equal([secondSerial], station.Security.Certificates.List(CertificateUse.ChargingStationCertificate).Select(c => c.Certificate.SerialNumber));
        var refusedAfterRevocation = (await csms.Api.GetFromJsonAsync<JsonElement>("api/security-events?stationId=CS-E2E-A03&type=InvalidChargingStationCertificate")).GetProperty("items");
        Assert.Empty(refusedAfterRevocation.EnumerateArray());
        await csms.StopAsync();
    }
}
