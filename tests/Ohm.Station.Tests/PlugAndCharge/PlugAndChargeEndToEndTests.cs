using System.Net.Http.Json;
using System.Text.Json;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.PlugAndCharge;

/// <summary>
/// Plug &amp; Charge with both of Ohm's roles and a real OCSP responder on loopback: the CSMS installs the MO root on the
/// station (M05 through its API), the EV presents its contract, the station sends Authorize with the contract chain's
/// OCSP request data (C07), the CSMS asks the responder (C07/C08 with M06's client) and answers; a good contract charges,
/// a revoked one is refused.
/// </summary>
public sealed class PlugAndChargeEndToEndTests
{
    [Fact]
    public async Task C07_a_good_contract_is_Accepted_through_OCSP_and_charges_and_a_revoked_one_is_refused()
    {
        await using var h = await StationHarness.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h);
        var api = csms.Api;
        var options = csms.StationOptions(h, "CS-PNC-E2E");
        options.Config = StationHarness.Config().WithEvseCount(2);
        var station = await h.StartStation("CS-PNC-E2E", options: options);
        var simulator = station.Simulator!;

        // The mobility operator names the responder in its contracts' AIA; the responder answers for its root and sub-CA.
        await using var responder = new TestOcspResponder(null);
        simulator.ContractOcspResponder = new Uri(responder.Url);
        var mo = simulator.MobilityOperator;
        responder.AnswerFor(mo.Root);
        responder.AnswerFor(mo.SubCa);
        (await api.PostAsJsonAsync("api/id-tokens", new { idToken = "NLOHM0000000021", type = "eMAID" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("api/id-tokens", new { idToken = "NLOHM0000000022", type = "eMAID" })).EnsureSuccessStatusCode();

        // M05 from the CSMS's API to the real station, and M03 reading it back with the station's own hash data.
        using (var install = await api.PostAsJsonAsync("api/stations/CS-PNC-E2E/certificates/installed", new { certificateType = "MORootCertificate", certificate = mo.Root.ExportCertificatePem() }))
        {
            var body = await install.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(install.IsSuccessStatusCode, body.ToString());
            Assert.Equal("Accepted", body.GetProperty("status").GetString());
        }

        var listed = await api.GetFromJsonAsync<JsonElement>("api/stations/CS-PNC-E2E/certificates/installed?certificateType=MORootCertificate");
        var root = Assert.Single(listed.GetProperty("certificates").EnumerateArray());
        Assert.Equal("Installed", root.GetProperty("source").GetString()); // the station's hash data matched the one the CSMS computed
        Assert.Equal(mo.Root.Subject, root.GetProperty("subject").GetString());

        // A good contract: Authorize with the OCSP data of leaf and sub-CA, both Good at the responder; the transaction starts.
        var good = await station.PlugAndCharge.PlugInAsync(1, simulator.IssueContract("NLOHM0000000021"));
        Assert.True(good.Authorized, good.Reason);
        Assert.Equal(AuthorizeCertificateStatusEnumType.Accepted, good.CertificateStatus);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, good.Status);
        Assert.Equal(2, responder.Requests);
        JsonElement transaction = default;
        await TestCsms.Until(() =>
        {
            var page = api.GetFromJsonAsync<JsonElement>("api/stations/CS-PNC-E2E/transactions").GetAwaiter().GetResult();
            transaction = page.GetProperty("items").EnumerateArray().FirstOrDefault(t => t.GetProperty("idToken").GetString() == "NLOHM0000000021");
            return transaction.ValueKind == JsonValueKind.Object;
        }, "the Plug & Charge transaction at the CSMS");
        Assert.Equal("eMAID", transaction.GetProperty("idTokenType").GetString());
        Assert.Equal(1, transaction.GetProperty("evseId").GetInt32());
        Assert.Equal("Active", transaction.GetProperty("state").GetString());

        // A revoked contract: the responder says so, the CSMS answers CertificateRevoked and Invalid, the station does not charge.
        var revoked = simulator.IssueContract("NLOHM0000000022");
        responder.Revoke(revoked.Leaf);
        var refused = await station.PlugAndCharge.PlugInAsync(2, revoked);
        Assert.False(refused.Authorized, refused.Reason);
        Assert.Equal(AuthorizeCertificateStatusEnumType.CertificateRevoked, refused.CertificateStatus);
        Assert.Equal(AuthorizationStatusEnumType.Invalid, refused.Status);
        Assert.True(responder.Requests >= 3);
        var after = await api.GetFromJsonAsync<JsonElement>("api/stations/CS-PNC-E2E/transactions");
        Assert.DoesNotContain(after.GetProperty("items").EnumerateArray(), t => t.GetProperty("idToken").GetString() == "NLOHM0000000022");
        Assert.Null(station.Evses[2].AuthorizedToken);
        await csms.StopAsync();
    }
}
