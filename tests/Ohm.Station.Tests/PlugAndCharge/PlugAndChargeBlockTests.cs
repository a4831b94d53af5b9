using System.Security.Cryptography;
using System.Text;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Station.Blocks;
using Ohm.Station.Hardware;
using Ohm.Station.Simulation;
using Ohm.Station.Tests.Support;
using PlugAndChargeBlock = Ohm.Station.Blocks.PlugAndCharge;

namespace Ohm.Station.Tests.PlugAndCharge;

/// <summary>The Plug &amp; Charge block on a fake context (C07, M01/M02, M06): real certificates of a simulated MO, the CSMS's answers scripted.</summary>
public sealed class PlugAndChargeBlockTests
{
    private const string Emaid = "NLOHM0000000001";
    private static readonly Uri Ocsp = new("http://127.0.0.1:9/ocsp");

    [Fact]
    public async Task C07_FR_01_FR_02_online_the_eMAID_is_authorized_with_the_OCSP_data_of_its_contract_chain_and_charges_when_both_are_Accepted()
    {
        using var bed = new Bed();
        bed.InstallMoRoot();
        bed.Context.Answer = r => r is AuthorizeRequest ? Accepted(AuthorizeCertificateStatusEnumType.Accepted) : throw new InvalidOperationException(r.GetType().Name);
        var contract = bed.Mo.IssueContract(Emaid);

        var status = await bed.Pnc.PlugInAsync(1, contract);

        Assert.True(status.Authorized, status.Reason);
        Assert.Equal(ContractCheck.HashData, status.Check);
        var request = Assert.Single(bed.Context.Calls.OfType<AuthorizeRequest>());
        Assert.Equal(Emaid, request.IdToken.IdToken);
        Assert.Equal(IdTokenEnumType.EMAID, request.IdToken.Type);
        Assert.Null(request.Certificate);

        // The leaf (issued by the sub-CA the EV sent) and the sub-CA (issued by the installed MO root), as RFC 6960 CertIDs.
        Assert.Equal(2, request.Iso15118CertificateHashData!.Count);
        var leaf = request.Iso15118CertificateHashData[0];
        Assert.Equal(HashAlgorithmEnumType.SHA256, leaf.HashAlgorithm);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bed.Mo.SubCa.SubjectName.RawData)), leaf.IssuerNameHash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bed.Mo.SubCa.PublicKey.EncodedKeyValue.RawData)), leaf.IssuerKeyHash);
        Assert.Equal(contract.Leaf.SerialNumber.TrimStart('0').ToLowerInvariant(), leaf.SerialNumber);
        Assert.Equal(Ocsp.AbsoluteUri, leaf.ResponderURL);
        var sub = request.Iso15118CertificateHashData[1];
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bed.Mo.Root.PublicKey.EncodedKeyValue.RawData)), sub.IssuerKeyHash);

        // Authorized and plugged: the transaction runs with the eMAID as its idToken.
        Assert.Equal(Emaid, bed.Context.Evses[1].AuthorizedToken?.IdToken);
        Assert.NotNull(bed.Context.Evses[1].Transaction);
        var started = bed.Context.Queued.OfType<TransactionEventRequest>().Last();
        Assert.Equal(IdTokenEnumType.EMAID, started.IdToken?.Type);
    }

    [Fact]
    public async Task C07_a_revoked_contract_certificate_does_not_charge_although_the_eMAID_is_Accepted_and_is_not_cached_as_Accepted()
    {
        using var bed = new Bed();
        bed.InstallMoRoot();
        bed.Context.Answer = _ => Accepted(AuthorizeCertificateStatusEnumType.CertificateRevoked);

        var status = await bed.Pnc.PlugInAsync(1, bed.Mo.IssueContract(Emaid));

        Assert.False(status.Authorized);
        Assert.Equal(AuthorizeCertificateStatusEnumType.CertificateRevoked, status.CertificateStatus);
        Assert.Contains("CertificateRevoked", status.Reason, StringComparison.Ordinal);
        Assert.Null(bed.Context.Evses[1].AuthorizedToken);
        Assert.Null(bed.Context.Evses[1].Transaction);
        Assert.Contains(bed.Context.Reports, r => r.Contains("not charging", StringComparison.Ordinal) && r.Contains(Emaid, StringComparison.Ordinal));

        // Offline the same eMAID is not let in from the cache (the CSMS never accepted the contract).
        await bed.Transactions.UnplugAsync(1);
        bed.Context.IsOnline = false;
        var offline = await bed.Pnc.PlugInAsync(1, bed.Mo.IssueContract(Emaid));
        Assert.False(offline.Authorized, offline.Reason);
    }

    [Fact]
    public async Task C07_FR_06_without_an_MO_root_the_chain_goes_to_the_CSMS_only_when_CentralContractValidationAllowed()
    {
        using var bed = new Bed();
        bed.Context.Answer = _ => Accepted(AuthorizeCertificateStatusEnumType.Accepted);

        var refused = await bed.Pnc.PlugInAsync(1, bed.Mo.IssueContract(Emaid));
        Assert.False(refused.Authorized);
        Assert.Equal(AuthorizationStatusEnumType.Invalid, refused.Status);
        Assert.Contains("CentralContractValidationAllowed", refused.Reason, StringComparison.Ordinal);
        Assert.Empty(bed.Context.Calls.OfType<AuthorizeRequest>());

        await bed.Transactions.UnplugAsync(1);
        bed.Context.Model.Set("ISO15118Ctrlr", "CentralContractValidationAllowed", "true");
        var contract = bed.Mo.IssueContract(Emaid);
        var central = await bed.Pnc.PlugInAsync(1, contract);

        Assert.True(central.Authorized, central.Reason);
        Assert.Equal(ContractCheck.Certificate, central.Check);
        var request = Assert.Single(bed.Context.Calls.OfType<AuthorizeRequest>());
        Assert.Null(request.Iso15118CertificateHashData);
        Assert.StartsWith(contract.Leaf.ExportCertificatePem(), request.Certificate, StringComparison.Ordinal);
        Assert.Contains(bed.Mo.SubCa.ExportCertificatePem(), request.Certificate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C07_FR_07_offline_without_ContractValidationOffline_a_Plug_and_Charge_EV_does_not_charge()
    {
        using var bed = new Bed();
        bed.InstallMoRoot();
        bed.Context.Model.Set("ISO15118Ctrlr", "ContractValidationOffline", "false");
        bed.Context.Model.Set("AuthCtrlr", "OfflineTxForUnknownIdEnabled", "true");
        bed.Context.IsOnline = false;

        var status = await bed.Pnc.PlugInAsync(1, bed.Mo.IssueContract(Emaid));

        Assert.False(status.Authorized);
        Assert.Equal(AuthorizationStatusEnumType.NotAtThisTime, status.Status);
        Assert.Null(bed.Context.Evses[1].Transaction);
        Assert.Empty(bed.Context.Calls);
    }

    [Fact]
    public async Task C07_FR_08_FR_09_offline_a_contract_valid_against_the_MO_root_is_looked_up_in_the_cache_and_an_expired_one_is_refused()
    {
        using var bed = new Bed();
        bed.InstallMoRoot();
        bed.Context.Answer = _ => Accepted(AuthorizeCertificateStatusEnumType.Accepted);
        var contract = bed.Mo.IssueContract(Emaid);
        Assert.True((await bed.Pnc.PlugInAsync(1, contract)).Authorized);
        await bed.Transactions.UnplugAsync(1);

        // Offline: the chain verifies against the MO root, and the eMAID is in the cache as Accepted (LocalAuthorizeOffline).
        bed.Context.IsOnline = false;
        var offline = await bed.Pnc.PlugInAsync(1, contract);
        Assert.True(offline.Authorized, offline.Reason);
        Assert.Equal(ContractCheck.Local, offline.Check);
        Assert.Single(bed.Context.Calls.OfType<AuthorizeRequest>());
        await bed.Transactions.UnplugAsync(1);

        // An expired contract does not verify.
        var expired = new EvContract(Emaid, bed.Mo.IssueLeaf(Emaid, TimeSpan.FromDays(1)));
        bed.Context.Clock.Advance(TimeSpan.FromDays(2));
        var refused = await bed.Pnc.PlugInAsync(1, expired);
        Assert.False(refused.Authorized);
        Assert.Equal(AuthorizeCertificateStatusEnumType.CertificateExpired, refused.CertificateStatus);

        // A contract of another MO, whose root the station does not have, is unknown.
        await bed.Transactions.UnplugAsync(1);
        using var other = SimulatedCertificateAuthority.Create("Other MO", Ocsp, bed.Context.Clock);
        var foreign = await bed.Pnc.PlugInAsync(1, other.IssueContract(Emaid));
        Assert.False(foreign.Authorized);
        Assert.Equal(AuthorizeCertificateStatusEnumType.NoCertificateAvailable, foreign.CertificateStatus);
    }

    [Fact]
    public async Task C07_with_PnCEnabled_false_the_contract_is_not_used_and_the_driver_identifies_otherwise()
    {
        using var bed = new Bed();
        bed.InstallMoRoot();
        bed.Context.Model.Set("ISO15118Ctrlr", "PnCEnabled", "false");
        bed.Context.Answer = _ => Accepted(AuthorizeCertificateStatusEnumType.Accepted);

        var status = await bed.Pnc.PlugInAsync(1, bed.Mo.IssueContract(Emaid));

        Assert.False(status.Authorized);
        Assert.Contains("PnCEnabled", status.Reason, StringComparison.Ordinal);
        Assert.Empty(bed.Context.Calls);
        Assert.True(bed.Context.Evses[1].Plugged);
    }

    [Fact]
    public async Task C07_an_SECC_reporting_the_contract_through_the_seam_has_it_authorized_in_the_background()
    {
        using var bed = new Bed();
        bed.InstallMoRoot();
        bed.Context.Answer = _ => Accepted(AuthorizeCertificateStatusEnumType.Accepted);
        bed.Context.Simulator!.SetContract(2, bed.Mo.IssueContract(Emaid));
        await bed.Transactions.PlugInAsync(2);

        bed.Context.Simulator.PresentContract(2);
        await bed.Context.Background.WhenIdleAsync();

        Assert.True(bed.Pnc.Status(2)?.Authorized);
        Assert.Equal(Emaid, bed.Context.Evses[2].AuthorizedToken?.IdToken);

        // Unplugged, the EV takes its contract along.
        await bed.Transactions.UnplugAsync(2);
        Assert.Null(bed.Pnc.Status(2));
        Assert.Null(bed.Context.Hardware.ContractCertificates!.Contract(2));
    }

    [Fact]
    public async Task M01_M02_the_EVs_certificate_installation_and_update_go_to_the_CSMS_and_the_exiResponse_back_to_the_EV()
    {
        using var bed = new Bed();
        var exi = Convert.ToBase64String(Encoding.UTF8.GetBytes("a CertificateInstallationRes"));
        bed.Context.Answer = r => r is Get15118EVCertificateRequest
            ? new Get15118EVCertificateResponse { Status = Iso15118EVCertificateStatusEnumType.Accepted, ExiResponse = exi }
            : throw new InvalidOperationException(r.GetType().Name);
        await bed.Pnc.PlugInAsync(1, bed.Mo.IssueContract(Emaid));

        var installed = await bed.Pnc.RequestEvCertificateAsync(1, CertificateActionEnumType.Install);
        var updated = await bed.Pnc.RequestEvCertificateAsync(1, CertificateActionEnumType.Update);

        Assert.Equal(Iso15118EVCertificateStatusEnumType.Accepted, installed.Status);
        Assert.Equal(exi, installed.ExiResponse);
        var requests = bed.Context.Calls.OfType<Get15118EVCertificateRequest>().ToList();
        Assert.Equal([CertificateActionEnumType.Install, CertificateActionEnumType.Update], requests.Select(r => r.Action));
        Assert.All(requests, r => Assert.Equal(SimulatedHardware.Iso15118Schema, r.Iso15118SchemaVersion));
        Assert.StartsWith("OHM-SIMULATED-EXI CertificateInstallationReq " + Emaid, Encoding.UTF8.GetString(Convert.FromBase64String(requests[0].ExiRequest)), StringComparison.Ordinal);
        Assert.StartsWith("OHM-SIMULATED-EXI CertificateUpdateReq " + Emaid, Encoding.UTF8.GetString(Convert.FromBase64String(requests[1].ExiRequest)), StringComparison.Ordinal);
        Assert.Equal([exi, exi], bed.Context.Simulator!.CertificateAnswers(1).Select(a => a.ExiResponse));
        Assert.Equal(CertificateActionEnumType.Update, bed.Pnc.CertificateRequest(1)?.Action);

        // Installation disabled: the EV is answered Failed, the CSMS not asked.
        bed.Context.Model.Set("ISO15118Ctrlr", "ContractCertificateInstallationEnabled", "false");
        var disabled = await bed.Pnc.RequestEvCertificateAsync(1, CertificateActionEnumType.Install);
        Assert.Equal(Iso15118EVCertificateStatusEnumType.Failed, disabled.Status);
        Assert.Equal(2, bed.Context.Calls.OfType<Get15118EVCertificateRequest>().Count());
        Assert.Equal(Iso15118EVCertificateStatusEnumType.Failed, bed.Context.Simulator.CertificateAnswers(1)[^1].Status);
    }

    [Fact]
    public async Task M06_the_station_asks_for_the_OCSP_status_of_its_V2G_certificate_daily_and_keeps_the_ocspResult()
    {
        using var bed = new Bed();
        using var cpo = SimulatedCertificateAuthority.Create("Ohm CPO", Ocsp, bed.Context.Clock);
        var chain = cpo.IssueLeaf("CS-PNC-SECC");
        bed.Certificates.Set(GetCertificateIdUseEnumType.V2GCertificateChain, chain);
        var ocspResult = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        bed.Context.Answer = r => r is GetCertificateStatusRequest
            ? new GetCertificateStatusResponse { Status = GetCertificateStatusEnumType.Accepted, OcspResult = ocspResult }
            : throw new InvalidOperationException(r.GetType().Name);
        bed.Context.IsOnline = true;

        bed.Pnc.Tick(bed.Context.Clock.GetUtcNow());
        await bed.Context.Background.WhenIdleAsync();

        // The leaf, issued by the chain's sub-CA; the sub-CA's issuer (the V2G root) is not installed, so it is not asked about.
        var asked = Assert.Single(bed.Context.Calls.OfType<GetCertificateStatusRequest>());
        Assert.Equal(OcspRequestData.Serial(chain[0]), asked.OcspRequestData.SerialNumber);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(cpo.SubCa.PublicKey.EncodedKeyValue.RawData)), asked.OcspRequestData.IssuerKeyHash);
        Assert.Equal(Ocsp.AbsoluteUri, asked.OcspRequestData.ResponderURL);
        var kept = Assert.Single(bed.Pnc.V2GOcspStatus);
        Assert.Equal(GetCertificateStatusEnumType.Accepted, kept.Status);
        Assert.Equal(ocspResult, kept.OcspResult);

        // Not again within the day; again after it.
        bed.Context.Clock.Advance(TimeSpan.FromHours(23));
        bed.Pnc.Tick(bed.Context.Clock.GetUtcNow());
        await bed.Context.Background.WhenIdleAsync();
        Assert.Single(bed.Context.Calls.OfType<GetCertificateStatusRequest>());
        bed.Context.Clock.Advance(TimeSpan.FromHours(1));
        bed.Pnc.Tick(bed.Context.Clock.GetUtcNow());
        await bed.Context.Background.WhenIdleAsync();
        Assert.Equal(2, bed.Context.Calls.OfType<GetCertificateStatusRequest>().Count());

        // On demand, with the V2G root installed: the sub-CA is asked about as well.
        bed.Certificates.Set(GetCertificateIdUseEnumType.V2GRootCertificate, cpo.Root);
        var all = await bed.Pnc.CheckV2GCertificateStatusAsync();
        Assert.Equal([OcspRequestData.Serial(chain[0]), OcspRequestData.Serial(cpo.SubCa)], all.Select(s => s.SerialNumber));
    }

    [Fact]
    public async Task M06_a_failed_check_is_kept_as_Failed_and_tried_again_within_the_hour()
    {
        using var bed = new Bed();
        using var cpo = SimulatedCertificateAuthority.Create("Ohm CPO", Ocsp, bed.Context.Clock);
        bed.Certificates.Set(GetCertificateIdUseEnumType.V2GCertificateChain, cpo.IssueLeaf("CS-PNC-SECC"));
        bed.Context.Answer = _ => new GetCertificateStatusResponse { Status = GetCertificateStatusEnumType.Failed, StatusInfo = new StatusInfoType { ReasonCode = "OcspUnreachable" } };
        bed.Context.IsOnline = true;

        bed.Pnc.Tick(bed.Context.Clock.GetUtcNow());
        await bed.Context.Background.WhenIdleAsync();
        var kept = Assert.Single(bed.Pnc.V2GOcspStatus);
        Assert.Equal(GetCertificateStatusEnumType.Failed, kept.Status);
        Assert.Equal("OcspUnreachable", kept.Reason);

        bed.Context.Clock.Advance(PlugAndChargeBlock.OcspRetryInterval);
        bed.Pnc.Tick(bed.Context.Clock.GetUtcNow());
        await bed.Context.Background.WhenIdleAsync();
        Assert.Equal(2, bed.Context.Calls.OfType<GetCertificateStatusRequest>().Count());
    }

    private static AuthorizeResponse Accepted(AuthorizeCertificateStatusEnumType certificate) => new()
    {
        IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted },
        CertificateStatus = certificate,
    };

    /// <summary>A fake station with the Plug &amp; Charge block, online, and a simulated MO whose contracts name <see cref="Ocsp"/>.</summary>
    private sealed class Bed : IDisposable
    {
        public Bed()
        {
            Context = new FakeStationContext { IsOnline = true };
            var (transactions, authorization, _, _) = Context.Blocks();
            Transactions = transactions;
            Pnc = new PlugAndChargeBlock(Context, authorization, transactions, Certificates);
            Mo = SimulatedCertificateAuthority.Create("Ohm MO", Ocsp, Context.Clock);
        }

        public FakeStationContext Context { get; }

        public Ohm.Station.Blocks.Transactions Transactions { get; }

        public PlugAndChargeCertificates Certificates { get; } = new();

        public PlugAndChargeBlock Pnc { get; }

        public SimulatedCertificateAuthority Mo { get; }

        public void InstallMoRoot() => Certificates.Set(GetCertificateIdUseEnumType.MORootCertificate, Mo.Root);

        public void Dispose()
        {
            Mo.Dispose();
            Context.Dispose();
        }
    }
}
