using Ohm.Ocpp.Messages;
using Ohm.Station.Blocks;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Security;

/// <summary>A01 on the station: SetVariables SecurityCtrlr.BasicAuthPassword, checked, write-only, kept, and used from the next connection.</summary>
public sealed class BasicAuthPasswordTests
{
    private static SetVariablesRequest SetPassword(string value) => new()
    {
        SetVariableData = [new SetVariableDataType { Component = new ComponentType { Name = "SecurityCtrlr" }, Variable = new VariableType { Name = "BasicAuthPassword" }, AttributeValue = value }],
    };

    [Theory]
    [InlineData("short-password1", false)]                              // 15 characters
    [InlineData("sixteen-chars-ok", true)]                              // 16
    [InlineData("abcdefghijABCDEFGHIJ0123456789*-_=:+|@.x", true)]      // 40, every special character
    [InlineData("abcdefghijABCDEFGHIJ0123456789*-_=:+|@.xy", false)]    // 41
    [InlineData("has a space in it 123", false)]
    [InlineData("no#hash#allowed#12345", false)]
    [InlineData("ümlaut-is-not-ascii-1", false)]
    public void A01_BasicAuthPassword_is_16_to_40_characters_of_the_passwordString_set(string password, bool valid)
    {
        Assert.Equal(valid, BasicAuthPassword.Check(password) is null);
    }

    [Fact]
    public async Task A01_A_new_password_is_Accepted_write_only_and_used_from_the_next_connection_while_the_current_one_stays()
    {
        await using var h = await StationHarness.StartAsync();
        var options = h.Options("CS-A01");
        options.Password = "initial-password-0001";
        var station = await h.StartStation("CS-A01", options: options);

        var set = await h.Csms.Call("CS-A01", SetPassword("rotated-password-0002"));
        Assert.Equal(SetVariableStatusEnumType.Accepted, set.SetVariableResult[0].AttributeStatus);

        // Write-only: never read back, neither by GetVariables nor in a report.
        var get = await h.Csms.Call("CS-A01", new GetVariablesRequest
        {
            GetVariableData = [new GetVariableDataType { Component = new ComponentType { Name = "SecurityCtrlr" }, Variable = new VariableType { Name = "BasicAuthPassword" } }],
        });
        Assert.Equal(GetVariableStatusEnumType.Rejected, get.GetVariableResult[0].AttributeStatus);
        Assert.Null(get.GetVariableResult[0].AttributeValue);
        Assert.DoesNotContain("rotated-password-0002", System.Text.Json.JsonSerializer.Serialize(station.Model.BaseReport(ReportBaseEnumType.FullInventory)), StringComparison.Ordinal);

        // A01.FR.11: the change is a security event.
        var reconfigured = await h.Csms.WaitFor<SecurityEventNotificationRequest>(e => e.Type == "ReconfigurationOfSecurityParameters");
        Assert.DoesNotContain("rotated", reconfigured.TechInfo, StringComparison.Ordinal);

        // The current connection stays; the next one uses the new password.
        Assert.Equal(1, h.Csms.Connections);
        await station.SetOfflineAsync(true);
        await TestCsms.Until(() => !station.IsConnected, "offline");
        await station.SetOfflineAsync(false);
        await TestCsms.Until(() => station.IsOnline && h.Csms.Connections == 2, "reconnected");
        Assert.Equal(["initial-password-0001", "rotated-password-0002"], h.Csms.Passwords.Where(p => p.StationId == "CS-A01").Select(p => p.Password).Distinct());

        // Kept across a restart of the station.
        await station.StopAsync();
        await station.StartAsync();
        await TestCsms.Until(() => station.IsOnline && h.Csms.Connections == 3, "restarted");
        Assert.Equal("rotated-password-0002", h.Csms.Passwords.Last(p => p.StationId == "CS-A01").Password);
    }

    [Fact]
    public async Task A01_A_password_against_the_rules_is_Rejected_and_the_old_one_stays()
    {
        await using var h = await StationHarness.StartAsync();
        var options = h.Options("CS-A01R");
        options.Password = "initial-password-0001";
        var station = await h.StartStation("CS-A01R", options: options);

        foreach (var bad in new[] { "too-short", "has spaces in the password", new string('x', 41) })
        {
            var set = await h.Csms.Call("CS-A01R", SetPassword(bad));
            Assert.Equal(SetVariableStatusEnumType.Rejected, set.SetVariableResult[0].AttributeStatus);
        }

        Assert.Equal("initial-password-0001", station.NetworkProfiles.Current().Password);
        await TestCsms.Until(() => station.QueueLength == 0, "queue drained");
        Assert.DoesNotContain(h.Csms.Of<SecurityEventNotificationRequest>("CS-A01R"), e => e.Type == "ReconfigurationOfSecurityParameters");
    }
}
