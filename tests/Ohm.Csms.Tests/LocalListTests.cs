using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Sessions;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests;

/// <summary>
/// Block D end to end: a real CSMS and a raw Ohm.Ocpp station over loopback WebSockets; the station keeps a local list
/// version and answers a Differential update that does not raise it with VersionMismatch.
/// </summary>
public sealed class LocalListTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    /// <summary>What a station's local list holds and what it was sent, across its connections.</summary>
    private sealed class FakeList
    {
        public int Version { get; set; }

        public Dictionary<string, AuthorizationStatusEnumType> Entries { get; } = [];

        public List<SendLocalListRequest> Received { get; } = [];

        public int VersionAsked { get; set; }

        public OcppHandlers Handlers() => new OcppHandlers()
            .On(OcppActions.GetLocalListVersion, (_, _, _) =>
            {
                lock (this)
                {
                    VersionAsked++;
                    return ValueTask.FromResult(new GetLocalListVersionResponse { VersionNumber = Version });
                }
            })
            .On(OcppActions.SendLocalList, (request, _, _) =>
            {
                lock (this)
                {
                    Received.Add(request);
                    if (request.UpdateType == UpdateEnumType.Differential && request.VersionNumber <= Version)
                    {
                        return ValueTask.FromResult(new SendLocalListResponse { Status = SendLocalListStatusEnumType.VersionMismatch });
                    }

                    if (request.UpdateType == UpdateEnumType.Full)
                    {
                        Entries.Clear();
                    }

                    foreach (var entry in request.LocalAuthorizationList ?? [])
                    {
                        if (entry.IdTokenInfo is { } info)
                        {
                            Entries[entry.IdToken.IdToken] = info.Status;
                        }
                        else
                        {
                            Entries.Remove(entry.IdToken.IdToken);
                        }
                    }

                    Version = request.VersionNumber;
                    return ValueTask.FromResult(new SendLocalListResponse { Status = SendLocalListStatusEnumType.Accepted });
                }
            });

        public string Holds() => string.Join(",", Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"));
    }

    private static Task SettledAsync(CsmsTestHost csms) => csms.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();

    private static async Task<long> AddTokenAsync(CsmsTestHost csms, string idToken, string? group)
    {
        var created = await csms.Api.PostAsJsonAsync("api/id-tokens", new { idToken, type = "ISO14443", groupIdToken = group });
        Assert.Equal(201, (int)created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> PutListAsync(CsmsTestHost csms, string stationId, object body)
    {
        var response = await csms.Api.PutAsJsonAsync($"api/stations/{stationId}/local-list", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string Sent(SendLocalListRequest r) =>
        $"{r.UpdateType} {r.VersionNumber}: " + string.Join(",", (r.LocalAuthorizationList ?? []).Select(e => e.IdToken.IdToken + (e.IdTokenInfo is null ? "-" : "")));

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task D01_a_membership_set_through_the_API_sends_a_Full_update_and_the_API_shows_the_list_InSync(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        await AddTokenAsync(csms, "A", "FLEET");
        await AddTokenAsync(csms, "B", "FLEET");
        await AddTokenAsync(csms, "C", "OTHER");
        await AddTokenAsync(csms, "D", null);
        var list = new FakeList();
        await using var station = await csms.BootedStationAsync("CS-D1", list.Handlers());

        await PutListAsync(csms, "CS-D1", new { groups = new[] { "FLEET" }, idTokens = new[] { new { idToken = "D", type = "ISO14443" } } });
        await SettledAsync(csms);

        Assert.Equal(1, list.VersionAsked);
        Assert.Equal(["Full 1: A,B,D"], list.Received.Select(Sent));
        var view = await csms.GetJsonAsync("api/stations/CS-D1/local-list");
        Assert.Equal("InSync", view.GetProperty("state").GetString());
        Assert.Equal(1, view.GetProperty("version").GetInt32());
        Assert.Equal(3, view.GetProperty("entries").GetInt32());
        Assert.Equal("FLEET", view.GetProperty("groups")[0].GetString());
        Assert.Equal("ISO14443", view.GetProperty("idTokens")[0].GetProperty("type").GetString());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task D01_a_token_changed_through_the_API_goes_as_a_Differential_update_of_that_entry_and_a_deleted_one_as_a_removal(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var a = await AddTokenAsync(csms, "A", "FLEET");
        var b = await AddTokenAsync(csms, "B", "FLEET");
        var list = new FakeList();
        await using var station = await csms.BootedStationAsync("CS-D2", list.Handlers());
        await PutListAsync(csms, "CS-D2", new { groups = new[] { "FLEET" } });
        await SettledAsync(csms);

        (await csms.Api.PutAsJsonAsync($"api/id-tokens/{b}", new { status = "Blocked" })).EnsureSuccessStatusCode();
        await SettledAsync(csms);
        Assert.Equal(204, (int)(await csms.Api.DeleteAsync($"api/id-tokens/{a}")).StatusCode);
        await SettledAsync(csms);
        await AddTokenAsync(csms, "E", "FLEET");
        await SettledAsync(csms);

        Assert.Equal(["Full 1: A,B", "Differential 2: B", "Differential 3: A-", "Differential 4: E"], list.Received.Select(Sent));
        Assert.Equal("B=Blocked,E=Accepted", list.Holds());
        var view = await csms.GetJsonAsync("api/stations/CS-D2/local-list");
        Assert.Equal((4, 2, "InSync"), (view.GetProperty("version").GetInt32(), view.GetProperty("entries").GetInt32(), view.GetProperty("state").GetString()));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task D01_a_station_offline_during_a_change_gets_its_update_when_it_reconnects(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var a = await AddTokenAsync(csms, "A", "FLEET");
        var list = new FakeList();
        var station = await csms.BootedStationAsync("CS-D3", list.Handlers());
        await PutListAsync(csms, "CS-D3", new { groups = new[] { "FLEET" } });
        await SettledAsync(csms);
        await station.DisposeAsync();
        var router = csms.App.Services.GetRequiredService<IStationCallRouter>();
        for (var i = 0; i < 200 && router.IsConnected("CS-D3"); i++)
        {
            await Task.Delay(25);
        }

        Assert.False(router.IsConnected("CS-D3"));

        (await csms.Api.PutAsJsonAsync($"api/id-tokens/{a}", new { status = "Blocked" })).EnsureSuccessStatusCode();
        await SettledAsync(csms);
        Assert.Equal("Pending", (await csms.GetJsonAsync("api/stations/CS-D3/local-list")).GetProperty("state").GetString());
        var pending = await csms.GetJsonAsync("api/local-lists?state=Pending");
        Assert.Equal("CS-D3", pending.GetProperty("items")[0].GetProperty("stationId").GetString());

        await using var again = await csms.ConnectAsync("CS-D3", list.Handlers());
        var boot = await again.CallAsync(CsmsTestHost.Boot());
        Assert.Equal(RegistrationStatusEnumType.Accepted, boot.Status);
        await SettledAsync(csms);

        // Asked its version again (it may have changed while away), then sent the difference.
        Assert.Equal(2, list.VersionAsked);
        Assert.Equal(["Full 1: A", "Differential 2: A"], list.Received.Select(Sent));
        Assert.Equal("A=Blocked", list.Holds());
        Assert.Equal("InSync", (await csms.GetJsonAsync("api/stations/CS-D3/local-list")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task D01_VersionMismatch_from_the_station_is_followed_by_a_Full_update()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var a = await AddTokenAsync(csms, "A", "FLEET");
        await AddTokenAsync(csms, "B", "FLEET");
        var list = new FakeList();
        await using var station = await csms.BootedStationAsync("CS-D4", list.Handlers());
        await PutListAsync(csms, "CS-D4", new { groups = new[] { "FLEET" } });
        await SettledAsync(csms);

        // Someone else gave the station a list of version 9 that the CSMS does not know.
        lock (list)
        {
            list.Version = 9;
        }

        (await csms.Api.PutAsJsonAsync($"api/id-tokens/{a}", new { status = "Blocked" })).EnsureSuccessStatusCode();
        await SettledAsync(csms);

        Assert.Equal(["Full 1: A,B", "Differential 2: A", "Full 10: A,B"], list.Received.Select(Sent));
        Assert.Equal("A=Blocked,B=Accepted", list.Holds());
        Assert.Equal(10, (await csms.GetJsonAsync("api/stations/CS-D4/local-list")).GetProperty("version").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task D01_a_list_larger_than_the_station_ItemsPerMessageSendLocalList_goes_in_parts(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        foreach (var id in (string[])["A", "B", "C", "D", "E"])
        {
            await AddTokenAsync(csms, id, "FLEET");
        }

        var list = new FakeList();
        await using var station = await csms.BootedStationAsync("CS-D5", list.Handlers());
        await station.CallAsync(new NotifyReportRequest
        {
            RequestId = 1,
            SeqNo = 0,
            GeneratedAt = DateTimeOffset.UtcNow,
            ReportData =
            [
                new ReportDataType
                {
                    Component = new ComponentType { Name = "LocalAuthListCtrlr" },
                    Variable = new VariableType { Name = "ItemsPerMessage" },
                    VariableAttribute = [new VariableAttributeType { Type = AttributeEnumType.Actual, Value = "2", Mutability = MutabilityEnumType.ReadOnly }],
                },
            ],
        });

        await PutListAsync(csms, "CS-D5", new { groups = new[] { "FLEET" } });
        await SettledAsync(csms);

        Assert.Equal(["Full 1: A,B", "Differential 2: C,D", "Differential 3: E"], list.Received.Select(Sent));
        Assert.Equal(5, list.Entries.Count);
        Assert.Equal(3, (await csms.GetJsonAsync("api/stations/CS-D5/local-list")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task D01_the_API_forces_a_Full_update_names_unknown_stations_and_filters_lists_by_state()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await AddTokenAsync(csms, "A", "FLEET");
        var list = new FakeList();
        await using var station = await csms.BootedStationAsync("CS-D6", list.Handlers());
        await csms.RegisterAsync("CS-D7");

        Assert.Equal(404, (int)(await csms.Api.GetAsync("api/stations/NOPE/local-list")).StatusCode);
        Assert.Equal(404, (int)(await csms.Api.PutAsJsonAsync("api/stations/NOPE/local-list", new { groups = new[] { "FLEET" } })).StatusCode);
        Assert.Equal(404, (await csms.PostJsonAsync("api/stations/CS-D6/local-list/sync", "{}")).Status);
        Assert.Equal(400, (int)(await csms.Api.PutAsJsonAsync("api/stations/CS-D6/local-list", new { idTokens = new[] { new { idToken = "", type = "ISO14443" } } })).StatusCode);
        Assert.Equal(400, (int)(await csms.Api.GetAsync("api/local-lists?state=Sideways")).StatusCode);
        var none = await csms.GetJsonAsync("api/stations/CS-D6/local-list");
        Assert.Equal((0, JsonValueKind.Null), (none.GetProperty("entries").GetInt32(), none.GetProperty("version").ValueKind));

        await PutListAsync(csms, "CS-D6", new { groups = new[] { "FLEET" } });
        await PutListAsync(csms, "CS-D7", new { groups = new[] { "FLEET" } });
        await SettledAsync(csms);
        var (status, synced) = await csms.PostJsonAsync("api/stations/CS-D6/local-list/sync", "{}");
        Assert.Equal(200, status);
        Assert.Equal("CS-D6", synced.GetProperty("stationId").GetString());
        await SettledAsync(csms);

        Assert.Equal(["Full 1: A", "Full 2: A"], list.Received.Select(Sent));
        var inSync = await csms.GetJsonAsync("api/local-lists?state=InSync");
        Assert.Equal(["CS-D6"], inSync.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("stationId").GetString()));
        var all = await csms.GetJsonAsync("api/local-lists?limit=1");
        Assert.Equal(2, all.GetProperty("total").GetInt32());
        var next = all.GetProperty("next").GetString();
        var second = await csms.GetJsonAsync($"api/local-lists?limit=1&cursor={next}");
        Assert.Equal("CS-D7", second.GetProperty("items")[0].GetProperty("stationId").GetString());
        Assert.Equal("Pending", second.GetProperty("items")[0].GetProperty("state").GetString());
    }
}
