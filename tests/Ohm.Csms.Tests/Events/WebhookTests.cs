using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Events;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Tests.Events;

/// <summary>
/// Webhooks end to end: a real CSMS, a raw station reporting events, and a webhook receiver on a loopback Kestrel port;
/// signature, severity filter, retries on the injected clock while the receiver is down, and the durable outbox across a
/// restart of the CSMS.
/// </summary>
public sealed class WebhookTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static async Task<(long Id, string Secret)> CreateAsync(CsmsTestHost csms, Uri url, int? maxSeverity = null)
    {
        var response = await csms.Api.PostAsJsonAsync("api/webhooks", new { url = url.ToString(), maxSeverity, description = "test" });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, text);
        var body = JsonDocument.Parse(text).RootElement;
        return (body.GetProperty("id").GetInt64(), body.GetProperty("secret").GetString()!);
    }

    private static async Task<List<JsonElement>> DeliveriesAsync(CsmsTestHost csms, long webhookId) =>
        [.. (await csms.GetJsonAsync($"api/webhooks/{webhookId}/deliveries")).GetProperty("items").EnumerateArray().Reverse()];

    private static async Task UntilAsync(Func<bool> condition, string what, Action? step = null)
    {
        for (var i = 0; !condition(); i++)
        {
            Assert.True(i < 1500, $"{what} did not happen");
            step?.Invoke();
            await Task.Delay(20);
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; !await condition(); i++)
        {
            Assert.True(i < 1500, $"{what} did not happen");
            await Task.Delay(20);
        }
    }

    private static string Signature(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_webhook_gets_each_matching_event_POSTed_as_JSON_signed_with_its_secret(string database)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var csms = await CsmsTestHost.StartAsync(database);
        await using var station = await AlertsTests.MonitoredStationAsync(csms, "CS-HOOK", severity: 2);
        var (all, secret) = await CreateAsync(csms, receiver.Url);
        var (dangerOnly, _) = await CreateAsync(csms, receiver.Url, maxSeverity: 1);
        Assert.Matches("^[0-9a-f]{64}$", secret);

        await station.CallAsync(EventsOut.Event(1, "85", cleared: false, monitorId: 7, T0));
        await UntilAsync(() => !receiver.Taken.IsEmpty, "the delivery");

        var (body, signature, delivery) = Assert.Single(receiver.Taken);
        Assert.Equal(Signature(secret, body), signature);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(("CS-HOOK", "85", 2, "Opened"), (json.GetProperty("stationId").GetString(), json.GetProperty("actualValue").GetString(),
            json.GetProperty("severity").GetInt32(), json.GetProperty("alert").GetProperty("state").GetString()));

        // Delivered once, with its attempt; the severity filter wrote no row for the other webhook (2 is less severe than 1).
        var row = Assert.Single(await DeliveriesAsync(csms, all));
        await UntilAsync(async () => (await DeliveriesAsync(csms, all)).Single().GetProperty("state").GetString() == "Delivered", "the Delivered state");
        Assert.Equal(row.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), delivery);
        var attempt = Assert.Single((await csms.GetJsonAsync($"api/webhooks/{all}/deliveries/{row.GetProperty("id").GetInt64()}/attempts")).EnumerateArray());
        Assert.Equal((200, true), (attempt.GetProperty("statusCode").GetInt32(), attempt.GetProperty("succeeded").GetBoolean()));
        Assert.Empty(await DeliveriesAsync(csms, dangerOnly));

        var listed = (await csms.GetJsonAsync("api/webhooks")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, listed.Count);
        Assert.All(listed, w => Assert.False(w.TryGetProperty("secret", out _)));
        Assert.Equal(1, listed.Single(w => w.GetProperty("id").GetInt64() == all).GetProperty("delivered").GetInt32());

        // Paused, a webhook gets no rows; resumed, it gets the next events again.
        var paused = await csms.Api.PatchAsJsonAsync($"api/webhooks/{all}", new { enabled = false });
        Assert.False(JsonDocument.Parse(await paused.Content.ReadAsStringAsync()).RootElement.GetProperty("enabled").GetBoolean());
        await station.CallAsync(EventsOut.Event(2, "86", cleared: false, monitorId: 7, T0.AddMinutes(1)));
        Assert.Single(await DeliveriesAsync(csms, all));
        await csms.Api.PatchAsJsonAsync($"api/webhooks/{all}", new { enabled = true });
        await station.CallAsync(EventsOut.Event(3, "75", cleared: true, monitorId: 7, T0.AddMinutes(2)));
        await UntilAsync(() => receiver.Taken.Count == 2, "the delivery after resuming");
        Assert.Equal("75", JsonDocument.Parse(receiver.Taken.Last().Body).RootElement.GetProperty("actualValue").GetString());
        Assert.Equal(404, (int)(await csms.Api.PatchAsJsonAsync("api/webhooks/999999", new { enabled = true })).StatusCode);

        var bad = await csms.Api.PostAsJsonAsync("api/webhooks", new { url = "ftp://example/hook" });
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("url", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(204, (int)(await csms.Api.DeleteAsync($"api/webhooks/{dangerOnly}")).StatusCode);
        Assert.Equal(404, (int)(await csms.Api.GetAsync($"api/webhooks/{dangerOnly}")).StatusCode);
    }

    [Fact]
    public async Task A_receiver_that_is_down_for_a_while_gets_every_event_once_in_order_after_it_comes_back()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Down = true;
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock), ("Csms:CostUpdateIntervalSeconds", "0"));
        await using var station = await AlertsTests.MonitoredStationAsync(csms, "CS-DOWN");
        var (webhook, secret) = await CreateAsync(csms, receiver.Url);
        for (var i = 1; i <= 3; i++)
        {
            await station.CallAsync(EventsOut.Event(i, (80 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), cleared: false, monitorId: 7, T0.AddMinutes(i)));
        }

        await UntilAsync(() => receiver.Refused >= 1, "the first attempt");

        // While it is down, each retry waits longer on the clock; the later events wait behind the first.
        await UntilAsync(() => receiver.Refused >= 4, "four attempts", () => clock.Advance(TimeSpan.FromSeconds(30)));
        var waiting = await DeliveriesAsync(csms, webhook);
        Assert.Equal(3, waiting.Count);
        Assert.All(waiting, d => Assert.Equal("Pending", d.GetProperty("state").GetString()));
        Assert.True(waiting[0].GetProperty("attempts").GetInt32() >= 4);
        Assert.Equal(503, waiting[0].GetProperty("lastStatusCode").GetInt32());
        Assert.Equal([0, 0], waiting.Skip(1).Select(d => d.GetProperty("attempts").GetInt32()));
        Assert.True(waiting[0].GetProperty("nextAttemptAt").GetDateTimeOffset() > clock.GetUtcNow(), "the retry is due later on the clock");

        receiver.Down = false;
        await UntilAsync(() => receiver.Taken.Count >= 3, "the deliveries after it came back", () => clock.Advance(TimeSpan.FromSeconds(60)));

        // Once each: more time and another pass bring nothing more.
        var dispatcher = csms.App.Services.GetRequiredService<WebhookDispatcher>();
        var passes = dispatcher.Passes;
        clock.Advance(TimeSpan.FromHours(1));
        dispatcher.Wake();
        await UntilAsync(() => dispatcher.Passes > passes, "another pass");
        var taken = receiver.Taken.ToList();
        Assert.Equal(3, taken.Count);
        Assert.Equal(["81", "82", "83"], taken.Select(t => JsonDocument.Parse(t.Body).RootElement.GetProperty("actualValue").GetString()));
        Assert.All(taken, t => Assert.Equal(Signature(secret, t.Body), t.Signature));
        Assert.Equal(3, taken.Select(t => t.Delivery).Distinct().Count());
        var done = await DeliveriesAsync(csms, webhook);
        Assert.All(done, d => Assert.Equal("Delivered", d.GetProperty("state").GetString()));
        var attempts = (await csms.GetJsonAsync($"api/webhooks/{webhook}/deliveries/{done[0].GetProperty("id").GetInt64()}/attempts")).EnumerateArray().ToList();
        Assert.Equal(receiver.Refused + 1, attempts.Count);
        Assert.Equal([.. Enumerable.Repeat(false, receiver.Refused), true], attempts.Select(a => a.GetProperty("succeeded").GetBoolean()));
    }

    [Fact]
    public async Task Outbox_rows_not_delivered_before_a_restart_of_the_CSMS_are_delivered_after_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:Webhooks:Deliver", "false"));
        var (webhook, secret) = await CreateAsync(csms, receiver.Url);
        await using (var station = await AlertsTests.MonitoredStationAsync(csms, "CS-RESTART"))
        {
            await station.CallAsync(EventsOut.Event(1, "85", cleared: false, monitorId: 7, T0));
            await station.CallAsync(EventsOut.Event(2, "75", cleared: true, monitorId: 7, T0.AddMinutes(1)));
        }

        var pending = await DeliveriesAsync(csms, webhook);
        Assert.Equal(["Pending", "Pending"], pending.Select(d => d.GetProperty("state").GetString()));
        Assert.Empty(receiver.Taken);

        await using var restarted = await csms.RestartAsync();
        await UntilAsync(() => receiver.Taken.Count >= 2, "the deliveries after the restart");

        var taken = receiver.Taken.ToList();
        Assert.Equal(["Opened", "Cleared"], taken.Select(t => JsonDocument.Parse(t.Body).RootElement.GetProperty("alert").GetProperty("state").GetString()));
        Assert.All(taken, t => Assert.Equal(Signature(secret, t.Body), t.Signature));
        await UntilAsync(async () => (await DeliveriesAsync(restarted, webhook)).All(d => d.GetProperty("state").GetString() == "Delivered"), "the Delivered states");
        Assert.Equal(2, receiver.Taken.Count);
    }

    [Theory]
    [InlineData("Csms:Webhooks:MaxAttempts", "0")]
    [InlineData("Csms:Webhooks:FirstRetrySeconds", "0")]
    [InlineData("Csms:Webhooks:TimeoutSeconds", "301")]
    public async Task A_webhook_setting_out_of_range_stops_the_start_naming_it(string setting, string value)
    {
        var error = await Assert.ThrowsAsync<Ohm.Csms.Server.ConfigurationException>(() => CsmsTestHost.StartAsync(TestDatabases.Sqlite, (setting, value)));
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }
}
