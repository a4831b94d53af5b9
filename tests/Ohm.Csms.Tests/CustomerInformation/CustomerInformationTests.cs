using System.Net.Http.Json;
using System.Text.Json;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests.CustomerInformation;

/// <summary>
/// N09 and N10 end to end on the CSMS: the customer-information API, a real CSMS and a raw Ohm.Ocpp station over
/// loopback WebSockets that answers CustomerInformation and reports in parts.
/// </summary>
public sealed class CustomerInformationTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    /// <summary>The station's side: what it was asked, and the parts (seqNo, tbc, data) it sends after answering Accepted, in the order given.</summary>
    internal sealed class FakeStation
    {
        public List<CustomerInformationRequest> Asked { get; } = [];

        public CustomerInformationStatusEnumType Answer { get; set; } = CustomerInformationStatusEnumType.Accepted;

        public List<(int SeqNo, bool Tbc, string Data)> Parts { get; set; } = [(0, false, "nothing")];

        public OcppConnection? Connection { get; set; }

        public OcppHandlers Handlers() => new OcppHandlers()
            .On(OcppActions.ReserveNow, (_, _, _) => ValueTask.FromResult(new ReserveNowResponse { Status = ReserveNowStatusEnumType.Accepted }))
            .On(OcppActions.GetLocalListVersion, (_, _, _) => ValueTask.FromResult(new GetLocalListVersionResponse { VersionNumber = 0 }))
            .On(OcppActions.SendLocalList, (_, _, _) => ValueTask.FromResult(new SendLocalListResponse { Status = SendLocalListStatusEnumType.Accepted }))
            .On(OcppActions.CustomerInformation, (request, _, _) =>
            {
                lock (this)
                {
                    Asked.Add(request);
                }

                if (Answer == CustomerInformationStatusEnumType.Accepted)
                {
                    var parts = Parts.ToList();
                    _ = Task.Run(async () =>
                    {
                        foreach (var (seqNo, tbc, data) in parts)
                        {
                            await Connection!.CallAsync(new NotifyCustomerInformationRequest
                            {
                                RequestId = request.RequestId, SeqNo = seqNo, Tbc = tbc, Data = data, GeneratedAt = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero),
                            });
                        }
                    }, CancellationToken.None);
                }

                return ValueTask.FromResult(new CustomerInformationResponse
                {
                    Status = Answer,
                    StatusInfo = Answer == CustomerInformationStatusEnumType.Accepted ? null : new StatusInfoType { ReasonCode = "NothingToDo" },
                });
            });
    }

    private static async Task<(OcppConnection Connection, FakeStation Station)> StationAsync(CsmsTestHost csms, string stationId)
    {
        var station = new FakeStation();
        station.Connection = await csms.BootedStationAsync(stationId, station.Handlers());
        return (station.Connection, station);
    }

    private static async Task<JsonElement> PostAsync(CsmsTestHost csms, string path, object body, int expected = 200)
    {
        var response = await csms.Api.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task N09_the_API_asks_the_station_by_idToken_and_answers_with_the_parts_assembled_in_seqNo_order_which_GET_reads_back(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var (connection, station) = await StationAsync(csms, "CS-N09");
        await using var _ = connection;
        station.Parts = [(1, true, "cache: Accepted; "), (0, true, "idToken CUST-1: "), (2, false, "transaction TX-9, 4200 Wh")];

        var answer = await PostAsync(csms, "api/stations/CS-N09/customer-information", new { report = true, idToken = new { idToken = "CUST-1", type = "ISO14443" } });

        var asked = Assert.Single(station.Asked);
        Assert.True(asked.Report);
        Assert.False(asked.Clear);
        Assert.Equal(("CUST-1", IdTokenEnumType.ISO14443), (asked.IdToken!.IdToken, asked.IdToken.Type));
        Assert.Null(asked.CustomerIdentifier);
        Assert.Equal(asked.RequestId, answer.GetProperty("requestId").GetInt32());
        Assert.Equal("Accepted", answer.GetProperty("status").GetString());
        Assert.True(answer.GetProperty("complete").GetBoolean());
        Assert.Equal(3, answer.GetProperty("partsReceived").GetInt32());
        Assert.Equal("idToken CUST-1: cache: Accepted; transaction TX-9, 4200 Wh", answer.GetProperty("data").GetString());
        Assert.Equal([0, 1, 2], answer.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("seqNo").GetInt32()));
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("erased").ValueKind); // a report alone erases nothing

        var read = await csms.GetJsonAsync($"api/stations/CS-N09/customer-information/{asked.RequestId}");
        Assert.Equal(answer.GetProperty("data").GetString(), read.GetProperty("data").GetString());
        Assert.Equal("CUST-1", read.GetProperty("idToken").GetProperty("idToken").GetString());

        // By customerIdentifier, and the station's Rejected comes back as it answered, with no report waited for.
        station.Answer = CustomerInformationStatusEnumType.Rejected;
        var rejected = await PostAsync(csms, "api/stations/CS-N09/customer-information", new { report = true, customerIdentifier = "customer-42" });
        Assert.Equal("Rejected", rejected.GetProperty("status").GetString());
        Assert.Equal("NothingToDo", rejected.GetProperty("statusReason").GetString());
        Assert.False(rejected.GetProperty("complete").GetBoolean());
        Assert.Equal("customer-42", station.Asked[^1].CustomerIdentifier);
        Assert.NotEqual(asked.RequestId, station.Asked[^1].RequestId);
    }

    [Fact]
    public async Task N09_N10_bad_requests_get_ProblemDetails_and_reach_no_station()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var (connection, station) = await StationAsync(csms, "CS-N09-BAD");
        await using var _ = connection;
        var token = new { idToken = "CUST-1", type = "ISO14443" };

        var neither = await PostAsync(csms, "api/stations/CS-N09-BAD/customer-information", new { report = false, clear = false, idToken = token }, 400);
        var nobody = await PostAsync(csms, "api/stations/CS-N09-BAD/customer-information", new { report = true }, 400);
        var two = await PostAsync(csms, "api/stations/CS-N09-BAD/customer-information", new { report = true, idToken = token, customerIdentifier = "c" }, 400);
        var longId = await PostAsync(csms, "api/stations/CS-N09-BAD/customer-information", new { report = true, customerIdentifier = new string('x', 65) }, 400);
        var unknown = await PostAsync(csms, "api/stations/CS-NOPE/customer-information", new { report = true, idToken = token }, 404);
        var missing = await csms.Api.GetAsync("api/stations/CS-N09-BAD/customer-information/12345");

        Assert.Contains("report", neither.GetProperty("errors").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("exactly one", nobody.GetProperty("errors").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("exactly one", two.GetProperty("errors").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("customerIdentifier", longId.GetProperty("errors").GetRawText(), StringComparison.Ordinal);
        Assert.Equal(404, unknown.GetProperty("status").GetInt32());
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Empty(station.Asked);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task N10_clearing_by_idToken_erases_the_token_from_the_CSMS_its_transactions_keep_energy_and_times_and_the_answer_counts_what_went(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var (connection, station) = await StationAsync(csms, "CS-N10");
        await using var _ = connection;
        await csms.AddTokenAsync(new { idToken = "CUST-2", type = "ISO14443" });
        await csms.AddTokenAsync(new { idToken = "OTHER-1", type = "ISO14443" });
        var customer = new IdTokenType { IdToken = "CUST-2", Type = IdTokenEnumType.ISO14443 };
        await connection.CallAsync(TransactionTests.Event("TX-CUST", 0, TransactionEventEnumType.Started, 1000, token: customer));
        await connection.CallAsync(TransactionTests.Event("TX-CUST", 1, TransactionEventEnumType.Ended, 5000, token: customer));
        await connection.CallAsync(TransactionTests.Event("TX-OTHER", 0, TransactionEventEnumType.Started, 100, token: new IdTokenType { IdToken = "OTHER-1", Type = IdTokenEnumType.ISO14443 }));
        await connection.CallAsync(new SecurityEventNotificationRequest { Type = "InvalidMessages", Timestamp = DateTimeOffset.UtcNow, TechInfo = "CUST-2" });
        var reservation = await PostAsync(csms, "api/stations/CS-N10/reservations", new { evseId = 1, idToken = new { idToken = "CUST-2", type = "ISO14443" }, expiryDateTime = DateTimeOffset.UtcNow.AddHours(1) });
        var membership = await csms.Api.PutAsJsonAsync("api/stations/CS-N10/local-list", new { idTokens = new[] { new { idToken = "CUST-2", type = "ISO14443" }, new { idToken = "OTHER-1", type = "ISO14443" } } });
        membership.EnsureSuccessStatusCode();
        var before = await csms.GetJsonAsync("api/stations/CS-N10/transactions/TX-CUST");
        station.Parts = [(0, false, "cleared: authorization cache entry")];

        var answer = await PostAsync(csms, "api/stations/CS-N10/customer-information", new { clear = true, idToken = new { idToken = "CUST-2", type = "ISO14443" } });

        Assert.Equal("Accepted", answer.GetProperty("status").GetString());
        Assert.True(Assert.Single(station.Asked).Clear);
        var erased = answer.GetProperty("erased");
        Assert.Equal(1, erased.GetProperty("idTokens").GetInt32());
        Assert.Equal(1, erased.GetProperty("transactions").GetInt32());
        Assert.Equal(2, erased.GetProperty("transactionEvents").GetInt32());
        Assert.Equal(1, erased.GetProperty("securityEvents").GetInt32());
        Assert.Equal(1, erased.GetProperty("stationMessages").GetInt32()); // the SecurityEventNotification as received
        Assert.Equal(1, erased.GetProperty("reservations").GetInt32());
        Assert.Equal(1, erased.GetProperty("localListMemberships").GetInt32());
        var list = await csms.GetJsonAsync("api/stations/CS-N10/local-list");
        Assert.Equal(["OTHER-1"], list.GetProperty("idTokens").EnumerateArray().Select(t => t.GetProperty("idToken").GetString()));
        var kept = await csms.GetJsonAsync($"api/reservations/{reservation.GetProperty("id").GetInt32()}");
        Assert.DoesNotContain("CUST-2", kept.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(1, kept.GetProperty("evseId").GetInt32());

        var tokens = (await csms.GetJsonAsync("api/id-tokens")).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("idToken").GetString()).ToList();
        Assert.Equal(["OTHER-1"], tokens);
        var after = await csms.GetJsonAsync("api/stations/CS-N10/transactions/TX-CUST");
        var tx = after.GetProperty("transaction");
        Assert.Equal(JsonValueKind.Null, tx.GetProperty("idToken").ValueKind);
        Assert.Equal(JsonValueKind.Null, tx.GetProperty("idTokenType").ValueKind);
        Assert.Equal(4000m, tx.GetProperty("energyWh").GetDecimal());
        Assert.Equal(before.GetProperty("transaction").GetProperty("startedAt").GetString(), tx.GetProperty("startedAt").GetString());
        Assert.Equal(before.GetProperty("transaction").GetProperty("endedAt").GetString(), tx.GetProperty("endedAt").GetString());
        Assert.DoesNotContain("CUST-2", after.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("OTHER-1", (await csms.GetJsonAsync("api/stations/CS-N10/transactions/TX-OTHER")).GetProperty("transaction").GetProperty("idToken").GetString());
        Assert.DoesNotContain("CUST-2", (await csms.GetJsonAsync("api/security-events")).GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("CUST-2", (await csms.GetJsonAsync("api/stations/CS-N10/messages")).GetRawText(), StringComparison.Ordinal);

        // The token is unknown now: an Authorize of it is answered as for any unknown token.
        var authorize = await connection.CallAsync(new AuthorizeRequest { IdToken = customer });
        Assert.NotEqual(AuthorizationStatusEnumType.Accepted, authorize.IdTokenInfo.Status);

        // The station's report of what it cleared, sent after its answer, is stored with the request.
        var requestId = station.Asked[0].RequestId;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var read = await csms.GetJsonAsync($"api/stations/CS-N10/customer-information/{requestId}");
        while (!read.GetProperty("complete").GetBoolean() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            read = await csms.GetJsonAsync($"api/stations/CS-N10/customer-information/{requestId}");
        }

        Assert.Equal("cleared: authorization cache entry", read.GetProperty("data").GetString());
        Assert.Equal(1, read.GetProperty("erased").GetProperty("idTokens").GetInt32());
    }
}
