using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Storage;
using Ohm.Station.Simulation;
using Ohm.Station.Tests.Security;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Firmware;

/// <summary>
/// Block L with both of Ohm's roles: the real CSMS runs a firmware campaign over real Ohm.Station stations (simulated
/// hardware), which download the image from the CSMS's file service, verify its signature against the
/// ManufacturerRootCertificate the CSMS installed on them (M05), install it and boot into it; on one fake clock.
/// </summary>
public sealed class FirmwareCampaignEndToEndTests
{
    private const int StationCount = 20;

    private const int MaxConcurrent = 5;

    private const string NewVersion = "2.0.0";

    [Fact]
    public async Task L01_a_firmware_campaign_over_20_stations_installs_the_new_version_and_reports_the_one_with_a_bad_signature()
    {
        await using var h = await StationHarness.StartAsync();
        using var pki = new FirmwarePki();
        var clock = FakeClock.Create();
        await using var csms = await OhmCsms.StartAsync(h, clock: clock);
        var stations = new List<ChargingStation>();
        for (var i = 1; i <= StationCount; i++)
        {
            var id = $"CS-FW-{i:00}";
            var options = csms.StationOptions(h, id);
            options.TimeProvider = clock;
            stations.Add(await h.StartStation(id, options: options));
        }

        // M05 through the CSMS's API: every station trusts the manufacturer's root.
        foreach (var station in stations)
        {
            var installed = await csms.Api.PostAsJsonAsync($"api/stations/{station.Id}/certificates/installed", new { certificateType = "ManufacturerRootCertificate", certificate = TestPki.Pem(pki.Root) });
            Assert.True(installed.IsSuccessStatusCode, await installed.Content.ReadAsStringAsync());
            Assert.Equal("Accepted", (await installed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        // The image uploaded to the file service, registered twice: with its signature (L01), and with the signature of
        // another image, which the last station gets in a campaign of its own (a campaign sends one firmware).
        var image = SimulatedHardware.FirmwareImage(NewVersion);
        using var body = new ByteArrayContent(image);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var uploaded = await csms.Api.PostAsync("api/files?name=ohm-2.0.0.bin&kind=Firmware", body);
        Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
        var fileId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var good = await RegisterAsync(csms, fileId, pki.SigningPem, pki.Sign(image));
        var bad = await RegisterAsync(csms, fileId, pki.SigningPem, pki.Sign(SimulatedHardware.FirmwareImage("1.0.0")));

        var fleet = stations.Take(StationCount - 1).ToList();
        var odd = stations[^1];
        var campaign = await StartCampaignAsync(csms, new { name = "2.0.0 to the fleet", firmwareId = good, stationIds = fleet.Select(s => s.Id).ToArray(), maxConcurrent = MaxConcurrent, retries = 1, retryInterval = 10 });
        var tampered = await StartCampaignAsync(csms, new { name = "2.0.0 with a bad signature", firmwareId = bad, stationIds = new[] { odd.Id }, maxConcurrent = 1 });

        // The clock moves a second at a time (the stations reboot and reconnect on it); the CSMS never has more than
        // MaxConcurrent of the fleet in progress.
        var background = csms.App.Services.GetRequiredService<Ohm.Csms.BackgroundWork>();
        var start = clock.GetUtcNow();
        var peak = 0;
        JsonElement fleetView, oddView;
        while (true)
        {
            fleetView = await csms.Api.GetFromJsonAsync<JsonElement>($"api/firmware-campaigns/{campaign}");
            oddView = await csms.Api.GetFromJsonAsync<JsonElement>($"api/firmware-campaigns/{tampered}");
            var inProgress = fleetView.GetProperty("inProgress").GetInt32();
            peak = Math.Max(peak, inProgress);
            Assert.True(inProgress <= MaxConcurrent, $"{inProgress} stations in progress at once");
            if (fleetView.GetProperty("state").GetString() != "Running" && oddView.GetProperty("state").GetString() != "Running")
            {
                break;
            }

            Assert.True(clock.GetUtcNow() - start < TimeSpan.FromMinutes(10), $"the campaigns still run after 10 minutes of station time: {fleetView}");
            clock.Advance(TimeSpan.FromSeconds(1));
            var quiet = 0;
            await TestCsms.Until(() => (quiet = stations.All(s => s.QueueLength == 0) && background.Count == 0 ? quiet + 1 : 0) >= 2, "the stations and the CSMS to settle", seconds: 20);
        }

        // The fleet's campaign: 19 done, each station downloaded, verified, installed and booted into 2.0.0.
        Assert.Equal(("Completed", StationCount - 1, StationCount - 1, 0), (fleetView.GetProperty("state").GetString(), fleetView.GetProperty("total").GetInt32(), fleetView.GetProperty("done").GetInt32(), fleetView.GetProperty("failed").GetInt32()));
        Assert.True(peak >= 2, $"at most {peak} station in progress at once: the campaign ran them one by one");
        string[] installedInOrder = ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "Installed"];
        foreach (var update in fleetView.GetProperty("stations").EnumerateArray())
        {
            Assert.Contains(fleet, s => s.Id == update.GetProperty("stationId").GetString());
            Assert.Equal(("Done", "Accepted", NewVersion), (update.GetProperty("state").GetString(), update.GetProperty("responseStatus").GetString(), update.GetProperty("bootedVersion").GetString()));
            Assert.Equal(installedInOrder, update.GetProperty("history").EnumerateArray().Select(s => s.GetProperty("status").GetString()!).ToArray());
        }

        // The 20th: InvalidSignature, reported as failed; more than 10% of its campaign failed, so the campaign stopped.
        Assert.Equal(("Stopped", 1, 0, 1), (oddView.GetProperty("state").GetString(), oddView.GetProperty("total").GetInt32(), oddView.GetProperty("done").GetInt32(), oddView.GetProperty("failed").GetInt32()));
        var oddUpdate = oddView.GetProperty("stations")[0];
        Assert.Equal((odd.Id, "Failed", "InvalidSignature", "InvalidSignature"), (oddUpdate.GetProperty("stationId").GetString(), oddUpdate.GetProperty("state").GetString(), oddUpdate.GetProperty("status").GetString(), oddUpdate.GetProperty("failureReason").GetString()));
        Assert.Equal(new[] { "Downloading", "Downloaded", "InvalidSignature" }, oddUpdate.GetProperty("history").EnumerateArray().Select(s => s.GetProperty("status").GetString()!).ToArray());
        Assert.Null(odd.Simulator!.CurrentVersion);
        Assert.False(odd.Simulator.FirmwarePendingReboot);

        // The stations run what the CSMS shows: 2.0.0 after a FirmwareUpdate boot, the 20th still on 0.1.0.
        Assert.All(fleet, s => Assert.Equal(NewVersion, s.Simulator!.CurrentVersion));
        var list = await csms.Api.GetFromJsonAsync<JsonElement>("api/stations?limit=100");
        var shown = list.GetProperty("items").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!, s => (s.GetProperty("firmwareVersion").GetString(), s.GetProperty("lastBootReason").GetString()));
        Assert.All(fleet, s => Assert.Equal((NewVersion, "FirmwareUpdate"), shown[s.Id]));
        Assert.Equal(("0.1.0", "PowerUp"), shown[odd.Id]);

        // Every station fetched the image through its own single-use URL of the CSMS's file service.
        await using var db = csms.App.Services.GetRequiredService<CsmsDatabase>().CreateContext();
        var tokens = await db.FileTokens.AsNoTracking().Where(t => t.FileId == fileId).ToListAsync();
        Assert.Equal(stations.Select(s => s.Id).Order(), tokens.Select(t => t.StationId).Order());
        Assert.All(tokens, t => Assert.NotNull(t.UsedAt));
    }

    private static async Task<long> RegisterAsync(OhmCsms csms, long fileId, string signingCertificate, string signature)
    {
        var registered = await csms.Api.PostAsJsonAsync("api/firmware", new { version = NewVersion, fileId, signingCertificate, signature });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        return (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<long> StartCampaignAsync(OhmCsms csms, object campaign)
    {
        var started = await csms.Api.PostAsJsonAsync("api/firmware-campaigns", campaign);
        Assert.True(started.StatusCode == System.Net.HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        return (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
