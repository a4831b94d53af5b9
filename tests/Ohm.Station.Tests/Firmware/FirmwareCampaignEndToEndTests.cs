using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Campaigns;
using Ohm.Csms.Storage;
using Ohm.Station.Hardware;
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
        var flash = new Flash();
        var stations = new List<ChargingStation>();
        var simulators = new List<SimulatedHardware>();
        for (var i = 1; i <= StationCount; i++)
        {
            var id = $"CS-FW-{i:00}";
            var options = csms.StationOptions(h, id);
            options.TimeProvider = clock;
            var simulator = new SimulatedHardware(clock) { FirmwareFolder = options.DataDirectory };
            simulators.Add(simulator);
            options.Hardware = flash.Hardware(simulator);
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

        var background = csms.App.Services.GetRequiredService<Ohm.Csms.BackgroundWork>();
        async Task SettleAsync()
        {
            var quiet = 0;
            await TestCsms.Until(() => (quiet = stations.All(Idle) && background.Count == 0 ? quiet + 1 : 0) >= 3, "the stations and the CSMS to settle", seconds: 20);
        }

        // While the first stations flash (the test holds their installers), the campaign sends no more than
        // MaxConcurrent, not even after its retry tick; the others have heard of nothing yet.
        await TestCsms.Until(() => flash.Running == MaxConcurrent, $"{MaxConcurrent} stations flashing");
        clock.Advance(FirmwareCampaigns.RetryDelay + TimeSpan.FromSeconds(5));
        await SettleAsync();
        var held = await csms.Api.GetFromJsonAsync<JsonElement>($"api/firmware-campaigns/{campaign}");
        Assert.Equal((MaxConcurrent, MaxConcurrent, StationCount - 1 - MaxConcurrent), (flash.Running, held.GetProperty("inProgress").GetInt32(), held.GetProperty("queued").GetInt32()));
        Assert.Equal(StationCount - 1 - MaxConcurrent, fleet.Count(s => s.Firmware.Status is null));

        // Then the flash takes no time; the clock moves a second at a time (the stations reboot and reconnect on it).
        flash.Release();
        var start = clock.GetUtcNow();
        JsonElement fleetView, oddView;
        while (true)
        {
            fleetView = await csms.Api.GetFromJsonAsync<JsonElement>($"api/firmware-campaigns/{campaign}");
            oddView = await csms.Api.GetFromJsonAsync<JsonElement>($"api/firmware-campaigns/{tampered}");
            Assert.True(fleetView.GetProperty("inProgress").GetInt32() <= MaxConcurrent, $"more than {MaxConcurrent} stations in progress at once: {fleetView}");
            if (fleetView.GetProperty("state").GetString() != "Running" && oddView.GetProperty("state").GetString() != "Running")
            {
                break;
            }

            Assert.True(clock.GetUtcNow() - start < TimeSpan.FromMinutes(10), $"the campaigns still run after 10 minutes of station time: {fleetView}");
            clock.Advance(TimeSpan.FromSeconds(1));
            await SettleAsync();
        }

        // A station's update is done at its boot on the new version; its Installed follows that boot.
        var database = csms.App.Services.GetRequiredService<CsmsDatabase>();
        await TestCsms.Until(() =>
        {
            using var read = database.CreateContext();
            return read.FirmwareStatuses.Count(f => f.Status == "Installed") == StationCount - 1;
        }, "every Installed stored");
        fleetView = await csms.Api.GetFromJsonAsync<JsonElement>($"api/firmware-campaigns/{campaign}");

        // The fleet's campaign: 19 done, each station downloaded, verified, installed and booted into 2.0.0.
        Assert.Equal(("Completed", StationCount - 1, StationCount - 1, 0), (fleetView.GetProperty("state").GetString(), fleetView.GetProperty("total").GetInt32(), fleetView.GetProperty("done").GetInt32(), fleetView.GetProperty("failed").GetInt32()));
        Assert.Equal((MaxConcurrent, StationCount - 1), (flash.Peak, flash.Installs));
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
        await TestCsms.Until(() =>
        {
            using var read = database.CreateContext();
            return read.SecurityEvents.Any(e => e.StationId == odd.Id && e.Type == "InvalidFirmwareSignature");
        }, "the station's InvalidFirmwareSignature security event stored");
        Assert.Null(odd.Simulator!.CurrentVersion);
        Assert.False(odd.Simulator.FirmwarePendingReboot);

        // The stations run what the CSMS shows: 2.0.0 after a FirmwareUpdate boot, the 20th still on 0.1.0.
        Assert.All(fleet, s => Assert.Equal(NewVersion, s.Simulator!.CurrentVersion));
        var list = await csms.Api.GetFromJsonAsync<JsonElement>("api/stations?limit=100");
        var shown = list.GetProperty("items").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!, s => (s.GetProperty("firmwareVersion").GetString(), s.GetProperty("lastBootReason").GetString()));
        Assert.All(fleet, s => Assert.Equal((NewVersion, "FirmwareUpdate"), shown[s.Id]));
        Assert.Equal(("0.1.0", "PowerUp"), shown[odd.Id]);

        // Every station fetched the image through its own single-use URL of the CSMS's file service.
        await using var db = database.CreateContext();
        var tokens = await db.FileTokens.AsNoTracking().Where(t => t.FileId == fileId).ToListAsync();
        Assert.Equal(stations.Select(s => s.Id).Order(), tokens.Select(t => t.StationId).Order());
        Assert.All(tokens, t => Assert.NotNull(t.UsedAt));
        simulators.ForEach(s => s.Dispose());
    }

    /// <summary>
    /// The stations' flash memory: each station's simulated installer, held until <see cref="Release"/>, counting the
    /// installations running at once.
    /// </summary>
    private sealed class Flash
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _running;
        private int _peak;
        private int _installs;

        /// <summary>Installations running now.</summary>
        public int Running => Volatile.Read(ref _running);

        /// <summary>The most installations that ran at once.</summary>
        public int Peak => Volatile.Read(ref _peak);

        /// <summary>Installations started.</summary>
        public int Installs => Volatile.Read(ref _installs);

        /// <summary>Lets every installation, held or to come, go on.</summary>
        public void Release() => _released.TrySetResult();

        /// <summary>The simulator's hardware with its installer behind this flash.</summary>
        public StationHardware Hardware(SimulatedHardware simulator)
        {
            var hardware = StationHardware.Of(simulator);
            return new StationHardware
            {
                Meter = hardware.Meter,
                ConnectorLock = hardware.ConnectorLock,
                PowerPath = hardware.PowerPath,
                RateControl = hardware.RateControl,
                Display = hardware.Display,
                Ev = hardware.Ev,
                Firmware = new Installer(this, simulator),
                Sensors = hardware.Sensors,
            };
        }

        private sealed class Installer(Flash flash, SimulatedHardware simulator) : IFirmwareInstaller
        {
            public string? CurrentVersion => simulator.CurrentVersion;

            public async Task<FirmwareInstallResult> InstallAsync(string imagePath, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref flash._installs);
                var running = Interlocked.Increment(ref flash._running);
                int peak;
                while (running > (peak = Volatile.Read(ref flash._peak)) && Interlocked.CompareExchange(ref flash._peak, running, peak) != peak)
                {
                }

                try
                {
                    await flash._released.Task.WaitAsync(cancellationToken);
                    return await simulator.InstallAsync(imagePath, cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref flash._running);
                }
            }

            public void Boot() => simulator.Boot();
        }
    }

    /// <summary>Nothing queued (safe to read while the station reboots).</summary>
    private static bool Idle(ChargingStation station) => station.QueueLength == 0;

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
