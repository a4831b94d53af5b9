using Ohm.Ocpp.Messages;
using Ohm.Station.Blocks;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.PlugAndCharge;

/// <summary>C07 over loopback WebSockets: a real station's Authorize with the contract's OCSP data reaches a CSMS that checks every frame against the official schema.</summary>
public sealed class PlugAndChargeStationTests
{
    [Fact]
    public async Task C07_a_Plug_and_Charge_EV_is_authorized_by_its_contract_certificate_and_charges()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.Authorize = r => new AuthorizeResponse
        {
            IdTokenInfo = new IdTokenInfoType { Status = r.IdToken.Type == IdTokenEnumType.EMAID && r.Iso15118CertificateHashData is { Count: 2 } ? AuthorizationStatusEnumType.Accepted : AuthorizationStatusEnumType.Invalid },
            CertificateStatus = r.Iso15118CertificateHashData?.Any(d => d.SerialNumber == "dead") == true ? AuthorizeCertificateStatusEnumType.CertificateRevoked : AuthorizeCertificateStatusEnumType.Accepted,
        };
        var station = await h.StartStation("CS-PNC-1");
        var simulator = station.Simulator!;
        simulator.ContractOcspResponder = new Uri("http://127.0.0.1:9/ocsp"); // named in the AIA of the MO's contracts; the CSMS here does not call it
        station.Security.Certificates.Install(Ohm.Station.Certificates.CertificateUse.MORootCertificate, simulator.MobilityOperator.Root); // M05 put it there

        var status = await station.PlugAndCharge.PlugInAsync(1, simulator.IssueContract("NLOHM0000000001"));

        Assert.True(status.Authorized, status.Reason);
        var sent = await h.Csms.WaitFor<AuthorizeRequest>(r => r.IdToken.Type == IdTokenEnumType.EMAID);
        Assert.Equal("NLOHM0000000001", sent.IdToken.IdToken);
        Assert.Equal(2, sent.Iso15118CertificateHashData!.Count);
        var started = await h.Csms.WaitFor<TransactionEventRequest>(e => e.IdToken?.Type == IdTokenEnumType.EMAID);
        Assert.Equal("NLOHM0000000001", started.IdToken!.IdToken);
        Assert.Equal(1, started.Evse?.Id);
    }
}
