using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Firmware;

/// <summary>
/// Block L on the CSMS side: firmware registered with its signing certificate and signature, UpdateFirmware to a station
/// with a download URL of the file service, the FirmwareStatusNotification history, the boot on the new version, and
/// campaigns over several raw stations (concurrency limit, failures, stop at a failure percentage).
/// </summary>
public sealed class FirmwareUpdateTests
{
    private const string NewVersion = "2.0.0";

    public static TheoryData<string> Databases() => TestDatabases.All();

    /// <summary>A raw station that answers UpdateFirmware as told and hands each request to the test.</summary>
    private sealed class FirmwareStation(string id)
    {
        public string Id { get; } = id;

        public Channel<UpdateFirmwareRequest> Requests { get; } = Channel.CreateUnbounded<UpdateFirmwareRequest>();

        public int Received;

        public UpdateFirmwareStatusEnumType Answer { get; set; } = UpdateFirmwareStatusEnumType.Accepted;

        public OcppConnection? Connection { get; set; }

        public OcppHandlers Handlers() => new OcppHandlers().On(OcppActions.UpdateFirmware, (request, _, _) =>
        {
            Interlocked.Increment(ref Received);
            Requests.Writer.TryWrite(request);
            return ValueTask.FromResult(new UpdateFirmwareResponse { Status = Answer });
        });

        public async Task StatusAsync(FirmwareStatusEnumType status, int requestId) =>
            await Connection!.CallAsync(new FirmwareStatusNotificationRequest { Status = status, RequestId = requestId });

        /// <summary>Downloads, verifies, installs, reboots on <paramref name="version"/> and reports Installed (L01's order).</summary>
        public async Task InstallAsync(UpdateFirmwareRequest request, string version, byte[]? expected = null)
        {
            await StatusAsync(FirmwareStatusEnumType.Downloading, request.RequestId);
            using (var http = new HttpClient())
            {
                var image = await http.GetByteArrayAsync(request.Firmware.Location);
                if (expected is not null)
                {
                    Assert.Equal(expected, image);
                }
            }

            foreach (var s in new[] { FirmwareStatusEnumType.Downloaded, FirmwareStatusEnumType.SignatureVerified, FirmwareStatusEnumType.Installing, FirmwareStatusEnumType.InstallRebooting })
            {
                await StatusAsync(s, request.RequestId);
            }

            var boot = CsmsTestHost.Boot();
            boot.Reason = BootReasonEnumType.FirmwareUpdate;
            boot.ChargingStation.FirmwareVersion = version;
            await Connection!.CallAsync(boot);
            await StatusAsync(FirmwareStatusEnumType.Installed, request.RequestId);
        }
    }

    private static (string Pem, string Signature) Sign(byte[] image)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Ohm Firmware Signing", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return (certificate.ExportCertificatePem(), Convert.ToBase64String(key.SignData(image, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
    }

    private static byte[] Image(int seed)
    {
        var image = new byte[64 * 1024];
        new Random(seed).NextBytes(image);
        return image;
    }

    /// <summary>Uploads the image through the API and registers it signed; returns the firmware's id.</summary>
    private static async Task<long> RegisterAsync(CsmsTestHost csms, byte[] image)
    {
        var uploaded = await csms.Api.PostAsync("api/files?name=ohm-2.0.0.bin&kind=Firmware", new ByteArrayContent(image));
        uploaded.EnsureSuccessStatusCode();
        var fileId = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        var (pem, signature) = Sign(image);
        var registered = await csms.Api.PostAsJsonAsync("api/firmware", new { version = NewVersion, fileId, signingCertificate = pem, signature });
        Assert.Equal(System.Net.HttpStatusCode.Created, registered.StatusCode);
        var firmware = JsonDocument.Parse(await registered.Content.ReadAsStringAsync()).RootElement;
        Assert.True(firmware.GetProperty("signed").GetBoolean());
        Assert.Equal(pem, firmware.GetProperty("signingCertificate").GetString());
        return firmware.GetProperty("id").GetInt64();
    }

    private static async Task<List<FirmwareStation>> StationsAsync(CsmsTestHost csms, string prefix, int count)
    {
        var stations = new List<FirmwareStation>();
        for (var i = 1; i <= count; i++)
        {
            var fake = new FirmwareStation($"{prefix}-{i}");
            fake.Connection = await csms.BootedStationAsync(fake.Id, fake.Handlers());
            stations.Add(fake);
        }

        return stations;
    }

    private static Task SettledAsync(CsmsTestHost csms) => csms.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();

    [Fact]
    public async Task L01_registration_needs_a_version_a_file_or_URL_and_both_or_neither_of_a_PEM_certificate_and_a_base64_signature()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var (pem, signature) = Sign([1, 2, 3]);
        Assert.Equal(400, (await csms.PostJsonAsync("api/firmware", JsonSerializer.Serialize(new { version = "1" }))).Status);
        Assert.Equal(400, (await csms.PostJsonAsync("api/firmware", JsonSerializer.Serialize(new { version = "1", fileId = 99 }))).Status);
        Assert.Equal(400, (await csms.PostJsonAsync("api/firmware", JsonSerializer.Serialize(new { version = "1", location = "file:///etc/passwd" }))).Status);
        Assert.Equal(400, (await csms.PostJsonAsync("api/firmware", JsonSerializer.Serialize(new { version = "1", location = "https://fw.example.com/a.bin", signingCertificate = pem }))).Status);
        var (badPem, problem) = await csms.PostJsonAsync("api/firmware", JsonSerializer.Serialize(new { version = "1", location = "https://fw.example.com/a.bin", signingCertificate = "not a certificate", signature }));
        Assert.Equal(400, badPem);
        Assert.True(problem.GetProperty("errors").TryGetProperty("signingCertificate", out _));
        Assert.Equal(400, (await csms.PostJsonAsync("api/firmware", JsonSerializer.Serialize(new { version = "1", location = "https://fw.example.com/a.bin", signingCertificate = pem, signature = "*not base64*" }))).Status);

        var (created, unsigned) = await csms.PostJsonAsync("api/firmware", JsonSerializer.Serialize(new { version = "1.9", location = "https://fw.example.com/a.bin" }));
        Assert.Equal(201, created);
        Assert.False(unsigned.GetProperty("signed").GetBoolean());
        Assert.Equal(1, (await csms.GetJsonAsync("api/firmware")).GetProperty("total").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task L01_UpdateFirmware_the_station_downloads_through_the_file_service_every_status_is_kept_and_the_boot_on_the_new_version_ends_it(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var image = Image(1);
        var firmwareId = await RegisterAsync(csms, image);
        var fake = (await StationsAsync(csms, "CS-L01", 1))[0];

        var (status, update) = await csms.PostJsonAsync("api/stations/CS-L01-1/firmware-updates",
            JsonSerializer.Serialize(new { firmwareId, retrieveDateTime = "2026-12-01T08:00:00Z", installDateTime = "2026-12-01T09:00:00Z", retries = 2, retryInterval = 30 }));
        Assert.Equal(200, status);
        Assert.Equal("Sent", update.GetProperty("state").GetString());
        var request = await fake.Requests.Reader.ReadAsync();
        Assert.Equal(update.GetProperty("requestId").GetInt64(), request.RequestId);
        Assert.Equal((2, 30), (request.Retries, request.RetryInterval));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), request.Firmware.InstallDateTime);
        Assert.NotNull(request.Firmware.SigningCertificate);
        Assert.NotNull(request.Firmware.Signature);
        Assert.Contains("/files/", request.Firmware.Location, StringComparison.Ordinal);

        await fake.InstallAsync(request, NewVersion, image);

        var updates = await csms.GetJsonAsync("api/stations/CS-L01-1/firmware-updates");
        var done = Assert.Single(updates.GetProperty("items").EnumerateArray());
        Assert.Equal("Done", done.GetProperty("state").GetString());
        Assert.Equal(NewVersion, done.GetProperty("bootedVersion").GetString());
        Assert.Equal("Installed", done.GetProperty("status").GetString());
        Assert.Equal(
            ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "Installed"],
            done.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
        Assert.Equal(NewVersion, (await csms.GetJsonAsync("api/stations/CS-L01-1")).GetProperty("firmwareVersion").GetString());
    }

    [Fact]
    public async Task L01_a_failure_status_or_a_refusal_ends_the_update_failed_and_the_download_URL_is_single_use()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var firmwareId = await RegisterAsync(csms, Image(2));
        var stations = await StationsAsync(csms, "CS-L01F", 2);
        await csms.PostJsonAsync("api/stations/CS-L01F-1/firmware-updates", JsonSerializer.Serialize(new { firmwareId }));
        var request = await stations[0].Requests.Reader.ReadAsync();
        using (var http = new HttpClient())
        {
            await http.GetByteArrayAsync(request.Firmware.Location);
            Assert.Equal(System.Net.HttpStatusCode.Gone, (await http.GetAsync(request.Firmware.Location)).StatusCode);
        }

        await stations[0].StatusAsync(FirmwareStatusEnumType.InvalidSignature, request.RequestId);
        var failed = (await csms.GetJsonAsync("api/stations/CS-L01F-1/firmware-updates")).GetProperty("items")[0];
        Assert.Equal("Failed", failed.GetProperty("state").GetString());
        Assert.Equal("InvalidSignature", failed.GetProperty("failureReason").GetString());

        stations[1].Answer = UpdateFirmwareStatusEnumType.InvalidCertificate;
        var (_, refused) = await csms.PostJsonAsync("api/stations/CS-L01F-2/firmware-updates", JsonSerializer.Serialize(new { firmwareId }));
        Assert.Equal("Failed", refused.GetProperty("state").GetString());
        Assert.Equal("InvalidCertificate", refused.GetProperty("responseStatus").GetString());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task L01_a_campaign_keeps_at_most_N_stations_in_progress_counts_a_bad_signature_as_failed_and_completes_on_the_boots_with_the_new_version(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var image = Image(3);
        var firmwareId = await RegisterAsync(csms, image);
        var stations = await StationsAsync(csms, "CS-CMP", 5);
        var (status, campaign) = await csms.PostJsonAsync("api/firmware-campaigns",
            JsonSerializer.Serialize(new { name = "winter", firmwareId, stationIds = stations.Select(s => s.Id), maxConcurrent = 2, maxFailurePercent = 40 }));
        Assert.Equal(201, status);
        var campaignId = campaign.GetProperty("id").GetInt64();
        await SettledAsync(csms);
        Assert.Equal(2, stations.Sum(s => s.Received));

        // One by one: each station that ends frees its place for the next; the third gets a file with a bad signature.
        for (var round = 0; round < 5; round++)
        {
            var busy = stations.First(s => s.Requests.Reader.Count > 0);
            var request = await busy.Requests.Reader.ReadAsync();
            if (busy == stations[2])
            {
                await busy.StatusAsync(FirmwareStatusEnumType.Downloading, request.RequestId);
                await busy.StatusAsync(FirmwareStatusEnumType.Downloaded, request.RequestId);
                await busy.StatusAsync(FirmwareStatusEnumType.InvalidSignature, request.RequestId);
            }
            else
            {
                await busy.InstallAsync(request, NewVersion, image);
            }

            await SettledAsync(csms);
            var progress = await csms.GetJsonAsync($"api/firmware-campaigns/{campaignId}");
            Assert.True(progress.GetProperty("inProgress").GetInt32() <= 2, progress.ToString());
            Assert.Equal(Math.Min(5, round + 3), stations.Sum(s => s.Received));
        }

        var end = await csms.GetJsonAsync($"api/firmware-campaigns/{campaignId}");
        Assert.Equal("Completed", end.GetProperty("state").GetString());
        Assert.Equal((5, 4, 1, 0), (end.GetProperty("total").GetInt32(), end.GetProperty("done").GetInt32(), end.GetProperty("failed").GetInt32(), end.GetProperty("queued").GetInt32()));
        var bad = end.GetProperty("stations").EnumerateArray().Single(s => s.GetProperty("stationId").GetString() == "CS-CMP-3");
        Assert.Equal("InvalidSignature", bad.GetProperty("status").GetString());
        Assert.All(end.GetProperty("stations").EnumerateArray().Where(s => s.GetProperty("stationId").GetString() != "CS-CMP-3"),
            s => Assert.Equal(NewVersion, s.GetProperty("bootedVersion").GetString()));
    }

    [Fact]
    public async Task L01_a_campaign_stops_once_more_than_its_failure_percentage_failed_and_skips_the_stations_not_yet_sent()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var firmwareId = await RegisterAsync(csms, Image(4));
        var stations = await StationsAsync(csms, "CS-STOP", 4);
        var (_, campaign) = await csms.PostJsonAsync("api/firmware-campaigns",
            JsonSerializer.Serialize(new { firmwareId, stationIds = stations.Select(s => s.Id), maxConcurrent = 1, maxFailurePercent = 25 }));
        var campaignId = campaign.GetProperty("id").GetInt64();
        await SettledAsync(csms);

        // The first failure is 25%, not more: the campaign goes on. The second is 50%: it stops.
        var first = await stations[0].Requests.Reader.ReadAsync();
        await stations[0].StatusAsync(FirmwareStatusEnumType.DownloadFailed, first.RequestId);
        await SettledAsync(csms);
        Assert.Equal("Running", (await csms.GetJsonAsync($"api/firmware-campaigns/{campaignId}")).GetProperty("state").GetString());
        var second = await stations[1].Requests.Reader.ReadAsync();
        await stations[1].StatusAsync(FirmwareStatusEnumType.InstallationFailed, second.RequestId);
        await SettledAsync(csms);

        var end = await csms.GetJsonAsync($"api/firmware-campaigns/{campaignId}");
        Assert.Equal("Stopped", end.GetProperty("state").GetString());
        Assert.Contains("more than 25%", end.GetProperty("stopReason").GetString(), StringComparison.Ordinal);
        Assert.Equal((2, 2), (end.GetProperty("failed").GetInt32(), end.GetProperty("skipped").GetInt32()));
        Assert.Equal(0, stations[2].Received + stations[3].Received);
        Assert.Equal(409, (await csms.PostJsonAsync($"api/firmware-campaigns/{campaignId}/stop", "{}")).Status);
    }

    [Fact]
    public async Task L01_a_campaign_station_that_is_offline_waits_queued_without_a_place_and_gets_its_update_when_it_boots()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var firmwareId = await RegisterAsync(csms, Image(5));
        var online = (await StationsAsync(csms, "CS-OFF", 1))[0];
        await csms.RegisterAsync("CS-OFF-2");
        var (_, campaign) = await csms.PostJsonAsync("api/firmware-campaigns",
            JsonSerializer.Serialize(new { firmwareId, stationIds = new[] { "CS-OFF-2", online.Id }, maxConcurrent = 1, maxFailurePercent = 0 }));
        var campaignId = campaign.GetProperty("id").GetInt64();
        await SettledAsync(csms);
        Assert.Equal(1, online.Received);
        var waiting = (await csms.GetJsonAsync($"api/firmware-campaigns/{campaignId}")).GetProperty("stations").EnumerateArray().Single(s => s.GetProperty("stationId").GetString() == "CS-OFF-2");
        Assert.Equal("Queued", waiting.GetProperty("state").GetString());
        Assert.Contains("not connected", waiting.GetProperty("failureReason").GetString(), StringComparison.Ordinal);

        await online.InstallAsync(await online.Requests.Reader.ReadAsync(), NewVersion);
        var late = new FirmwareStation("CS-OFF-2");
        late.Connection = await csms.ConnectAsync(late.Id, late.Handlers());
        await late.Connection.CallAsync(CsmsTestHost.Boot());
        await SettledAsync(csms);
        await late.InstallAsync(await late.Requests.Reader.ReadAsync(), NewVersion);
        await SettledAsync(csms);
        var end = await csms.GetJsonAsync($"api/firmware-campaigns/{campaignId}");
        Assert.Equal(("Completed", 2), (end.GetProperty("state").GetString(), end.GetProperty("done").GetInt32()));
        await using var _ = late.Connection;
    }

    [Fact]
    public async Task L01_a_running_campaign_goes_on_after_a_CSMS_restart_and_no_station_gets_its_UpdateFirmware_twice()
    {
        var first = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var image = Image(8);
        var firmwareId = await RegisterAsync(first, image);
        var before = await StationsAsync(first, "CS-RES", 3);
        var (_, campaign) = await first.PostJsonAsync("api/firmware-campaigns",
            JsonSerializer.Serialize(new { firmwareId, stationIds = before.Select(s => s.Id), maxConcurrent = 1, maxFailurePercent = 0 }));
        var campaignId = campaign.GetProperty("id").GetInt64();
        await SettledAsync(first);
        Assert.Equal([1, 0, 0], before.Select(s => s.Received));
        var sent = await before[0].Requests.Reader.ReadAsync();

        // The CSMS stops with the first station's update Sent; a new one starts on the same database.
        await using var csms = await first.RestartAsync();
        var after = new List<FirmwareStation>();
        foreach (var old in before)
        {
            await old.Connection!.DisposeAsync();
            var fake = new FirmwareStation(old.Id);
            fake.Connection = await csms.BootedStationAsync(fake.Id, fake.Handlers());
            after.Add(fake);
        }

        await SettledAsync(csms);
        var resumed = await csms.GetJsonAsync($"api/firmware-campaigns/{campaignId}");
        Assert.Equal(("Running", 1, 2), (resumed.GetProperty("state").GetString(), resumed.GetProperty("inProgress").GetInt32(), resumed.GetProperty("queued").GetInt32()));
        Assert.Equal(0, after.Sum(s => s.Received)); // the first still holds the only place: nothing more is sent yet

        // The first station goes on with the request it got from the stopped CSMS; its end frees the place.
        foreach (var status in new[] { FirmwareStatusEnumType.Downloading, FirmwareStatusEnumType.Downloaded, FirmwareStatusEnumType.Installing, FirmwareStatusEnumType.InstallRebooting })
        {
            await after[0].StatusAsync(status, sent.RequestId);
        }

        var boot = CsmsTestHost.Boot();
        boot.Reason = BootReasonEnumType.FirmwareUpdate;
        boot.ChargingStation.FirmwareVersion = NewVersion;
        await after[0].Connection!.CallAsync(boot);
        await after[0].StatusAsync(FirmwareStatusEnumType.Installed, sent.RequestId);
        await SettledAsync(csms);
        for (var i = 1; i < after.Count; i++)
        {
            Assert.Equal(1, after[i].Received);
            Assert.Equal(0, after.Skip(i + 1).Sum(s => s.Received));
            await after[i].InstallAsync(await after[i].Requests.Reader.ReadAsync(), NewVersion, image);
            await SettledAsync(csms);
        }

        var end = await csms.GetJsonAsync($"api/firmware-campaigns/{campaignId}");
        Assert.Equal(("Completed", 3), (end.GetProperty("state").GetString(), end.GetProperty("done").GetInt32()));
        Assert.Equal([1, 1, 1], before.Zip(after, (b, a) => b.Received + a.Received));
        foreach (var station in after)
        {
            await station.Connection!.DisposeAsync();
        }
    }

    [Fact]
    public async Task L03_PublishFirmware_goes_through_the_generic_endpoint_and_its_status_notifications_are_stored()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        PublishFirmwareRequest? asked = null;
        var handlers = new OcppHandlers().On(OcppActions.PublishFirmware, (request, _, _) =>
        {
            asked = request;
            return ValueTask.FromResult(new PublishFirmwareResponse { Status = GenericStatusEnumType.Accepted });
        });
        await using var station = await csms.BootedStationAsync("CS-L03", handlers);

        var (status, answer) = await csms.PostJsonAsync("api/stations/CS-L03/ocpp/PublishFirmware",
            """{"location":"https://fw.example.com/lc.bin","checksum":"0123456789abcdef0123456789abcdef","requestId":5}""");
        Assert.Equal(200, status);
        Assert.Equal("Accepted", answer.GetProperty("status").GetString());
        Assert.Equal(5, asked?.RequestId);

        await station.CallAsync(new PublishFirmwareStatusNotificationRequest { Status = PublishFirmwareStatusEnumType.Published, RequestId = 5, Location = ["http://lc.local/fw.bin"] });
        var stored = await csms.GetJsonAsync("api/stations/CS-L03/messages?action=PublishFirmwareStatusNotification");
        Assert.Contains("Published", Assert.Single(stored.GetProperty("items").EnumerateArray()).GetProperty("payload").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task L01_the_campaign_driver_runs_on_the_injected_clock_and_tries_a_queued_station_again_after_its_retry_delay()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock), ("Csms:BootDeadlineSeconds", "3600"));
        var firmwareId = await RegisterAsync(csms, Image(6));
        await csms.RegisterAsync("CS-CLK");
        var (_, campaign) = await csms.PostJsonAsync("api/firmware-campaigns", JsonSerializer.Serialize(new { firmwareId, stationIds = new[] { "CS-CLK" }, maxConcurrent = 1 }));
        var campaignId = campaign.GetProperty("id").GetInt64();
        await SettledAsync(csms);

        // It connects without booting (nothing tells the campaign): only the driver's tick on the CSMS clock sends it its update.
        var fake = new FirmwareStation("CS-CLK");
        await using var connection = await csms.ConnectAsync(fake.Id, fake.Handlers());
        await csms.SessionAsync(fake.Id); // else the tick can find it not connected yet and queue it a minute more
        clock.Advance(TimeSpan.FromSeconds(30));
        await SettledAsync(csms);
        Assert.Equal(0, fake.Received);
        clock.Advance(TimeSpan.FromSeconds(31));
        await SettledAsync(csms);
        Assert.Equal(1, fake.Received);
        var update = (await csms.GetJsonAsync($"api/firmware-campaigns/{campaignId}")).GetProperty("stations")[0];
        Assert.Equal("Sent", update.GetProperty("state").GetString());
    }

    [Fact]
    public async Task L01_an_UpdateFirmware_answered_with_a_CALLERROR_is_a_502_and_stays_stored_as_failed()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var firmwareId = await RegisterAsync(csms, Image(7));
        await using var station = await csms.BootedStationAsync("CS-L01E"); // no UpdateFirmware handler: a CALLERROR
        var (status, problem) = await csms.PostJsonAsync("api/stations/CS-L01E/firmware-updates", JsonSerializer.Serialize(new { firmwareId }));
        Assert.Equal(502, status);
        Assert.Equal("NotSupported", problem.GetProperty("errorCode").GetString());
        var failed = Assert.Single((await csms.GetJsonAsync("api/stations/CS-L01E/firmware-updates")).GetProperty("items").EnumerateArray());
        Assert.Equal("Failed", failed.GetProperty("state").GetString());
        Assert.StartsWith("UpdateFirmware failed", failed.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, (await csms.PostJsonAsync("api/stations/CS-L01E/firmware-updates", JsonSerializer.Serialize(new { firmwareId = 999 }))).Status);
        Assert.Equal(404, (await csms.PostJsonAsync("api/stations/CS-NONE/firmware-updates", JsonSerializer.Serialize(new { firmwareId }))).Status);
    }
}
