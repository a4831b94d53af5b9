using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Certificates;

/// <summary>A03 from the API: renewal of one station and of the fleet expiring within N days, and the issued certificates listed.</summary>
public sealed class CertificateRenewalTests
{
    // A raw station that takes CertificateSigned and records the TriggerMessages it is sent (answered Accepted).
    private sealed class RenewingStation(OcppConnection connection, Channel<CertificateSignedRequest> signed, Channel<TriggerMessageRequest> triggers) : IAsyncDisposable
    {
        public OcppConnection Connection { get; } = connection;

        public Channel<CertificateSignedRequest> Signed { get; } = signed;

        public Channel<TriggerMessageRequest> Triggers { get; } = triggers;

        public static async Task<RenewingStation> BootAsync(CsmsTestHost csms, string stationId)
        {
            var signed = Channel.CreateUnbounded<CertificateSignedRequest>();
            var triggers = Channel.CreateUnbounded<TriggerMessageRequest>();
            var handlers = CertificateStations.Handlers(signed).On(OcppActions.TriggerMessage, async (request, _, ct) =>
            {
                await triggers.Writer.WriteAsync(request, ct);
                return new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Accepted };
            });
            return new RenewingStation(await csms.BootedStationAsync(stationId, handlers), signed, triggers);
        }

        // A02: sends a CSR of a new key and returns the leaf of the CertificateSigned that follows.
        public async Task<X509Certificate2> SignAsync(string stationId)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Assert.Equal(GenericStatusEnumType.Accepted, (await Connection.CallAsync(new SignCertificateRequest { Csr = CertificateStations.Csr(stationId, key) })).Status);
            return CertificateStations.Chain((await Signed.Reader.ReadAsync()).CertificateChain)[0];
        }

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }

    [Fact]
    public async Task A03_the_API_triggers_renewal_of_one_station_and_of_all_expiring_within_N_days()
    {
        // CS-LONG gets a certificate valid 365 days; after a restart with ValidityDays 30, CS-SHORT and CS-GONE get 30-day ones.
        var first = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using (var station = await RenewingStation.BootAsync(first, "CS-LONG"))
        {
            await station.SignAsync("CS-LONG");
            await first.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();
        }

        await using var csms = await first.RestartAsync(("Csms:Certificates:ValidityDays", "30"));
        await using (var gone = await RenewingStation.BootAsync(csms, "CS-GONE"))
        {
            await gone.SignAsync("CS-GONE");
            await csms.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();
        }

        await using var shortLived = await RenewingStation.BootAsync(csms, "CS-SHORT");
        var before = await shortLived.SignAsync("CS-SHORT");
        await using var longLived = await RenewingStation.BootAsync(csms, "CS-LONG");
        await csms.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();

        // The fleet: the certificates expiring within 60 days are those of CS-SHORT and CS-GONE.
        var expiring = (await csms.GetJsonAsync("api/certificates?expiringWithinDays=60")).GetProperty("items");
        Assert.Equal(new[] { "CS-GONE", "CS-SHORT" }, expiring.EnumerateArray().Select(c => c.GetProperty("stationId").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(3, (await csms.GetJsonAsync("api/certificates")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await csms.GetJsonAsync("api/certificates?stationId=CS-LONG")).GetProperty("total").GetInt32());
        Assert.Equal(400, (int)(await csms.Api.GetAsync("api/certificates?expiringWithinDays=-1")).StatusCode);

        var (fleetStatus, fleet) = await csms.PostJsonAsync("api/certificates/renew", """{"expiringWithinDays":60}""");
        Assert.Equal(200, fleetStatus);
        var perStation = fleet.GetProperty("stations").EnumerateArray().ToDictionary(r => r.GetProperty("stationId").GetString()!, r => r.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["CS-GONE"] = "NotConnected", ["CS-SHORT"] = "Accepted" }, perStation);
        Assert.Equal(MessageTriggerEnumType.SignChargingStationCertificate, (await shortLived.Triggers.Reader.ReadAsync()).RequestedMessage);
        Assert.False(longLived.Triggers.Reader.TryRead(out _));
        var (badFleet, badFleetBody) = await csms.PostJsonAsync("api/certificates/renew", "{}");
        Assert.Equal(400, badFleet);
        Assert.Contains("expiringWithinDays", badFleetBody.GetRawText(), StringComparison.Ordinal);

        // The station answers the trigger with a new SignCertificate: its newest certificate is listed first.
        var renewed = await shortLived.SignAsync("CS-SHORT");
        await csms.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();
        var ofShort = (await csms.GetJsonAsync("api/stations/CS-SHORT/certificates")).GetProperty("items");
        Assert.Equal(new[] { renewed.SerialNumber, before.SerialNumber }, ofShort.EnumerateArray().Select(c => c.GetProperty("serialNumber").GetString()!));

        // One station: the charging-station certificate by default, the V2G certificate when asked.
        var (one, oneBody) = await csms.PostJsonAsync("api/stations/CS-LONG/certificates/renew", "{}");
        Assert.Equal(200, one);
        Assert.Equal("Accepted", oneBody.GetProperty("status").GetString());
        Assert.Equal(MessageTriggerEnumType.SignChargingStationCertificate, (await longLived.Triggers.Reader.ReadAsync()).RequestedMessage);
        Assert.Equal(200, (await csms.PostJsonAsync("api/stations/CS-LONG/certificates/renew", """{"certificateType":"V2GCertificate"}""")).Status);
        Assert.Equal(MessageTriggerEnumType.SignV2GCertificate, (await longLived.Triggers.Reader.ReadAsync()).RequestedMessage);

        var (badType, badTypeBody) = await csms.PostJsonAsync("api/stations/CS-LONG/certificates/renew", """{"certificateType":"Nonsense"}""");
        Assert.Equal(400, badType);
        Assert.Contains("certificateType", badTypeBody.GetRawText(), StringComparison.Ordinal);
        // A registered station that is not connected: 503, as every command (ApiResults.NotConnected).
        Assert.Equal(503, (await csms.PostJsonAsync("api/stations/CS-GONE/certificates/renew", "{}")).Status);
        Assert.Equal(404, (await csms.PostJsonAsync("api/stations/CS-NOBODY/certificates/renew", "{}")).Status);
        Assert.Equal(404, (int)(await csms.Api.GetAsync("api/stations/CS-NOBODY/certificates")).StatusCode);
    }
}
