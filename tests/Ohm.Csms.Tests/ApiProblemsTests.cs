using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests;

/// <summary>Every error of the API is an application/problem+json ProblemDetails whose body names the problem.</summary>
public sealed class ApiProblemsTests
{
    private static async Task<(int Status, JsonElement Problem)> SendAsync(CsmsTestHost csms, HttpMethod method, string path, string? body = null, string? contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        using var response = await csms.Api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode >= 400)
        {
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{method} {path} answered {(int)response.StatusCode} as {response.Content.Headers.ContentType}: {text}");
        }

        var problem = JsonDocument.Parse(text).RootElement.Clone();
        if ((int)response.StatusCode >= 400)
        {
            foreach (var member in new[] { "type", "title", "status", "detail" })
            {
                Assert.True(problem.TryGetProperty(member, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number, $"{method} {path}: the problem has no {member}: {text}");
            }

            Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        }

        return ((int)response.StatusCode, problem);
    }

    private static string Detail(JsonElement problem) => problem.GetProperty("detail").GetString() ?? "";

    [Fact]
    public async Task A_body_with_an_unknown_field_is_refused_with_400_naming_the_field()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var (status, problem) = await SendAsync(csms, HttpMethod.Put, "api/stations/CS-U1", """{"password":"station-password-16","colour":"red"}""");
        Assert.Equal(400, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("colour", out _), problem.GetRawText());
        Assert.Equal(404, (await SendAsync(csms, HttpMethod.Get, "api/stations/CS-U1")).Status);

        var (tokenStatus, tokenProblem) = await SendAsync(csms, HttpMethod.Post, "api/id-tokens", """{"idToken":"T","type":"Central","colour":"red"}""");
        Assert.Equal(400, tokenStatus);
        Assert.Contains("colour", Detail(tokenProblem), StringComparison.Ordinal);

        await using var station = await csms.BootedStationAsync("CS-U2");
        var (commandStatus, commandProblem) = await SendAsync(csms, HttpMethod.Post, "api/stations/CS-U2/commands/reset", """{"type":"Immediate","colour":"red"}""");
        Assert.Equal(400, commandStatus);
        Assert.Contains("colour", Detail(commandProblem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_typed_field_a_missing_required_field_and_malformed_JSON_get_400_naming_the_JSON_path()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var (wrong, wrongProblem) = await SendAsync(csms, HttpMethod.Put, "api/stations/CS-W1/limits", """{"getVariables":{"itemsPerMessage":"three"}}""");
        Assert.Equal(400, wrong);
        Assert.True(wrongProblem.GetProperty("errors").TryGetProperty("getVariables.itemsPerMessage", out var message), wrongProblem.GetRawText());
        Assert.Contains("type", message[0].GetString(), StringComparison.Ordinal);

        var (quoted, quotedProblem) = await SendAsync(csms, HttpMethod.Put, "api/stations/CS-W1", """{"securityProfile":"1"}""");
        Assert.Equal(400, quoted);
        Assert.True(quotedProblem.GetProperty("errors").TryGetProperty("securityProfile", out _), quotedProblem.GetRawText());

        var (missing, missingProblem) = await SendAsync(csms, HttpMethod.Post, "api/id-tokens", """{"type":"Central"}""");
        Assert.Equal(400, missing);
        Assert.Equal("is required", missingProblem.GetProperty("errors").GetProperty("idToken")[0].GetString());

        var (badEnum, enumProblem) = await SendAsync(csms, HttpMethod.Post, "api/id-tokens", """{"idToken":"T","type":"Passport"}""");
        Assert.Equal(400, badEnum);
        Assert.StartsWith("must be one of Central, eMAID, ISO14443", enumProblem.GetProperty("errors").GetProperty("type")[0].GetString(), StringComparison.Ordinal);
        var (numbered, numberProblem) = await SendAsync(csms, HttpMethod.Put, "api/stations/CS-W1", """{"password":"station-password-16","bootPolicy":7}""");
        Assert.Equal(400, numbered);
        Assert.True(numberProblem.GetProperty("errors").TryGetProperty("bootPolicy", out _), numberProblem.GetRawText());

        var (nulled, nullProblem) = await SendAsync(csms, HttpMethod.Post, "api/id-tokens", """{"idToken":null,"type":"Central"}""");
        Assert.Equal(400, nulled);
        Assert.Contains("idToken", Detail(nullProblem), StringComparison.Ordinal);

        var (malformed, malformedProblem) = await SendAsync(csms, HttpMethod.Post, "api/id-tokens", """{"idToken":""");
        Assert.Equal(400, malformed);
        Assert.Contains("JSON", Detail(malformedProblem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_without_a_JSON_Content_Type_gets_415()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-CT");
        var (typed, typedProblem) = await SendAsync(csms, HttpMethod.Post, "api/id-tokens", """{"idToken":"T","type":"Central"}""", contentType: null);
        Assert.Equal(415, typed);
        Assert.Contains("application/json", Detail(typedProblem), StringComparison.Ordinal);
        var (command, commandProblem) = await SendAsync(csms, HttpMethod.Post, "api/stations/CS-CT/commands/reset", """{"type":"Immediate"}""", contentType: "text/plain");
        Assert.Equal(415, command);
        Assert.Contains("text/plain", Detail(commandProblem), StringComparison.Ordinal);
        Assert.Equal(415, (await SendAsync(csms, HttpMethod.Post, "api/stations/CS-CT/ocpp/ClearCache", "{}", contentType: null)).Status);
    }

    [Theory]
    [InlineData("api/transactions?state=Sleeping", "state")]
    [InlineData("api/transactions?from=yesterday", "from")]
    [InlineData("api/transactions?limit=0", "limit")]
    [InlineData("api/transactions?limit=501", "limit")]
    [InlineData("api/transactions?limit=ten", "limit")]
    [InlineData("api/transactions?cursor=%21%21", "cursor")]
    [InlineData("api/stations?cursor=%21%21", "cursor")]
    [InlineData("api/id-tokens?cursor=bm90LWFuLWlk", "cursor")]
    [InlineData("api/security-events?source=Moon", "source")]
    public async Task A_bad_query_parameter_gets_400_naming_it(string path, string parameter)
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var (status, problem) = await SendAsync(csms, HttpMethod.Get, path);
        Assert.Equal(400, status);
        Assert.Contains(parameter, Detail(problem), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/stations/NOBODY")]
    [InlineData("api/stations/NOBODY/connections")]
    [InlineData("api/stations/NOBODY/evses")]
    [InlineData("api/stations/NOBODY/status-history")]
    [InlineData("api/stations/NOBODY/device-model")]
    [InlineData("api/stations/NOBODY/reports")]
    [InlineData("api/stations/NOBODY/events")]
    [InlineData("api/stations/NOBODY/messages")]
    [InlineData("api/stations/NOBODY/limits")]
    [InlineData("api/stations/NOBODY/transactions")]
    [InlineData("api/stations/NOBODY/transactions/tx-1")]
    public async Task A_sub_resource_of_an_unknown_station_is_404_not_an_empty_list(string path)
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var (status, problem) = await SendAsync(csms, HttpMethod.Get, path);
        Assert.Equal(404, status);
        Assert.Contains("NOBODY", Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_path_under_api_is_a_404_problem_and_a_wrong_method_a_405_problem()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var (status, problem) = await SendAsync(csms, HttpMethod.Get, "api/chargers");
        Assert.Equal(404, status);
        Assert.Contains("/api/chargers", Detail(problem), StringComparison.Ordinal);
        var (method, methodProblem) = await SendAsync(csms, HttpMethod.Post, "api/transactions", "{}");
        Assert.Equal(405, method);
        Assert.Contains("POST", Detail(methodProblem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task B07_a_requestId_given_to_get_base_report_is_sent_and_answered_as_given_and_one_left_out_is_chosen()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var received = new List<int>();
        var handlers = new OcppHandlers().On(OcppActions.GetBaseReport, (request, _, _) =>
        {
            received.Add(request.RequestId);
            return ValueTask.FromResult(new GetBaseReportResponse { Status = GenericDeviceModelStatusEnumType.Accepted });
        });
        await using var station = await csms.BootedStationAsync("CS-RID", handlers);

        var (status, started) = await csms.PostJsonAsync("api/stations/CS-RID/commands/get-base-report", """{"requestId":4242,"reportBase":"SummaryInventory"}""");
        Assert.Equal(200, status);
        Assert.Equal(4242, started.GetProperty("requestId").GetInt32());
        var (chosenStatus, chosen) = await csms.PostJsonAsync("api/stations/CS-RID/commands/get-base-report", """{"reportBase":"SummaryInventory"}""");
        Assert.Equal(200, chosenStatus);
        Assert.Equal([4242, chosen.GetProperty("requestId").GetInt32()], received);
        Assert.NotEqual(4242, received[1]);
    }
}
