using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Station.Blocks;
using Ohm.Station.Certificates;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Security;

/// <summary>A02/A03 on the station with the wire faked: key pair and CSR, SignCertificate and its retries, CertificateSigned checked and installed.</summary>
public sealed class CertificateSigningTests
{
    [Fact]
    public async Task A02_FR_02_a_triggered_renewal_sends_a_P256_CSR_for_the_identity_and_organisation_and_installs_the_signed_chain()
    {
        using var f = new SecurityFixture();
        using var root = TestPki.Root("CSO root");
        using var sub = TestPki.SubCa(root, "CSO sub-CA");
        f.Security.Certificates.Install(CertificateUse.CSMSRootCertificate, root);
        f.Context.Model.Set("SecurityCtrlr", "OrganizationName", "Ohm Charging");
        f.Context.Answer = _ => new SignCertificateResponse { Status = GenericStatusEnumType.Accepted };

        // F06 + A02: TriggerMessage SignChargingStationCertificate is Accepted and the CSR goes out.
        var remote = f.Context.Blocks().RemoteControl;
        remote.Security = f.Security;
        var trigger = await remote.TriggerMessage(new TriggerMessageRequest { RequestedMessage = MessageTriggerEnumType.SignChargingStationCertificate }, null!, CancellationToken.None);
        Assert.Equal(TriggerMessageStatusEnumType.Accepted, trigger.Status);
        var sign = await SignRequest(f, 1);
        Assert.Equal(CertificateSigningUseEnumType.ChargingStationCertificate, sign.CertificateType);
        var csr = CertificateRequest.LoadSigningRequestPem(sign.Csr, HashAlgorithmName.SHA256);
        Assert.Equal("CS-SEC", csr.SubjectName.EnumerateRelativeDistinguishedNames().Single(n => n.GetSingleElementType().Value == "2.5.4.3").GetSingleElementValue());
        Assert.Equal("Ohm Charging", csr.SubjectName.EnumerateRelativeDistinguishedNames().Single(n => n.GetSingleElementType().Value == "2.5.4.10").GetSingleElementValue());
        using (var publicKey = csr.PublicKey.GetECDsaPublicKey())
        {
            Assert.NotNull(publicKey);
            Assert.Equal(256, publicKey.KeySize);
        }

        Assert.True(f.Security.Keys.Exists("pending-ChargingStation"));

        // A02.FR.06: a valid chain to the installed CSMS root, holding the CSR's key: Accepted, installed with its key.
        var answer = await f.Security.CertificateSigned(new CertificateSignedRequest { CertificateChain = TestPki.Sign(sign.Csr, sub, chain: [sub]), CertificateType = CertificateSigningUseEnumType.ChargingStationCertificate }, null, CancellationToken.None);
        Assert.Equal(CertificateSignedStatusEnumType.Accepted, answer.Status);
        var installed = Assert.Single(f.Security.Certificates.List(CertificateUse.ChargingStationCertificate));
        Assert.Equal("CN=CS-SEC, O=Ohm Charging", installed.Certificate.Subject);
        Assert.Single(installed.Chain);
        using var client = f.Security.ChargingStationCertificate;
        Assert.NotNull(client);
        Assert.True(client.HasPrivateKey);
        Assert.Empty(f.Security.PendingRequests);
        Assert.False(f.Security.Keys.Exists("pending-ChargingStation"));
        var keyFile = Path.Combine(f.Security.Keys.Folder, CertificateStore.KeyName(installed) + ".pem");
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        Assert.Equal("2", f.Context.Model.Value("SecurityCtrlr", "CertificateEntries"));

        // The next TLS connection presents it.
        var options = new Ohm.Ocpp.Transport.OcppClientOptions { Endpoint = f.Options.Endpoint, StationId = "CS-SEC" };
        f.Security.ApplyTls(options, new ConnectionTarget(f.Options.Endpoint, 3, null, 0));
        Assert.Equal(installed.Certificate.Thumbprint, options.ClientCertificate?.Thumbprint);
        Assert.True(options.ClientCertificate!.HasPrivateKey);

        // A second renewal replaces the first certificate (and its key).
        f.Security.RequestCertificate(SigningRequestKind.ChargingStation);
        var again = await SignRequest(f, 2);
        Assert.Equal(CertificateSignedStatusEnumType.Accepted, (await f.Security.CertificateSigned(new CertificateSignedRequest { CertificateChain = TestPki.Sign(again.Csr, root) }, null, CancellationToken.None)).Status);
        var renewed = Assert.Single(f.Security.Certificates.List(CertificateUse.ChargingStationCertificate));
        Assert.NotEqual(installed.Id, renewed.Id);
        Assert.False(File.Exists(keyFile));
    }

    [Fact]
    public async Task A02_FR_06_a_certificate_without_the_CSR_key_expired_or_not_chained_to_the_CSMS_root_is_Rejected_with_InvalidChargingStationCertificate()
    {
        using var f = new SecurityFixture();
        using var root = TestPki.Root("CSO root");
        using var stranger = TestPki.Root("Someone else");
        f.Security.Certificates.Install(CertificateUse.CSMSRootCertificate, root);
        f.Context.Answer = _ => new SignCertificateResponse { Status = GenericStatusEnumType.Accepted };

        // Not for a CSR of this station: a certificate of another key.
        using var other = TestPki.Client(root, "CS-SEC");
        var answer = await f.Security.CertificateSigned(new CertificateSignedRequest { CertificateChain = TestPki.Pem(other) }, null, CancellationToken.None);
        Assert.Equal(CertificateSignedStatusEnumType.Rejected, answer.Status);
        Assert.Equal("NoMatchingRequest", answer.StatusInfo?.ReasonCode);

        // Not PEM at all.
        Assert.Equal(CertificateSignedStatusEnumType.Rejected, (await f.Security.CertificateSigned(new CertificateSignedRequest { CertificateChain = "not a certificate" }, null, CancellationToken.None)).Status);

        // Chained to a root the station does not trust.
        f.Security.RequestCertificate(SigningRequestKind.ChargingStation);
        var first = await SignRequest(f, 1);
        answer = await f.Security.CertificateSigned(new CertificateSignedRequest { CertificateChain = TestPki.Sign(first.Csr, stranger) }, null, CancellationToken.None);
        Assert.Equal(CertificateSignedStatusEnumType.Rejected, answer.Status);
        Assert.Equal("InvalidChain", answer.StatusInfo?.ReasonCode);
        Assert.False(f.Security.Keys.Exists("pending-ChargingStation"));

        // Expired by the station's clock (the fake clock is at 2025-01-01).
        f.Security.RequestCertificate(SigningRequestKind.ChargingStation);
        var second = await SignRequest(f, 2);
        answer = await f.Security.CertificateSigned(new CertificateSignedRequest { CertificateChain = TestPki.Sign(second.Csr, root, TestPki.From, new DateTimeOffset(2024, 12, 1, 0, 0, 0, TimeSpan.Zero)) }, null, CancellationToken.None);
        Assert.Equal(CertificateSignedStatusEnumType.Rejected, answer.Status);
        Assert.Equal("CertificateExpired", answer.StatusInfo?.ReasonCode);

        Assert.Empty(f.Security.Certificates.List(CertificateUse.ChargingStationCertificate));
        Assert.Equal(["InvalidChargingStationCertificate", "InvalidChargingStationCertificate", "InvalidChargingStationCertificate", "InvalidChargingStationCertificate"], f.EventTypes);

        // V2G: checked against the V2G root, refused with InvalidV2GChargingStationCertificate.
        f.Security.RequestCertificate(SigningRequestKind.V2G);
        var v2g = await SignRequest(f, 3);
        Assert.Equal(CertificateSigningUseEnumType.V2GCertificate, v2g.CertificateType);
        answer = await f.Security.CertificateSigned(new CertificateSignedRequest { CertificateChain = TestPki.Sign(v2g.Csr, root), CertificateType = CertificateSigningUseEnumType.V2GCertificate }, null, CancellationToken.None);
        Assert.Equal(CertificateSignedStatusEnumType.Rejected, answer.Status);
        Assert.Equal("InvalidV2GChargingStationCertificate", f.EventTypes[^1]);
    }

    [Fact]
    public async Task A02_FR_17_without_CertificateSigned_SignCertificate_is_sent_again_after_CertSigningWaitMinimum_doubling_at_most_CertSigningRepeatTimes()
    {
        using var f = new SecurityFixture();
        f.Context.Model.Set("SecurityCtrlr", "CertSigningWaitMinimum", "10");
        f.Context.Model.Set("SecurityCtrlr", "CertSigningRepeatTimes", "2");
        var sentAt = new List<DateTimeOffset>();
        f.Context.Answer = _ =>
        {
            lock (sentAt)
            {
                sentAt.Add(f.Context.Clock.GetUtcNow());
            }

            return new SignCertificateResponse { Status = GenericStatusEnumType.Accepted };
        };

        Assert.True(f.Security.RequestCertificate(SigningRequestKind.ChargingStation));
        Assert.False(f.Security.RequestCertificate(SigningRequestKind.ChargingStation)); // one CSR of a kind at a time
        await SignRequest(f, 1);
        int Sent()
        {
            lock (sentAt)
            {
                return sentAt.Count;
            }
        }

        await f.Context.Clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => Sent() == 3, TimeSpan.FromSeconds(60), "third SignCertificate");
        await f.Context.Clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => f.Security.PendingRequests.Count == 0, TimeSpan.FromSeconds(60), "the request given up");
        f.Context.Clock.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(100);
        Assert.Equal(3, Sent());

        // The waits double: 10 s, then 20 s (each within the 1 s steps of the test).
        Assert.InRange((sentAt[1] - sentAt[0]).TotalSeconds, 10, 11);
        Assert.InRange((sentAt[2] - sentAt[1]).TotalSeconds, 20, 21);

        // Every CSR had a key of its own, and the key of the unanswered last one is gone.
        var keys = f.Context.Calls.OfType<SignCertificateRequest>().Select(r => Convert.ToHexString(CertificateRequest.LoadSigningRequestPem(r.Csr, HashAlgorithmName.SHA256).PublicKey.ExportSubjectPublicKeyInfo())).ToList();
        Assert.Equal(3, keys.Distinct().Count());
        Assert.False(f.Security.Keys.Exists("pending-ChargingStation"));
    }

    [Fact]
    public async Task A02_a_SignCertificate_the_CSMS_rejects_is_not_repeated_and_its_key_discarded()
    {
        using var f = new SecurityFixture();
        f.Context.Answer = _ => new SignCertificateResponse { Status = GenericStatusEnumType.Rejected };
        f.Security.RequestCertificate(SigningRequestKind.Combined);
        var sign = await SignRequest(f, 1);
        Assert.Null(sign.CertificateType);
        await TestCsms.Until(() => f.Security.PendingRequests.Count == 0, "the rejected request forgotten");
        Assert.False(f.Security.Keys.Exists("pending-Combined"));
    }

    [Fact]
    public async Task A03_a_ChargingStationCertificate_within_CertificateRenewalWindowDays_of_expiry_is_renewed_by_the_station()
    {
        using var f = new SecurityFixture();
        using var root = TestPki.Root("CSO root");
        f.Context.Answer = _ => new SignCertificateResponse { Status = GenericStatusEnumType.Accepted };
        var now = f.Context.Clock.GetUtcNow();

        // 60 days left, window 30: nothing.
        using var later = TestPki.Client(root, "CS-SEC", now.AddDays(60));
        using var laterPublic = X509CertificateLoader.LoadCertificate(later.RawData);
        var installed = f.Security.Certificates.Install(CertificateUse.ChargingStationCertificate, laterPublic);
        f.Security.Tick(now);
        await Task.Delay(100);
        Assert.Empty(f.Context.Calls);

        // 10 days left: the station asks for a new one by itself, once.
        f.Security.Certificates.Remove(installed);
        using var soon = TestPki.Client(root, "CS-SEC", now.AddDays(10));
        using var soonPublic = X509CertificateLoader.LoadCertificate(soon.RawData);
        f.Security.Certificates.Install(CertificateUse.ChargingStationCertificate, soonPublic);
        f.Security.Tick(now.AddHours(2));
        var sign = await SignRequest(f, 1);
        Assert.Equal(CertificateSigningUseEnumType.ChargingStationCertificate, sign.CertificateType);
        f.Security.Tick(now.AddHours(4));
        await Task.Delay(100);
        Assert.Single(f.Context.Calls.OfType<SignCertificateRequest>());
    }

    [Fact]
    public void A02_keys_and_certificates_survive_a_restart_of_the_store()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ohm-station-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using var root = TestPki.Root("CSO root");
            using var client = TestPki.Client(root, "CS-SEC");
            var keys = new KeyStore(() => directory);
            string id;
            using (var store = new StationStore(directory))
            {
                var certificates = new CertificateStore(() => store, keys);
                certificates.Install(CertificateUse.CSMSRootCertificate, root);
                using var publicOnly = X509CertificateLoader.LoadCertificate(client.RawData);
                var installed = certificates.Install(CertificateUse.ChargingStationCertificate, publicOnly);
                using var key = client.GetECDsaPrivateKey()!;
                keys.Save(CertificateStore.KeyName(installed), key);
                id = installed.Id;
            }

            using (var store = new StationStore(directory))
            {
                var certificates = new CertificateStore(() => store, keys);
                Assert.Equal(2, certificates.Count);
                var active = certificates.Active(CertificateUse.ChargingStationCertificate, DateTimeOffset.UtcNow);
                Assert.NotNull(active);
                Assert.Equal(id, active.Value.Installed.Id);
                Assert.True(active.Value.WithKey.HasPrivateKey);
                using var signer = active.Value.WithKey.GetECDsaPrivateKey()!;
                using var verifier = client.GetECDsaPublicKey()!;
                var data = "renewal"u8.ToArray();
                Assert.True(verifier.VerifyData(data, signer.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<SignCertificateRequest> SignRequest(SecurityFixture f, int count)
    {
        await TestCsms.Until(() => f.Context.Calls.OfType<SignCertificateRequest>().Count() >= count, $"SignCertificate #{count}");
        return f.Context.Calls.OfType<SignCertificateRequest>().ElementAt(count - 1);
    }
}
