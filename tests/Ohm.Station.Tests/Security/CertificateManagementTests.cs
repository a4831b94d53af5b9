using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Transport;
using Ohm.Station.Blocks;
using Ohm.Station.Certificates;

namespace Ohm.Station.Tests.Security;

/// <summary>M03-M05 and the TLS settings of block A on the station, with the wire faked.</summary>
public sealed class CertificateManagementTests
{
    [Fact]
    public async Task M05_InstallCertificate_takes_a_CA_certificate_and_rejects_a_leaf_garbage_an_expired_root_and_one_past_CertificateEntries()
    {
        using var f = new SecurityFixture();
        using var v2g = TestPki.Root("V2G root");
        using var leaf = TestPki.Client(v2g, "not-a-ca");
        using var expired = TestPki.Root("Old root", TestPki.From, new DateTimeOffset(2024, 12, 1, 0, 0, 0, TimeSpan.Zero));
        async Task<InstallCertificateResponse> Install(InstallCertificateUseEnumType type, string pem) =>
            await f.Certificates.InstallCertificate(new InstallCertificateRequest { CertificateType = type, Certificate = pem }, null, CancellationToken.None);

        Assert.Equal(InstallCertificateStatusEnumType.Accepted, (await Install(InstallCertificateUseEnumType.V2GRootCertificate, TestPki.Pem(v2g))).Status);
        Assert.Equal(InstallCertificateStatusEnumType.Accepted, (await Install(InstallCertificateUseEnumType.V2GRootCertificate, TestPki.Pem(v2g))).Status); // again: no second copy
        Assert.Single(f.Security.Certificates.Roots(CertificateUse.V2GRootCertificate));
        Assert.Equal("1", f.Context.Model.Value("SecurityCtrlr", "CertificateEntries"));

        var notCa = await Install(InstallCertificateUseEnumType.MORootCertificate, TestPki.Pem(leaf));
        Assert.Equal(InstallCertificateStatusEnumType.Rejected, notCa.Status);
        Assert.Equal("NotCACertificate", notCa.StatusInfo?.ReasonCode);
        Assert.Equal(InstallCertificateStatusEnumType.Rejected, (await Install(InstallCertificateUseEnumType.CSMSRootCertificate, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")).Status);
        Assert.Equal(InstallCertificateStatusEnumType.Rejected, (await Install(InstallCertificateUseEnumType.CSMSRootCertificate, TestPki.Pem(expired))).Status);
        Assert.Empty(f.Security.Certificates.Roots(CertificateUse.MORootCertificate));

        // SecurityCtrlr.CertificateEntries (maxLimit 24) bounds how many the station holds.
        for (var i = 1; i < 24; i++)
        {
            using var root = TestPki.Root("MO root " + i);
            Assert.Equal(InstallCertificateStatusEnumType.Accepted, (await Install(InstallCertificateUseEnumType.MORootCertificate, TestPki.Pem(root))).Status);
        }

        using var one = TestPki.Root("One too many");
        var full = await Install(InstallCertificateUseEnumType.ManufacturerRootCertificate, TestPki.Pem(one));
        Assert.Equal(InstallCertificateStatusEnumType.Rejected, full.Status);
        Assert.Equal("LimitReached", full.StatusInfo?.ReasonCode);
        Assert.Equal("24", f.Context.Model.Value("SecurityCtrlr", "CertificateEntries"));
    }

    [Fact]
    public async Task M03_GetInstalledCertificateIds_answers_hash_data_per_use_with_the_sub_CAs_of_the_V2G_chain_and_NotFound_when_none()
    {
        using var f = new SecurityFixture();
        var none = await f.Certificates.GetInstalledCertificateIds(new GetInstalledCertificateIdsRequest(), null, CancellationToken.None);
        Assert.Equal(GetInstalledCertificateStatusEnumType.NotFound, none.Status);

        using var csms = TestPki.Root("CSMS root");
        using var v2g = TestPki.Root("V2G root");
        using var sub1 = TestPki.SubCa(v2g, "CPO sub-CA 1");
        using var sub2 = TestPki.SubCa(sub1, "CPO sub-CA 2");
        using var secc = TestPki.Client(sub2, "SECC");
        using var seccPublic = X509CertificateLoader.LoadCertificate(secc.RawData);
        f.Security.Certificates.Install(CertificateUse.CSMSRootCertificate, csms);
        f.Security.Certificates.Install(CertificateUse.V2GRootCertificate, v2g);
        f.Security.Certificates.Install(CertificateUse.V2GCertificateChain, seccPublic, [sub2, sub1]);

        var all = await f.Certificates.GetInstalledCertificateIds(new GetInstalledCertificateIdsRequest(), null, CancellationToken.None);
        Assert.Equal(GetInstalledCertificateStatusEnumType.Accepted, all.Status);
        Assert.Equal(3, all.CertificateHashDataChain!.Count);

        // A root's hash data: SHA-256 of its own name and key, its serial in hex without leading zeroes.
        var root = Assert.Single(all.CertificateHashDataChain, c => c.CertificateType == GetCertificateIdUseEnumType.CSMSRootCertificate).CertificateHashData;
        Assert.Equal(HashAlgorithmEnumType.SHA256, root.HashAlgorithm);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(csms.SubjectName.RawData)), root.IssuerNameHash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(csms.PublicKey.EncodedKeyValue.RawData)), root.IssuerKeyHash);
        Assert.Equal(csms.SerialNumber.TrimStart('0').ToLowerInvariant(), root.SerialNumber);

        // The V2G chain: the leaf issued by sub-CA 2, with the sub-CAs as children.
        var chain = Assert.Single(all.CertificateHashDataChain, c => c.CertificateType == GetCertificateIdUseEnumType.V2GCertificateChain);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(sub2.SubjectName.RawData)), chain.CertificateHashData.IssuerNameHash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(sub2.PublicKey.EncodedKeyValue.RawData)), chain.CertificateHashData.IssuerKeyHash);
        Assert.Equal(2, chain.ChildCertificateHashData!.Count);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(sub1.PublicKey.EncodedKeyValue.RawData)), chain.ChildCertificateHashData[0].IssuerKeyHash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(v2g.PublicKey.EncodedKeyValue.RawData)), chain.ChildCertificateHashData[1].IssuerKeyHash);

        // Filtered by type.
        var filtered = await f.Certificates.GetInstalledCertificateIds(new GetInstalledCertificateIdsRequest { CertificateType = [GetCertificateIdUseEnumType.V2GRootCertificate, GetCertificateIdUseEnumType.MORootCertificate] }, null, CancellationToken.None);
        Assert.Equal(GetCertificateIdUseEnumType.V2GRootCertificate, Assert.Single(filtered.CertificateHashDataChain!).CertificateType);
        var missing = await f.Certificates.GetInstalledCertificateIds(new GetInstalledCertificateIdsRequest { CertificateType = [GetCertificateIdUseEnumType.ManufacturerRootCertificate] }, null, CancellationToken.None);
        Assert.Equal(GetInstalledCertificateStatusEnumType.NotFound, missing.Status);
    }

    [Fact]
    public async Task M04_DeleteCertificate_removes_by_hash_data_NotFound_when_unknown_and_Failed_for_the_station_certificate_and_the_CSMS_root_in_use()
    {
        using var f = new SecurityFixture();
        using var csms = TestPki.Root("CSMS root");
        using var mo = TestPki.Root("MO root");
        using var client = TestPki.Client(csms, "CS-SEC");
        using var clientPublic = X509CertificateLoader.LoadCertificate(client.RawData);
        f.Security.Certificates.Install(CertificateUse.CSMSRootCertificate, csms);
        f.Security.Certificates.Install(CertificateUse.MORootCertificate, mo);
        var own = f.Security.Certificates.Install(CertificateUse.ChargingStationCertificate, clientPublic);
        async Task<DeleteCertificateStatusEnumType> Delete(CertificateHashDataType hash) =>
            (await f.Certificates.DeleteCertificate(new DeleteCertificateRequest { CertificateHashData = hash }, null, CancellationToken.None)).Status;

        // The CSMS's hash data, in upper case and with SHA-384, still names the MO root.
        var moHash = CertificateHashes.Of(mo, mo, HashAlgorithmEnumType.SHA384);
        moHash.IssuerKeyHash = moHash.IssuerKeyHash.ToUpperInvariant();
        Assert.Equal(DeleteCertificateStatusEnumType.Accepted, await Delete(moHash));
        Assert.Empty(f.Security.Certificates.Roots(CertificateUse.MORootCertificate));
        Assert.Equal(DeleteCertificateStatusEnumType.NotFound, await Delete(moHash));

        // M04.FR.06: the station's own certificate stays.
        Assert.Equal(DeleteCertificateStatusEnumType.Failed, await Delete(CertificateHashes.Of(clientPublic, csms)));
        Assert.Single(f.Security.Certificates.List(CertificateUse.ChargingStationCertificate), c => c.Id == own.Id);

        // The CSMS root the connection stands on stays (once a TLS handshake validated the CSMS against it) ...
        var options = new OcppClientOptions { Endpoint = f.Options.Endpoint, StationId = "CS-SEC" };
        f.Security.ApplyTls(options, new ConnectionTarget(f.Options.Endpoint, 2, "pw", 0));
        using var server = TestPki.Server(csms);
        Assert.True(options.ServerCertificateValidation!(this, server, null, SslPolicyErrors.None));
        Assert.Equal(DeleteCertificateStatusEnumType.Failed, await Delete(CertificateHashes.Of(csms, csms)));

        // ... unless another installed root also carries the CSMS's certificate.
        using var copy = X509CertificateLoader.LoadCertificate(csms.RawData);
        using var other = TestPki.Root("Second CSMS root");
        f.Security.Certificates.Install(CertificateUse.CSMSRootCertificate, other);
        Assert.Equal(DeleteCertificateStatusEnumType.Failed, await Delete(CertificateHashes.Of(csms, csms)));
        Assert.Equal(DeleteCertificateStatusEnumType.Accepted, await Delete(CertificateHashes.Of(other, other)));
    }

    [Fact]
    public void A00_TLS_trusts_installed_CSMS_roots_else_the_bootstrap_root_refuses_without_either_and_raises_InvalidCsmsCertificate()
    {
        using var root = TestPki.Root("CSMS root");
        using var stranger = TestPki.Root("Stranger");
        using var server = TestPki.Server(root);
        using var forged = TestPki.Server(stranger);
        var rootFile = Path.Combine(Path.GetTempPath(), "ohm-station-tests", Guid.NewGuid().ToString("N") + ".pem");
        Directory.CreateDirectory(Path.GetDirectoryName(rootFile)!);
        File.WriteAllText(rootFile, TestPki.Pem(root));
        try
        {
            // ws://: no TLS settings at all.
            using (var plain = new SecurityFixture())
            {
                var ws = new OcppClientOptions { Endpoint = new Uri("ws://127.0.0.1:1/ocpp"), StationId = "CS-SEC" };
                plain.Security.ApplyTls(ws, new ConnectionTarget(ws.Endpoint, 1, "pw", 0));
                Assert.Null(ws.ServerCertificateValidation);

                // wss:// with no root: every CSMS certificate refused, and said so.
                var wss = new OcppClientOptions { Endpoint = plain.Options.Endpoint, StationId = "CS-SEC" };
                plain.Security.ApplyTls(wss, new ConnectionTarget(wss.Endpoint, 2, "pw", 0));
                Assert.False(wss.ServerCertificateValidation!(this, server, null, SslPolicyErrors.None));
                Assert.Contains(plain.Context.Reports, r => r.Contains("no CSMSRootCertificate", StringComparison.Ordinal));
            }

            // The bootstrap root: the CSMS's certificate passes, another's is refused with InvalidCsmsCertificate.
            using var f = new SecurityFixture(o => o.CsmsRootFile = rootFile);
            var options = new OcppClientOptions { Endpoint = f.Options.Endpoint, StationId = "CS-SEC" };
            f.Security.ApplyTls(options, new ConnectionTarget(options.Endpoint, 2, "pw", 0));
            Assert.True(options.ServerCertificateValidation!(this, server, null, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(options.ServerCertificateValidation!(this, forged, null, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(options.ServerCertificateValidation!(this, server, null, SslPolicyErrors.RemoteCertificateNameMismatch));
            Assert.Equal(["InvalidCsmsCertificate", "InvalidCsmsCertificate"], f.EventTypes);
            Assert.Null(options.ClientCertificate);

            // An installed CSMS root replaces the bootstrap one.
            f.Security.Certificates.Install(CertificateUse.CSMSRootCertificate, stranger);
            var next = new OcppClientOptions { Endpoint = f.Options.Endpoint, StationId = "CS-SEC" };
            f.Security.ApplyTls(next, new ConnectionTarget(next.Endpoint, 2, "pw", 0));
            Assert.True(next.ServerCertificateValidation!(this, forged, null, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(next.ServerCertificateValidation!(this, server, null, SslPolicyErrors.RemoteCertificateChainErrors));
        }
        finally
        {
            File.Delete(rootFile);
        }
    }

    [Fact]
    public void A00_the_bootstrap_client_certificate_is_installed_on_the_first_start_and_presented_for_security_profile_3()
    {
        using var root = TestPki.Root("CSO root");
        using var client = TestPki.Client(root, "CS-SEC");
        var pfx = Path.Combine(Path.GetTempPath(), "ohm-station-tests", Guid.NewGuid().ToString("N") + ".pfx");
        var rootFile = Path.ChangeExtension(pfx, ".pem");
        Directory.CreateDirectory(Path.GetDirectoryName(pfx)!);
        File.WriteAllBytes(pfx, client.Export(X509ContentType.Pkcs12, "secret"));
        File.WriteAllText(rootFile, TestPki.Pem(root));
        try
        {
            using var f = new SecurityFixture(o =>
            {
                o.CsmsRootFile = rootFile;
                o.ClientCertificateFile = pfx;
                o.ClientCertificatePassword = "secret";
            });
            var installed = Assert.Single(f.Security.Certificates.List(CertificateUse.ChargingStationCertificate));
            Assert.Equal(client.Thumbprint, installed.Certificate.Thumbprint);
            f.Security.Load(); // a restart installs nothing twice
            Assert.Single(f.Security.Certificates.List(CertificateUse.ChargingStationCertificate));

            var options = new OcppClientOptions { Endpoint = f.Options.Endpoint, StationId = "CS-SEC" };
            f.Security.ApplyTls(options, new ConnectionTarget(options.Endpoint, 3, null, 0));
            Assert.Equal(client.Thumbprint, options.ClientCertificate?.Thumbprint);
            Assert.True(options.ClientCertificate!.HasPrivateKey);

            // A wrong password is named with the file.
            var error = Assert.Throws<InvalidDataException>(() => CertificateFiles.LoadPfx(pfx, "nope"));
            Assert.Contains(pfx, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(pfx);
            File.Delete(rootFile);
        }
    }
}
