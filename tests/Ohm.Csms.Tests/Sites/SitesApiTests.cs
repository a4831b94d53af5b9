using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Tests.Sites;

/// <summary>The Sites API end to end: each change answers the site as it now reads, and bad input a ProblemDetails naming the problem.</summary>
public sealed class SitesApiTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Sites_are_created_changed_and_deleted_with_404_409_and_400_ProblemDetails_for_what_cannot_be(string databaseKind)
    {
        await using var csms = await CsmsTestHost.StartAsync(databaseKind);
        var api = csms.Api;

        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("api/sites", new { id = "building", name = "Building", limit = 250, limitUnit = "A" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("api/sites", new { id = "park", name = "Car park", limit = 100, parentSiteId = "building" })).StatusCode);
        await Problem(api.PostAsJsonAsync("api/sites", new { id = "park", name = "Again", limit = 10 }), HttpStatusCode.Conflict, "exists already");
        await Problem(api.PostAsJsonAsync("api/sites", new { id = "x", name = "No limit" }), HttpStatusCode.BadRequest, "limit");

        // A change of settings, then a parent that would make a cycle.
        var changed = await Read(api.PutAsJsonAsync("api/sites/park", new { name = "Car park P1", limit = 120, parentSiteId = "building" }));
        Assert.Equal("Car park P1", changed.GetProperty("name").GetString());
        Assert.Equal(120m, changed.GetProperty("limit").GetDecimal());
        await Problem(api.PutAsJsonAsync("api/sites/building", new { name = "Building", limit = 250, parentSiteId = "park" }), HttpStatusCode.BadRequest, "parentSiteId");

        // Members: a station on one site only.
        var members = await Read(api.PutAsJsonAsync("api/sites/park/members", new[] { new { stationId = "CS-1", evseCount = 2 } }));
        Assert.Equal("CS-1", members.GetProperty("members")[0].GetProperty("stationId").GetString());
        await Problem(api.PutAsJsonAsync("api/sites/building/members", new[] { new { stationId = "CS-1", evseCount = 2 } }), HttpStatusCode.Conflict, "park");
        await Problem(api.PutAsJsonAsync("api/sites/park/members", new[] { new { stationId = "", evseCount = 2 } }), HttpStatusCode.BadRequest, "stationId");

        // Limit, schedule, priorities: each read back, each bad value named.
        Assert.Equal(90m, (await Read(api.PutAsJsonAsync("api/sites/park/limit", new { limit = 90 }))).GetProperty("limit").GetDecimal());
        await Problem(api.PutAsJsonAsync("api/sites/park/limit", new { limit = -1 }), HttpStatusCode.BadRequest, "limit");
        var schedule = await Read(api.PutAsJsonAsync("api/sites/park/schedule", new { timeZone = "Europe/Amsterdam", periods = new[] { new { start = "07:00", limit = 60m }, new { start = "22:00", limit = 100m } } }));
        Assert.Equal(["07:00", "22:00"], schedule.GetProperty("schedule").EnumerateArray().Select(p => p.GetProperty("start").GetString()));
        Assert.Equal("Europe/Amsterdam", schedule.GetProperty("timeZone").GetString());
        await Problem(api.PutAsJsonAsync("api/sites/park/schedule", new { periods = new[] { new { start = "25:00", limit = 60m } } }), HttpStatusCode.BadRequest, "periods[0].start");
        await Problem(api.PutAsJsonAsync("api/sites/park/schedule", new { timeZone = "Nowhere/Atlantis", periods = Array.Empty<object>() }), HttpStatusCode.BadRequest, "timeZone");
        var priorities = await Read(api.PutAsJsonAsync("api/sites/park/priorities", new[] { new { groupIdToken = "FLEET", priority = 5 } }));
        Assert.Equal(5, priorities.GetProperty("priorities")[0].GetProperty("priority").GetInt32());
        await Problem(api.PutAsJsonAsync("api/sites/park/priorities", new[] { new { groupIdToken = "FLEET", priority = 1 }, new { groupIdToken = "FLEET", priority = 2 } }), HttpStatusCode.BadRequest, "listed twice");

        // A site that does not exist: 404 for every change.
        await Problem(api.PutAsJsonAsync("api/sites/nowhere", new { name = "N", limit = 1 }), HttpStatusCode.NotFound, "nowhere");
        await Problem(api.PutAsJsonAsync("api/sites/nowhere/members", Array.Empty<object>()), HttpStatusCode.NotFound, "nowhere");
        await Problem(api.PutAsJsonAsync("api/sites/nowhere/limit", new { limit = 1 }), HttpStatusCode.NotFound, "nowhere");
        await Problem(api.PutAsJsonAsync("api/sites/nowhere/schedule", new { periods = Array.Empty<object>() }), HttpStatusCode.NotFound, "nowhere");
        await Problem(api.PutAsJsonAsync("api/sites/nowhere/priorities", Array.Empty<object>()), HttpStatusCode.NotFound, "nowhere");

        // What a refused change tried is not stored; deleting the parent makes the child a root.
        var park = await api.GetFromJsonAsync<JsonElement>("api/sites/park");
        Assert.Equal(90m, park.GetProperty("limit").GetDecimal());
        Assert.Single(park.GetProperty("priorities").EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("api/sites/building")).StatusCode);
        Assert.Equal(JsonValueKind.Null, (await api.GetFromJsonAsync<JsonElement>("api/sites/park")).GetProperty("parentSiteId").ValueKind);
        await Problem(api.DeleteAsync("api/sites/building"), HttpStatusCode.NotFound, "building");
    }

    private static async Task<JsonElement> Read(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task Problem(Task<HttpResponseMessage> call, HttpStatusCode status, string mentions)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mentions, body, StringComparison.Ordinal);
    }
}
