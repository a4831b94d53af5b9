using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Ohm.Ocpp.Messages;
using Ohm.Station.Hardware;
using Ohm.Station.Simulation;
using Ohm.Station.Tests.Security;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Firmware;

/// <summary>
/// L01 (secure) and L02 (unsigned) firmware updates on a station against the test CSMS, the image served over loopback
/// HTTP, the signing certificate under a test manufacturer root, on a fake clock.
/// </summary>
public sealed class FirmwareUpdateTests
{
    [Fact]
    public async Task L01_a_good_signature_goes_through_every_status_in_order_and_the_station_reboots_into_the_new_version()
    {
        await using var h = await StationHarness.StartAsync();
        await using var files = await TestFileServer.StartAsync();
        using var pki = new FirmwarePki();
        var clock = FakeClock.Create();
        var options = h.Options("CS-L01");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-L01", options: options);
        await InstallManufacturerRoot(h, "CS-L01", pki.Root);
        Assert.Equal("0.1.0", h.Csms.Of<BootNotificationRequest>("CS-L01")[0].ChargingStation.FirmwareVersion);

        var image = SimulatedHardware.FirmwareImage("2.0.0");
        var now = clock.GetUtcNow();
        var response = await h.Csms.Call("CS-L01", new UpdateFirmwareRequest
        {
            RequestId = 7,
            Retries = 1,
            RetryInterval = 10,
            Firmware = new FirmwareType
            {
                Location = files.Put("fw-2.0.0.bin", image),
                RetrieveDateTime = now.AddMinutes(1),
                InstallDateTime = now.AddMinutes(5),
                SigningCertificate = pki.SigningPem,
                Signature = pki.Sign(image),
            },
        });
        Assert.Equal(UpdateFirmwareStatusEnumType.Accepted, response.Status);

        // DownloadScheduled until retrieveDateTime; downloaded and verified; InstallScheduled until installDateTime.
        await h.Csms.WaitFor<FirmwareStatusNotificationRequest>(n => n.Status == FirmwareStatusEnumType.DownloadScheduled);
        Assert.Equal(0, files.Requests);
        await clock.AdvanceUntil(TimeSpan.FromSeconds(5), () => Has(h, "CS-L01", FirmwareStatusEnumType.InstallScheduled), TimeSpan.FromMinutes(2), "the download");
        await clock.AdvanceUntil(TimeSpan.FromSeconds(10), () => Has(h, "CS-L01", FirmwareStatusEnumType.Installed), TimeSpan.FromMinutes(6), "the installation");

        Assert.Equal(
            [
                FirmwareStatusEnumType.DownloadScheduled, FirmwareStatusEnumType.Downloading, FirmwareStatusEnumType.Downloaded,
                FirmwareStatusEnumType.SignatureVerified, FirmwareStatusEnumType.InstallScheduled, FirmwareStatusEnumType.Installing,
                FirmwareStatusEnumType.InstallRebooting, FirmwareStatusEnumType.Installed,
            ],
            Statuses(h, "CS-L01"));
        Assert.All(h.Csms.Of<FirmwareStatusNotificationRequest>("CS-L01"), n => Assert.Equal(7, n.RequestId)); // L01.FR.20
        Assert.Equal(1, files.Requests);

        // The reboot: BootNotification FirmwareUpdate with the new version, Installed only after it, FirmwareUpdated (L01.FR.31).
        var boots = h.Csms.Of<BootNotificationRequest>("CS-L01");
        Assert.Equal(2, boots.Count);
        Assert.Equal(BootReasonEnumType.FirmwareUpdate, boots[1].Reason);
        Assert.Equal("2.0.0", boots[1].ChargingStation.FirmwareVersion);
        var order = h.Csms.All.Where(r => r.StationId == "CS-L01").ToList();
        Assert.True(order.FindLastIndex(r => r.Request is BootNotificationRequest) < order.FindIndex(r => r.Request is FirmwareStatusNotificationRequest { Status: FirmwareStatusEnumType.Installed }));
        await h.Csms.WaitFor<SecurityEventNotificationRequest>(e => e.Type == "FirmwareUpdated" && e.TechInfo!.Contains("2.0.0", StringComparison.Ordinal));

        // The EVSEs were Unavailable for the installation and are back in use; the image is gone from the data folder.
        await TestCsms.Until(() => !station.Evses.Values.Any(e => e.Inoperative), "the EVSEs back in use");
        Assert.Contains(h.Csms.Of<StatusNotificationRequest>("CS-L01"), s => s.EvseId == 2 && s.ConnectorStatus == ConnectorStatusEnumType.Unavailable);
        await TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>("CS-L01").LastOrDefault(s => s.EvseId == 2)?.ConnectorStatus == ConnectorStatusEnumType.Available, "EVSE 2 Available");
        Assert.Empty(Directory.GetFiles(station.Firmware.Folder));

        // L01.FR.25: after Installed, TriggerMessage FirmwareStatusNotification answers Idle, without requestId.
        var before = h.Csms.Of<FirmwareStatusNotificationRequest>("CS-L01").Count;
        Assert.Equal(TriggerMessageStatusEnumType.Accepted, (await h.Csms.Call("CS-L01", new TriggerMessageRequest { RequestedMessage = MessageTriggerEnumType.FirmwareStatusNotification })).Status);
        await TestCsms.Until(() => h.Csms.Of<FirmwareStatusNotificationRequest>("CS-L01").Count > before, "the triggered status");
        var triggered = h.Csms.Of<FirmwareStatusNotificationRequest>("CS-L01")[^1];
        Assert.Equal(FirmwareStatusEnumType.Idle, triggered.Status);
        Assert.Null(triggered.RequestId);

        // The new version is persisted: a power cycle boots it again.
        await station.StopAsync();
        await h.StartStation("CS-L01", options: options);
        await TestCsms.Until(() => h.Csms.Of<BootNotificationRequest>("CS-L01").Count == 3, "the boot after the power cycle");
        var third = h.Csms.Of<BootNotificationRequest>("CS-L01")[2];
        Assert.Equal((BootReasonEnumType.PowerUp, "2.0.0"), (third.Reason, third.ChargingStation.FirmwareVersion));
    }

    [Fact]
    public async Task L01_FR_03_a_bad_signature_is_InvalidSignature_with_a_security_event_and_nothing_is_installed()
    {
        await using var h = await StationHarness.StartAsync();
        await using var files = await TestFileServer.StartAsync();
        using var pki = new FirmwarePki();
        var clock = FakeClock.Create();
        var options = h.Options("CS-L01-SIG");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-L01-SIG", options: options);
        await InstallManufacturerRoot(h, "CS-L01-SIG", pki.Root);

        var image = SimulatedHardware.FirmwareImage("6.6.6");
        var response = await h.Csms.Call("CS-L01-SIG", new UpdateFirmwareRequest
        {
            RequestId = 12,
            Firmware = new FirmwareType
            {
                Location = files.Put("tampered.bin", image),
                RetrieveDateTime = clock.GetUtcNow(),
                SigningCertificate = pki.SigningPem,
                Signature = pki.Sign(SimulatedHardware.FirmwareImage("1.0.0")), // the signature of another image
            },
        });
        Assert.Equal(UpdateFirmwareStatusEnumType.Accepted, response.Status);
        await h.Csms.WaitFor<FirmwareStatusNotificationRequest>(n => n.Status == FirmwareStatusEnumType.InvalidSignature);
        var security = await h.Csms.WaitFor<SecurityEventNotificationRequest>(e => e.Type == "InvalidFirmwareSignature");
        Assert.Contains("12", security.TechInfo, StringComparison.Ordinal);
        Assert.Equal([FirmwareStatusEnumType.Downloading, FirmwareStatusEnumType.Downloaded, FirmwareStatusEnumType.InvalidSignature], Statuses(h, "CS-L01-SIG"));

        Assert.False(station.Simulator!.FirmwarePendingReboot);
        Assert.Null(station.Simulator.CurrentVersion);
        Assert.Single(h.Csms.Of<BootNotificationRequest>("CS-L01-SIG"));
        Assert.DoesNotContain(h.Csms.Of<StatusNotificationRequest>("CS-L01-SIG"), s => s.ConnectorStatus == ConnectorStatusEnumType.Unavailable);
        Assert.Empty(Directory.GetFiles(station.Firmware.Folder));

        // L01.FR.26: TriggerMessage answers the last status with its requestId.
        Assert.Equal(TriggerMessageStatusEnumType.Accepted, (await h.Csms.Call("CS-L01-SIG", new TriggerMessageRequest { RequestedMessage = MessageTriggerEnumType.FirmwareStatusNotification })).Status);
        await TestCsms.Until(() => h.Csms.Of<FirmwareStatusNotificationRequest>("CS-L01-SIG").Count == 4, "the triggered status");
        Assert.Equal((FirmwareStatusEnumType.InvalidSignature, 12), (h.Csms.Of<FirmwareStatusNotificationRequest>("CS-L01-SIG")[^1].Status, h.Csms.Of<FirmwareStatusNotificationRequest>("CS-L01-SIG")[^1].RequestId));
    }

    [Fact]
    public async Task L01_FR_02_a_signing_certificate_not_chained_to_an_installed_ManufacturerRootCertificate_is_InvalidCertificate_with_a_security_event()
    {
        await using var h = await StationHarness.StartAsync();
        await using var files = await TestFileServer.StartAsync();
        using var trusted = new FirmwarePki();
        using var other = new FirmwarePki();
        var station = await h.StartStation("CS-L01-CERT");
        var image = SimulatedHardware.FirmwareImage("3.0.0");
        var url = files.Put("fw.bin", image);
        UpdateFirmwareRequest Request(FirmwarePki pki) => new()
        {
            RequestId = 3,
            Firmware = new FirmwareType { Location = url, RetrieveDateTime = DateTimeOffset.UtcNow, SigningCertificate = pki.SigningPem, Signature = pki.Sign(image) },
        };

        // No ManufacturerRootCertificate at all, then one that is not the signer's.
        var none = await h.Csms.Call("CS-L01-CERT", Request(trusted));
        Assert.Equal(UpdateFirmwareStatusEnumType.InvalidCertificate, none.Status);
        await InstallManufacturerRoot(h, "CS-L01-CERT", trusted.Root);
        var untrusted = await h.Csms.Call("CS-L01-CERT", Request(other));
        Assert.Equal(UpdateFirmwareStatusEnumType.InvalidCertificate, untrusted.Status);
        Assert.Contains("does not chain", untrusted.StatusInfo!.AdditionalInfo, StringComparison.Ordinal);
        await TestCsms.Until(() => h.Csms.Of<SecurityEventNotificationRequest>("CS-L01-CERT").Count(e => e.Type == "InvalidFirmwareSigningCertificate") == 2, "two InvalidFirmwareSigningCertificate events");

        // Nothing was fetched nor reported; garbage in the certificate field is refused the same way.
        var garbage = await h.Csms.Call("CS-L01-CERT", new UpdateFirmwareRequest
        {
            RequestId = 4,
            Firmware = new FirmwareType { Location = url, RetrieveDateTime = DateTimeOffset.UtcNow, SigningCertificate = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", Signature = "AAAA" },
        });
        Assert.Equal(UpdateFirmwareStatusEnumType.InvalidCertificate, garbage.Status);
        Assert.Equal(0, files.Requests);
        Assert.Empty(h.Csms.Of<FirmwareStatusNotificationRequest>("CS-L01-CERT"));
        Assert.Null(station.Firmware.Status);

        // A location that is not http(s), or a signature without its certificate: Rejected.
        Assert.Equal(UpdateFirmwareStatusEnumType.Rejected, (await h.Csms.Call("CS-L01-CERT", new UpdateFirmwareRequest { RequestId = 5, Firmware = new FirmwareType { Location = "ftp://example/fw.bin", RetrieveDateTime = DateTimeOffset.UtcNow } })).Status);
        Assert.Equal(UpdateFirmwareStatusEnumType.Rejected, (await h.Csms.Call("CS-L01-CERT", new UpdateFirmwareRequest { RequestId = 6, Firmware = new FirmwareType { Location = url, RetrieveDateTime = DateTimeOffset.UtcNow, Signature = "AAAA" } })).Status);
    }

    [Fact]
    public async Task L02_a_failing_download_is_retried_every_retryInterval_then_DownloadFailed()
    {
        await using var h = await StationHarness.StartAsync();
        await using var files = await TestFileServer.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-L02-DL");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-L02-DL", options: options);
        files.FailNext = 100;
        var response = await h.Csms.Call("CS-L02-DL", new UpdateFirmwareRequest
        {
            RequestId = 21,
            Retries = 2,
            RetryInterval = 30,
            Firmware = new FirmwareType { Location = files.Put("fw.bin", SimulatedHardware.FirmwareImage("2.1.0")), RetrieveDateTime = clock.GetUtcNow() },
        });
        Assert.Equal(UpdateFirmwareStatusEnumType.Accepted, response.Status);

        // The first attempt at once, then one every 30 s of station time: DownloadFailed no sooner than 60 s on.
        await TestCsms.Until(() => files.Requests == 1, "the first attempt");
        var elapsed = await clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => Has(h, "CS-L02-DL", FirmwareStatusEnumType.DownloadFailed), TimeSpan.FromMinutes(3), "DownloadFailed");
        Assert.Equal(3, files.Requests); // 1 + retries
        Assert.True(elapsed >= TimeSpan.FromSeconds(60), elapsed.ToString());
        Assert.Equal([FirmwareStatusEnumType.Downloading, FirmwareStatusEnumType.DownloadFailed], Statuses(h, "CS-L02-DL"));
        Assert.Equal(FirmwareStatusEnumType.DownloadFailed, station.Firmware.Status);

        // A second request whose first attempt fails gets the file on the retry and installs it.
        files.FailNext = 1;
        Assert.Equal(UpdateFirmwareStatusEnumType.Accepted, (await h.Csms.Call("CS-L02-DL", new UpdateFirmwareRequest
        {
            RequestId = 22,
            Retries = 1,
            RetryInterval = 5,
            Firmware = new FirmwareType { Location = files.Put("fw.bin", SimulatedHardware.FirmwareImage("2.1.0")), RetrieveDateTime = clock.GetUtcNow() },
        })).Status);
        await clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => Has(h, "CS-L02-DL", FirmwareStatusEnumType.Installed, 22), TimeSpan.FromMinutes(1), "Installed");
        Assert.Equal(5, files.Requests);
        Assert.Equal("2.1.0", h.Csms.Of<BootNotificationRequest>("CS-L02-DL")[^1].ChargingStation.FirmwareVersion);
    }

    [Fact]
    public async Task L01_FR_06_installation_waits_for_the_transaction_to_end_with_the_EVSEs_Unavailable_meanwhile()
    {
        await using var h = await StationHarness.StartAsync();
        await using var files = await TestFileServer.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-L01-TX");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-L01-TX", options: options);
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);

        Assert.Equal(UpdateFirmwareStatusEnumType.Accepted, (await h.Csms.Call("CS-L01-TX", new UpdateFirmwareRequest
        {
            RequestId = 31,
            Firmware = new FirmwareType { Location = files.Put("fw.bin", SimulatedHardware.FirmwareImage("4.0.0")), RetrieveDateTime = clock.GetUtcNow() },
        })).Status);
        await h.Csms.WaitFor<FirmwareStatusNotificationRequest>(n => n.Status == FirmwareStatusEnumType.InstallScheduled);

        // EVSE 2 (free) is Unavailable; EVSE 1 charges on; nothing is installed yet.
        await TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>("CS-L01-TX").Any(s => s.EvseId == 2 && s.ConnectorStatus == ConnectorStatusEnumType.Unavailable), "EVSE 2 Unavailable");
        Assert.True(station.Evses[2].Inoperative);
        Assert.NotNull(station.Evses[1].Transaction);
        Assert.False(station.Simulator!.FirmwarePendingReboot);
        Assert.Equal([FirmwareStatusEnumType.Downloading, FirmwareStatusEnumType.Downloaded, FirmwareStatusEnumType.InstallScheduled], Statuses(h, "CS-L01-TX"));

        // A new driver cannot start on the free EVSE meanwhile.
        Assert.Equal(RequestStartStopStatusEnumType.Rejected, (await h.Csms.Call("CS-L01-TX", new RequestStartTransactionRequest { EvseId = 2, RemoteStartId = 1, IdToken = new IdTokenType { IdToken = "X", Type = IdTokenEnumType.ISO14443 } })).Status);

        // The transaction ends: EVSE 1 goes Unavailable too, the installation runs, the station reboots into 4.0.0.
        await Drive.Do(station, "unplug");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        await TestCsms.Until(() => Has(h, "CS-L01-TX", FirmwareStatusEnumType.Installed), "Installed");
        Assert.Contains(h.Csms.Of<StatusNotificationRequest>("CS-L01-TX"), s => s.EvseId == 1 && s.ConnectorStatus == ConnectorStatusEnumType.Unavailable);
        Assert.Equal(
            [
                FirmwareStatusEnumType.Downloading, FirmwareStatusEnumType.Downloaded, FirmwareStatusEnumType.InstallScheduled,
                FirmwareStatusEnumType.Installing, FirmwareStatusEnumType.InstallRebooting, FirmwareStatusEnumType.Installed,
            ],
            Statuses(h, "CS-L01-TX"));
        Assert.Equal("4.0.0", h.Csms.Of<BootNotificationRequest>("CS-L01-TX")[^1].ChargingStation.FirmwareVersion);
        await TestCsms.Until(() => !station.Evses.Values.Any(e => e.Inoperative), "the EVSEs back in use");
    }

    [Fact]
    public async Task L01_FR_24_a_new_request_cancels_a_scheduled_one_with_AcceptedCanceled_and_a_restart_resumes_the_new_one()
    {
        await using var h = await StationHarness.StartAsync();
        await using var files = await TestFileServer.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-L01-CAN");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-L01-CAN", options: options);
        var url = files.Put("fw.bin", SimulatedHardware.FirmwareImage("5.0.0"));
        var now = clock.GetUtcNow();

        Assert.Equal(UpdateFirmwareStatusEnumType.Accepted, (await h.Csms.Call("CS-L01-CAN", new UpdateFirmwareRequest { RequestId = 41, Firmware = new FirmwareType { Location = url, RetrieveDateTime = now.AddHours(1) } })).Status);
        await h.Csms.WaitFor<FirmwareStatusNotificationRequest>(n => n.Status == FirmwareStatusEnumType.DownloadScheduled && n.RequestId == 41);
        Assert.Equal(UpdateFirmwareStatusEnumType.AcceptedCanceled, (await h.Csms.Call("CS-L01-CAN", new UpdateFirmwareRequest { RequestId = 42, Firmware = new FirmwareType { Location = url, RetrieveDateTime = now.AddMinutes(10) } })).Status);
        await h.Csms.WaitFor<FirmwareStatusNotificationRequest>(n => n.Status == FirmwareStatusEnumType.DownloadScheduled && n.RequestId == 42);

        // F06 / L01.FR.26: the trigger reports the current update.
        Assert.Equal(TriggerMessageStatusEnumType.Accepted, (await h.Csms.Call("CS-L01-CAN", new TriggerMessageRequest { RequestedMessage = MessageTriggerEnumType.FirmwareStatusNotification })).Status);
        await TestCsms.Until(() => h.Csms.Of<FirmwareStatusNotificationRequest>("CS-L01-CAN").Count == 3, "the triggered status");
        Assert.Equal(42, h.Csms.Of<FirmwareStatusNotificationRequest>("CS-L01-CAN")[^1].RequestId);

        // A power cycle while scheduled: the update is persisted and goes on after the boot; request 41 never runs.
        await station.StopAsync();
        station = await h.StartStation("CS-L01-CAN", options: options);
        await clock.AdvanceUntil(TimeSpan.FromSeconds(20), () => Has(h, "CS-L01-CAN", FirmwareStatusEnumType.Installed, 42), TimeSpan.FromMinutes(15), "Installed");
        Assert.Equal(1, files.Requests);
        Assert.DoesNotContain(h.Csms.Of<FirmwareStatusNotificationRequest>("CS-L01-CAN"), n => n.RequestId == 41 && n.Status != FirmwareStatusEnumType.DownloadScheduled);
        Assert.Equal("5.0.0", h.Csms.Of<BootNotificationRequest>("CS-L01-CAN")[^1].ChargingStation.FirmwareVersion);
        Assert.Equal(BootReasonEnumType.FirmwareUpdate, h.Csms.Of<BootNotificationRequest>("CS-L01-CAN")[^1].Reason);
    }

    [Fact]
    public async Task L01_FR_24_cancelling_an_update_that_waits_for_a_transaction_gives_the_free_EVSEs_back()
    {
        await using var h = await StationHarness.StartAsync();
        await using var files = await TestFileServer.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-L01-CTX");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-L01-CTX", options: options);
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        var url = files.Put("fw.bin", SimulatedHardware.FirmwareImage("8.0.0"));
        Assert.Equal(UpdateFirmwareStatusEnumType.Accepted, (await h.Csms.Call("CS-L01-CTX", new UpdateFirmwareRequest { RequestId = 71, Firmware = new FirmwareType { Location = url, RetrieveDateTime = clock.GetUtcNow() } })).Status);
        await h.Csms.WaitFor<FirmwareStatusNotificationRequest>(n => n.Status == FirmwareStatusEnumType.InstallScheduled);
        await TestCsms.Until(() => station.Evses[2].Inoperative, "EVSE 2 held");

        Assert.Equal(UpdateFirmwareStatusEnumType.AcceptedCanceled, (await h.Csms.Call("CS-L01-CTX", new UpdateFirmwareRequest { RequestId = 72, Firmware = new FirmwareType { Location = url, RetrieveDateTime = clock.GetUtcNow().AddHours(2) } })).Status);
        await h.Csms.WaitFor<FirmwareStatusNotificationRequest>(n => n.Status == FirmwareStatusEnumType.DownloadScheduled && n.RequestId == 72);
        Assert.False(station.Evses[2].Inoperative);
        await TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>("CS-L01-CTX").LastOrDefault(s => s.EvseId == 2)?.ConnectorStatus == ConnectorStatusEnumType.Available, "EVSE 2 Available again");

        // The cancelled update installs nothing when the transaction ends.
        await Drive.Do(station, "unplug");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.DoesNotContain(h.Csms.Of<FirmwareStatusNotificationRequest>("CS-L01-CTX"), n => n.Status == FirmwareStatusEnumType.Installing);
        Assert.False(station.Simulator!.FirmwarePendingReboot);
        Assert.False(station.Evses[1].Inoperative);
    }

    [Theory]
    [InlineData("ecdsa-der")]
    [InlineData("ecdsa-p1363")]
    [InlineData("rsa-pkcs1")]
    [InlineData("rsa-pss")]
    public void L01_FR_03_the_signature_is_checked_over_the_file_with_the_signing_certificates_key(string kind)
    {
        var path = Path.Combine(Path.GetTempPath(), "ohm-fw-" + Guid.NewGuid().ToString("N") + ".bin");
        var image = SimulatedHardware.FirmwareImage("1.2.3");
        File.WriteAllBytes(path, image);
        try
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var rsa = RSA.Create(2048);
            var request = kind.StartsWith("ecdsa", StringComparison.Ordinal)
                ? new CertificateRequest("CN=signer", ecdsa, HashAlgorithmName.SHA256)
                : new CertificateRequest("CN=signer", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(TestPki.From, TestPki.Until);
            var pem = certificate.ExportCertificatePem();
            byte[] Sign(byte[] data) => kind switch
            {
                "ecdsa-der" => ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
                "ecdsa-p1363" => ecdsa.SignData(data, HashAlgorithmName.SHA256),
                "rsa-pkcs1" => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                _ => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            };

            Assert.True(Ohm.Station.Blocks.Firmware.VerifySignature(path, pem, Convert.ToBase64String(Sign(image))));
            Assert.False(Ohm.Station.Blocks.Firmware.VerifySignature(path, pem, Convert.ToBase64String(Sign([.. image, 0]))));
            Assert.False(Ohm.Station.Blocks.Firmware.VerifySignature(path, pem, "not base64!"));
            Assert.False(Ohm.Station.Blocks.Firmware.VerifySignature(path, pem, Convert.ToBase64String(new byte[7])));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task L01_a_restart_while_InstallScheduled_keeps_the_verified_image_and_installs_it_at_installDateTime()
    {
        await using var h = await StationHarness.StartAsync();
        await using var files = await TestFileServer.StartAsync();
        using var pki = new FirmwarePki();
        var clock = FakeClock.Create();
        var options = h.Options("CS-L01-RES");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-L01-RES", options: options);
        await InstallManufacturerRoot(h, "CS-L01-RES", pki.Root);
        var image = SimulatedHardware.FirmwareImage("3.3.0");
        Assert.Equal(UpdateFirmwareStatusEnumType.Accepted, (await h.Csms.Call("CS-L01-RES", new UpdateFirmwareRequest
        {
            RequestId = 91,
            Firmware = new FirmwareType
            {
                Location = files.Put("fw.bin", image),
                RetrieveDateTime = clock.GetUtcNow(),
                InstallDateTime = clock.GetUtcNow().AddHours(1),
                SigningCertificate = pki.SigningPem,
                Signature = pki.Sign(image),
            },
        })).Status);
        await h.Csms.WaitFor<FirmwareStatusNotificationRequest>(n => n.Status == FirmwareStatusEnumType.InstallScheduled);

        await station.StopAsync();
        station = await h.StartStation("CS-L01-RES", options: options);
        Assert.Equal(FirmwareStatusEnumType.InstallScheduled, station.Firmware.Status);
        var restarted = station;
        await TestCsms.Until(() => restarted.IsOnline, "the restarted station online"); // it resumes the update after its boot: the clock moves from then on
        await clock.AdvanceUntil(TimeSpan.FromMinutes(1), () => Has(h, "CS-L01-RES", FirmwareStatusEnumType.Installing, 91), TimeSpan.FromMinutes(70), "Installing at installDateTime");
        await clock.AdvanceUntil(TimeSpan.FromSeconds(5), () => Has(h, "CS-L01-RES", FirmwareStatusEnumType.Installed, 91), TimeSpan.FromMinutes(10), "Installed after the reboot");
        Assert.Equal(1, files.Requests); // not downloaded again
        Assert.Equal(
            [
                FirmwareStatusEnumType.Downloading, FirmwareStatusEnumType.Downloaded, FirmwareStatusEnumType.SignatureVerified, FirmwareStatusEnumType.InstallScheduled,
                FirmwareStatusEnumType.Installing, FirmwareStatusEnumType.InstallRebooting, FirmwareStatusEnumType.Installed,
            ],
            Statuses(h, "CS-L01-RES"));
        Assert.Equal("3.3.0", h.Csms.Of<BootNotificationRequest>("CS-L01-RES")[^1].ChargingStation.FirmwareVersion);
    }

    [Theory]
    [InlineData(FirmwareInstallResult.Failed, FirmwareStatusEnumType.InstallationFailed)]
    [InlineData(FirmwareInstallResult.VerificationFailed, FirmwareStatusEnumType.InstallVerificationFailed)]
    public async Task L01_an_installer_failure_is_reported_and_the_EVSEs_come_back(FirmwareInstallResult failure, FirmwareStatusEnumType expected)
    {
        await using var h = await StationHarness.StartAsync();
        await using var files = await TestFileServer.StartAsync();
        var id = "CS-L01-" + failure;
        var station = await h.StartStation(id);
        station.Simulator!.FailFirmwareInstall = failure;
        Assert.Equal(UpdateFirmwareStatusEnumType.Accepted, (await h.Csms.Call(id, new UpdateFirmwareRequest { RequestId = 51, Firmware = new FirmwareType { Location = files.Put("fw.bin", SimulatedHardware.FirmwareImage("9.0.0")), RetrieveDateTime = DateTimeOffset.UtcNow } })).Status);
        await TestCsms.Until(() => Has(h, id, expected), expected.ToString());
        Assert.Equal([FirmwareStatusEnumType.Downloading, FirmwareStatusEnumType.Downloaded, FirmwareStatusEnumType.Installing, expected], Statuses(h, id));
        await TestCsms.Until(() => !station.Evses.Values.Any(e => e.Inoperative), "the EVSEs back in use");
        Assert.Single(h.Csms.Of<BootNotificationRequest>(id));
    }

    [Fact]
    public async Task L01_the_console_firmware_command_shows_the_version_and_makes_the_simulated_installer_fail()
    {
        await using var h = await StationHarness.StartAsync();
        await using var files = await TestFileServer.StartAsync();
        var station = await h.StartStation("CS-L01-CLI");
        using var output = new StringWriter();
        await Ohm.Cli.StationCommand.FirmwareAsync(station, ["firmware", "fail"], output);
        Assert.Equal(FirmwareInstallResult.Failed, station.Simulator!.FailFirmwareInstall);
        Assert.Contains("firmware 0.1.0, no update, installations fail (Failed)", output.ToString(), StringComparison.Ordinal);

        Assert.Equal(UpdateFirmwareStatusEnumType.Accepted, (await h.Csms.Call("CS-L01-CLI", new UpdateFirmwareRequest { RequestId = 61, Firmware = new FirmwareType { Location = files.Put("fw.bin", SimulatedHardware.FirmwareImage("7.0.0")), RetrieveDateTime = DateTimeOffset.UtcNow } })).Status);
        await TestCsms.Until(() => Has(h, "CS-L01-CLI", FirmwareStatusEnumType.InstallationFailed), "InstallationFailed");
        await Ohm.Cli.StationCommand.FirmwareAsync(station, ["firmware", "ok"], output);
        Assert.Null(station.Simulator.FailFirmwareInstall);
        Assert.Contains("firmware 0.1.0, update 61: InstallationFailed", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task L01_a_station_that_stops_while_installing_reports_InstallationFailed_after_its_next_boot()
    {
        await using var h = await StationHarness.StartAsync();
        await using var files = await TestFileServer.StartAsync();
        using var simulator = new SimulatedHardware();
        var installer = new HangingInstaller(simulator);
        var options = h.Options("CS-L01-CRASH");
        var hardware = StationHardware.Of(simulator);
        options.Hardware = new StationHardware
        {
            Meter = hardware.Meter,
            ConnectorLock = hardware.ConnectorLock,
            PowerPath = hardware.PowerPath,
            RateControl = hardware.RateControl,
            Display = hardware.Display,
            Ev = hardware.Ev,
            Firmware = installer,
            Sensors = hardware.Sensors,
        };
        var station = await h.StartStation("CS-L01-CRASH", options: options);
        Assert.Equal(UpdateFirmwareStatusEnumType.Accepted, (await h.Csms.Call("CS-L01-CRASH", new UpdateFirmwareRequest { RequestId = 81, Firmware = new FirmwareType { Location = files.Put("fw.bin", SimulatedHardware.FirmwareImage("8.1.0")), RetrieveDateTime = DateTimeOffset.UtcNow } })).Status);
        await TestCsms.Until(() => installer.Started, "the installer running");

        // L01.FR.24: an installation under way is not cancelled by a new request.
        var refused = await h.Csms.Call("CS-L01-CRASH", new UpdateFirmwareRequest { RequestId = 82, Firmware = new FirmwareType { Location = files.Put("fw.bin", SimulatedHardware.FirmwareImage("8.2.0")), RetrieveDateTime = DateTimeOffset.UtcNow } });
        Assert.Equal((UpdateFirmwareStatusEnumType.Rejected, "InstallationOngoing"), (refused.Status, refused.StatusInfo?.ReasonCode));

        // The station goes down mid-installation and comes back: the update is reported failed, the EVSEs come back.
        await station.StopAsync();
        Assert.True(station.Evses.Values.All(e => e.Inoperative));
        station = await h.StartStation("CS-L01-CRASH", options: options);
        await TestCsms.Until(() => Has(h, "CS-L01-CRASH", FirmwareStatusEnumType.InstallationFailed, 81), "InstallationFailed");
        Assert.Equal([FirmwareStatusEnumType.Downloading, FirmwareStatusEnumType.Downloaded, FirmwareStatusEnumType.Installing, FirmwareStatusEnumType.InstallationFailed], Statuses(h, "CS-L01-CRASH"));
        await TestCsms.Until(() => !station.Evses.Values.Any(e => e.Inoperative), "the EVSEs back in use");
        Assert.Null(simulator.CurrentVersion);
        Assert.Empty(Directory.GetFiles(station.Firmware.Folder));
    }

    private static async Task InstallManufacturerRoot(StationHarness h, string id, X509Certificate2 root)
    {
        var installed = await h.Csms.Call(id, new InstallCertificateRequest { CertificateType = InstallCertificateUseEnumType.ManufacturerRootCertificate, Certificate = TestPki.Pem(root) });
        Assert.Equal(InstallCertificateStatusEnumType.Accepted, installed.Status);
    }

    private static List<FirmwareStatusEnumType> Statuses(StationHarness h, string id) =>
        h.Csms.Of<FirmwareStatusNotificationRequest>(id).Select(n => n.Status).ToList();

    private static bool Has(StationHarness h, string id, FirmwareStatusEnumType status, int? requestId = null) =>
        h.Csms.Of<FirmwareStatusNotificationRequest>(id).Any(n => n.Status == status && (requestId is null || n.RequestId == requestId));

    /// <summary>An installer that never finishes until the station stops (a power cut in the middle of flashing).</summary>
    private sealed class HangingInstaller(SimulatedHardware simulator) : IFirmwareInstaller
    {
        private volatile bool _started;

        public bool Started => _started;

        public string? CurrentVersion => simulator.CurrentVersion;

        public async Task<FirmwareInstallResult> InstallAsync(string imagePath, CancellationToken cancellationToken)
        {
            _started = true;
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return FirmwareInstallResult.Installed;
        }

        public void Boot() => simulator.Boot();
    }
}
