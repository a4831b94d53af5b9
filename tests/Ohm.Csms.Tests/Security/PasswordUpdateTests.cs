using System.Text.Json;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests.Security;

/// <summary>A01 Update Charging Station Password for HTTP Basic Authentication, from the operator's API over a raw station.</summary>
public sealed class PasswordUpdateTests
{
    private const string OldPassword = "station-password-16";

    /// <summary>A station that answers SetVariables with <paramref name="status"/> and remembers the password it was sent.</summary>
    private static OcppHandlers Station(SetVariableStatusEnumType status, List<string> sent) => new OcppHandlers().On(OcppActions.SetVariables, (request, _, _) =>
    {
        var data = Assert.Single(request.SetVariableData);
        Assert.Equal("SecurityCtrlr", data.Component.Name);
        Assert.Equal("BasicAuthPassword", data.Variable.Name);
        lock (sent)
        {
            sent.Add(data.AttributeValue);
        }

        return ValueTask.FromResult(new SetVariablesResponse
        {
            SetVariableResult = [new SetVariableResultType { AttributeStatus = status, Component = data.Component, Variable = data.Variable }],
        });
    });

    private static async Task<bool> ConnectsAsync(CsmsTestHost csms, string stationId, string password)
    {
        try
        {
            await using var connection = await csms.ConnectAsync(stationId, password: password);
            return true;
        }
        catch (OcppConnectException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A01_the_new_password_is_stored_only_when_the_station_accepted()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var sent = new List<string>();
        await using var station = await csms.BootedStationAsync("CS-A01-OK", Station(SetVariableStatusEnumType.Accepted, sent));

        var (status, body) = await csms.PostJsonAsync("api/stations/CS-A01-OK/password", "{}");
        Assert.True(status == 200, body.ToString());
        var password = body.GetProperty("password").GetString()!;
        Assert.Equal("Accepted", body.GetProperty("status").GetString());
        Assert.Equal(password, Assert.Single(sent));

        // Within BasicAuthPassword's rules: 16 to 40 characters of OCPP's passwordString.
        Assert.InRange(password.Length, 16, 40);
        Assert.All(password, c => Assert.Contains(c, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-_=:+|@."));
        var (_, again) = await csms.PostJsonAsync("api/stations/CS-A01-OK/password", "{}");
        Assert.NotEqual(password, again.GetProperty("password").GetString());

        // The password is not answered anywhere else: the station's record shows no password.
        var record = await csms.GetJsonAsync("api/stations/CS-A01-OK");
        Assert.DoesNotContain(password, record.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A01_a_rejected_password_leaves_the_old_one_and_answers_409_with_the_status()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var sent = new List<string>();
        await using var station = await csms.BootedStationAsync("CS-A01-NO", Station(SetVariableStatusEnumType.Rejected, sent));

        var (status, body) = await csms.PostJsonAsync("api/stations/CS-A01-NO/password", "{}");
        Assert.True(status == 409, body.ToString());
        Assert.Equal("Rejected", body.GetProperty("stationStatus").GetString());
        Assert.False(body.TryGetProperty("password", out _));
        var refused = Assert.Single(sent);

        Assert.False(await ConnectsAsync(csms, "CS-A01-NO", refused));
        Assert.True(await ConnectsAsync(csms, "CS-A01-NO", OldPassword));
    }

    [Fact]
    public async Task A01_both_passwords_work_until_the_station_reconnects_with_the_new_one()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var sent = new List<string>();
        await using (var station = await csms.BootedStationAsync("CS-A01-BOTH", Station(SetVariableStatusEnumType.Accepted, sent)))
        {
            var (status, body) = await csms.PostJsonAsync("api/stations/CS-A01-BOTH/password", "{}");
            Assert.True(status == 200, body.ToString());
        }

        var password = Assert.Single(sent);

        // The station may still come back with the old password (it may not have saved the new one yet).
        Assert.True(await ConnectsAsync(csms, "CS-A01-BOTH", OldPassword));
        Assert.True(await ConnectsAsync(csms, "CS-A01-BOTH", OldPassword));

        // Once it used the new one, the old one is refused, and the new one keeps working.
        Assert.True(await ConnectsAsync(csms, "CS-A01-BOTH", password));
        Assert.False(await ConnectsAsync(csms, "CS-A01-BOTH", OldPassword));
        Assert.True(await ConnectsAsync(csms, "CS-A01-BOTH", password));

        // An operator's own password replaces both.
        var put = await csms.Api.PutAsync("api/stations/CS-A01-BOTH", new StringContent(JsonSerializer.Serialize(new { password = "operator-password-1" }), System.Text.Encoding.UTF8, "application/json"));
        put.EnsureSuccessStatusCode();
        Assert.False(await ConnectsAsync(csms, "CS-A01-BOTH", password));
        Assert.True(await ConnectsAsync(csms, "CS-A01-BOTH", "operator-password-1"));
    }

    [Fact]
    public async Task A01_an_unknown_station_is_404_and_one_not_connected_503()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.RegisterAsync("CS-A01-OFF");
        var (status, body) = await csms.PostJsonAsync("api/stations/CS-A01-OFF/password", "{}");
        Assert.True(status == 503, body.ToString()); // ApiResults.CallAsync: registered, not connected
        var (unknown, _) = await csms.PostJsonAsync("api/stations/CS-A01-NONE/password", "{}");
        Assert.Equal(404, unknown);
    }
}
