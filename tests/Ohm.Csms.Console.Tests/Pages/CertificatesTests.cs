using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Ohm.Csms.Certificates;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Queries;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>The certificates page over the real CSMS's services (the queries and StationCertificates the API uses).</summary>
public sealed class CertificatesTests
{
    [Fact]
    public async Task A_viewer_sees_the_issued_certificates_without_actions_and_an_administrator_revokes_one()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var now = DateTimeOffset.UtcNow;
        await using (var db = csms.Database.CreateContext())
        {
            db.Stations.Add(new StationRecord { Id = "CS1", CreatedAt = now });
            db.IssuedCertificates.Add(new IssuedCertificateRecord
            {
                StationId = "CS1", CertificateType = "ChargingStationCertificate", SerialNumber = "0A1B", Subject = "CN=CS1", Issuer = "CN=Ohm", NotBefore = now.AddDays(-1),
                NotAfter = now.AddDays(30), Fingerprint = "00", Pem = "-----BEGIN CERTIFICATE-----", IssuedAt = now.AddDays(-1), SignedResult = "Accepted",
            });
            await db.SaveChangesAsync();
        }

        await using (var viewer = NewContext(csms, "Viewer"))
        {
            var page = viewer.Render<Ohm.Csms.Console.Pages.Certificates>();
            page.WaitForAssertion(() => Assert.Equal("0A1B", page.Find("[data-testid=certificate-serial]").TextContent));
            Assert.True(page.Find("[data-testid=certificate-revoke]").HasAttribute("disabled"));
            Assert.True(page.Find("[data-testid=certificate-renew]").HasAttribute("disabled"));
        }

        await using var administrator = NewContext(csms, "Administrator");
        var admin = administrator.Render<Ohm.Csms.Console.Pages.Certificates>();
        admin.WaitForAssertion(() => Assert.Equal("no", admin.Find("[data-testid=certificate-revoked]").TextContent));
        admin.Find("[data-testid=certificate-revoke]").Click();
        admin.WaitForAssertion(() => Assert.Contains("Revoked in the console", admin.Find("[data-testid=certificate-revoked]").TextContent, StringComparison.Ordinal));
        admin.WaitForAssertion(() => Assert.Contains("of CS1 is revoked", admin.Find("[data-testid=certificates-message]").TextContent, StringComparison.Ordinal));
        var stored = await csms.GetJsonAsync("api/certificates");
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, stored.GetProperty("items")[0].GetProperty("revokedAt").ValueKind);
    }

    private static BunitContext NewContext(CsmsTestHost csms, string role)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(csms.App.Services.GetRequiredService<TimeProvider>());
        context.Services.AddSingleton(csms.App.Services.GetRequiredService<CertificateQueries>());
        context.Services.AddSingleton(csms.App.Services.GetRequiredService<StationCertificates>());
        context.AddAuthorization().SetAuthorized("someone").SetRoles(role);
        return context;
    }
}
