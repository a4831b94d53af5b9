using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Queries;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>The security-event log page over the real CSMS's <see cref="SecurityEventQueries"/>.</summary>
public sealed class SecurityEventsTests
{
    [Fact]
    public async Task The_security_event_log_flags_critical_events_and_filters_to_critical_ones()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var now = DateTimeOffset.UtcNow;
        await using (var db = csms.Database.CreateContext())
        {
            db.SecurityEvents.AddRange(
                new SecurityEventRecord { Timestamp = now.AddMinutes(-2), LastAt = now.AddMinutes(-2), ReceivedAt = now, Source = "Station", Type = "FirmwareUpdated", Critical = true, StationId = "CS1" },
                new SecurityEventRecord { Timestamp = now.AddMinutes(-1), LastAt = now.AddMinutes(-1), ReceivedAt = now, Source = "Csms", Type = "InvalidChargingStationCertificate", Critical = false, RemoteAddress = "10.0.0.9" });
            await db.SaveChangesAsync();
        }

        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(csms.App.Services.GetRequiredService<SecurityEventQueries>());
        context.AddAuthorization().SetAuthorized("viewer");
        var page = context.Render<SecurityEvents>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=security-event-type]").Count));
        Assert.Single(page.FindAll("[data-testid=security-critical-flag]"));

        page.FindComponent<MudBlazor.MudCheckBox<bool>>().Find("input").Change(true);
        page.WaitForAssertion(() => Assert.Contains("FirmwareUpdated", Assert.Single(page.FindAll("[data-testid=security-event-type]")).TextContent, StringComparison.Ordinal));
    }
}
