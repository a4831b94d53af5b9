using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests.Security;

/// <summary>A05 Upgrade Charging Station Security Profile, from the operator's API over a raw station on TLS.</summary>
public sealed class ProfileUpgradeTests : IDisposable
{
    private readonly X509Certificate2 _root = TestCertificates.CreateRoot("A05 CSMS root");
    private readonly string _folder = Directory.CreateTempSubdirectory("ohm-a05-").FullName;
    private readonly List<string> _calls = [];

    public void Dispose()
    {
        _root.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<CsmsTestHost> StartAsync(FakeTimeProvider? clock = null)
    {
        using var server = TestCertificates.CreateServer(_root);
        var pfx = Path.Combine(_folder, "csms.pfx");
        await File.WriteAllBytesAsync(pfx, server.Export(X509ContentType.Pfx, "pfx-password"));
        var rootFile = Path.Combine(_folder, "root.pem");
        await File.WriteAllTextAsync(rootFile, _root.ExportCertificatePem());
        return await CsmsTestHost.StartAsync(
            TestDatabases.Sqlite,
            clock is null ? null : b => b.Services.AddSingleton<TimeProvider>(clock),
            ("Csms:CostUpdateIntervalSeconds", "0"),
            ("Ocpp:Url", "https://127.0.0.1:0"),
            ("Ocpp:Tls:CertificateFile", pfx),
            ("Ocpp:Tls:CertificatePassword", "pfx-password"),
            ("Ocpp:Tls:CsmsRootFile", rootFile));
    }

    private void Called(string what)
    {
        lock (_calls)
        {
            _calls.Add(what);
        }
    }

    /// <summary>A station answering each A05 step; <paramref name="networkProfile"/> is its answer to SetNetworkProfile.</summary>
    private OcppHandlers Station(SetNetworkProfileStatusEnumType networkProfile = SetNetworkProfileStatusEnumType.Accepted) => new OcppHandlers()
        .On(OcppActions.InstallCertificate, (request, _, _) =>
        {
            Called($"InstallCertificate {request.CertificateType.ToWire()} {request.Certificate == _root.ExportCertificatePem()}");
            return ValueTask.FromResult(new InstallCertificateResponse { Status = InstallCertificateStatusEnumType.Accepted });
        })
        .On(OcppActions.SetNetworkProfile, (request, _, _) =>
        {
            var data = request.ConnectionData;
            Called($"SetNetworkProfile {request.ConfigurationSlot} {data.SecurityProfile} {data.OcppCsmsUrl} {data.OcppVersion.ToWire()} {data.OcppTransport.ToWire()} {data.OcppInterface.ToWire()}");
            return ValueTask.FromResult(new SetNetworkProfileResponse { Status = networkProfile });
        })
        .On(OcppActions.GetVariables, (request, _, _) => ValueTask.FromResult(new GetVariablesResponse
        {
            GetVariableResult = [.. request.GetVariableData.Select(d => new GetVariableResultType { AttributeStatus = GetVariableStatusEnumType.Accepted, AttributeValue = "0,1", Component = d.Component, Variable = d.Variable })],
        }))
        .On(OcppActions.SetVariables, (request, _, _) =>
        {
            var data = Assert.Single(request.SetVariableData);
            Called($"SetVariables {data.Component.Name}.{data.Variable.Name}={data.AttributeValue}");
            return ValueTask.FromResult(new SetVariablesResponse
            {
                SetVariableResult = [new SetVariableResultType { AttributeStatus = SetVariableStatusEnumType.Accepted, Component = data.Component, Variable = data.Variable }],
            });
        })
        .On(OcppActions.Reset, (request, _, _) =>
        {
            Called($"Reset {request.Type.ToWire()}");
            return ValueTask.FromResult(new ResetResponse { Status = ResetStatusEnumType.Accepted });
        });

    /// <summary>Connects, and waits for the CSMS's side of the session: the API's upgrade refuses a station not yet connected there.</summary>
    private async Task<OcppConnection> ConnectAsync(CsmsTestHost csms, string stationId, OcppHandlers handlers)
    {
        var station = await OcppClient.ConnectAsync(
            new OcppClientOptions { Endpoint = csms.OcppEndpoint, StationId = stationId, Password = "station-password-16", ServerCertificateValidation = OcppTls.TrustRoot(_root) }, handlers);
        await csms.SessionAsync(stationId);
        return station;
    }

    [Fact]
    public async Task A05_upgrade_sends_root_network_profile_priority_and_reset_then_stores_the_profile()
    {
        await using var csms = await StartAsync();
        await csms.RegisterAsync("CS-A05-UP", securityProfile: 1);
        await using var station = await ConnectAsync(csms, "CS-A05-UP", Station());

        var (status, body) = await csms.PostJsonAsync("api/stations/CS-A05-UP/security-profile", """{ "securityProfile": 2 }""");
        Assert.True(status == 200, body.ToString());
        Assert.Equal(["InstallCertificate", "SetNetworkProfile", "SetVariables", "Reset"], body.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var url = $"wss://127.0.0.1:{csms.OcppEndpoint.Port}";
        Assert.StartsWith(url, body.GetProperty("ocppCsmsUrl").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            [
                "InstallCertificate CSMSRootCertificate True",
                $"SetNetworkProfile 1 2 {body.GetProperty("ocppCsmsUrl").GetString()} OCPP20 JSON Wired0",
                "SetVariables OCPPCommCtrlr.NetworkConfigurationPriority=1,0",
                "Reset OnIdle",
            ],
            _calls);
        Assert.Equal(2, (await csms.GetJsonAsync("api/stations/CS-A05-UP")).GetProperty("securityProfile").GetInt32());
    }

    [Fact]
    public async Task A05_a_step_the_station_rejects_stops_the_sequence_and_is_named()
    {
        await using var csms = await StartAsync();
        await csms.RegisterAsync("CS-A05-NO", securityProfile: 1);
        await using var station = await ConnectAsync(csms, "CS-A05-NO", Station(SetNetworkProfileStatusEnumType.Rejected));

        var (status, body) = await csms.PostJsonAsync("api/stations/CS-A05-NO/security-profile", """{ "securityProfile": 2, "configurationSlot": 2 }""");
        Assert.True(status == 409, body.ToString());
        Assert.Equal("SetNetworkProfile", body.GetProperty("failedStep").GetString());
        Assert.Equal(2, _calls.Count); // no priority, no reset
        Assert.Equal(1, (await csms.GetJsonAsync("api/stations/CS-A05-NO")).GetProperty("securityProfile").GetInt32());
    }

    [Fact]
    public async Task A05_a_downgrade_is_refused_and_bad_input_names_the_field()
    {
        await using var csms = await StartAsync();
        await csms.RegisterAsync("CS-A05-DOWN", securityProfile: 2);
        await using var station = await ConnectAsync(csms, "CS-A05-DOWN", Station());

        var (status, body) = await csms.PostJsonAsync("api/stations/CS-A05-DOWN/security-profile", $$"""{ "securityProfile": 1, "ocppCsmsUrl": "ws://127.0.0.1:{{csms.OcppEndpoint.Port}}" }""");
        Assert.True(status == 409, body.ToString());
        Assert.Contains("Csms:Security:AllowProfileDowngrade", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_calls);

        var (bad, problem) = await csms.PostJsonAsync("api/stations/CS-A05-DOWN/security-profile", """{ "securityProfile": 3, "ocppCsmsUrl": "ws://plain.example/ocpp" }""");
        Assert.Equal(400, bad);
        Assert.Contains("ocppCsmsUrl", problem.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, (await csms.GetJsonAsync("api/stations/CS-A05-DOWN")).GetProperty("securityProfile").GetInt32());
    }

    [Fact]
    public async Task A05_profile_3_is_refused_until_the_station_holds_a_valid_unrevoked_certificate_of_the_CSMS()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var csms = await StartAsync(clock);
        await csms.RegisterAsync("CS-A05-SP3", securityProfile: 2);
        var signed = Channel.CreateUnbounded<CertificateSignedRequest>();
        await using var station = await ConnectAsync(csms, "CS-A05-SP3", Station().On(OcppActions.CertificateSigned, async (request, _, ct) =>
        {
            await signed.Writer.WriteAsync(request, ct);
            return new CertificateSignedResponse { Status = CertificateSignedStatusEnumType.Accepted };
        }));
        Assert.Equal(RegistrationStatusEnumType.Accepted, (await station.CallAsync(CsmsTestHost.Boot())).Status);

        async Task<string> ObtainAsync()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Assert.Equal(GenericStatusEnumType.Accepted, (await station.CallAsync(new SignCertificateRequest { Csr = Certificates.CertificateStations.Csr("CS-A05-SP3", key) })).Status);
            using var leaf = Certificates.CertificateStations.Chain((await signed.Reader.ReadAsync()).CertificateChain)[0];
            await csms.App.Services.GetRequiredService<BackgroundWork>().WaitAsync(); // the station's Accepted stored
            return leaf.SerialNumber;
        }

        // None issued: refused before any step, saying what is missing and how to get it.
        var (status, body) = await csms.PostJsonAsync("api/stations/CS-A05-SP3/security-profile", """{ "securityProfile": 3 }""");
        Assert.True(status == 409, body.ToString());
        Assert.Contains("no ChargingStationCertificate", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("api/stations/CS-A05-SP3/certificates/renew", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_calls);

        // Issued and accepted, then revoked: refused.
        var serial = await ObtainAsync();
        Assert.Equal(200, (await csms.PostJsonAsync($"api/certificates/{serial}/revoke", "{}")).Status);
        (status, body) = await csms.PostJsonAsync("api/stations/CS-A05-SP3/security-profile", """{ "securityProfile": 3 }""");
        Assert.True(status == 409, body.ToString());
        Assert.Contains("revoked", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_calls);

        // A new valid one: the upgrade runs.
        await ObtainAsync();
        (status, body) = await csms.PostJsonAsync("api/stations/CS-A05-SP3/security-profile", """{ "securityProfile": 3 }""");
        Assert.True(status == 200, body.ToString());
        Assert.Equal("Reset OnIdle", _calls[^1]);
        Assert.Equal(3, (await csms.GetJsonAsync("api/stations/CS-A05-SP3")).GetProperty("securityProfile").GetInt32());

        // Once that certificate has expired by the CSMS's clock, profile 3 is refused again (an upgrade asked again, say).
        var calls = _calls.Count;
        clock.Advance(TimeSpan.FromDays(366)); // Csms:Certificates:ValidityDays defaults to 365
        (status, body) = await csms.PostJsonAsync("api/stations/CS-A05-SP3/security-profile", """{ "securityProfile": 3 }""");
        Assert.True(status == 409, body.ToString());
        Assert.Contains("expired", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(calls, _calls.Count);
    }
}
