using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using static Ohm.Csms.Tests.TransactionTests;

namespace Ohm.Csms.Tests;

/// <summary>Storage and writer findings of the malformed-input generator, the load runs and the code review.</summary>
public sealed class StorageHardeningTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    private const string Timestamp = "2025-06-01T10:00:00Z";

    private static string Started(string txId, int seqNo, string meterValue = "", string idToken = "") =>
        $$"""{"eventType":"Started","timestamp":"{{Timestamp}}","triggerReason":"CablePluggedIn","seqNo":{{seqNo}},"transactionInfo":{"transactionId":"{{txId}}"},"evse":{"id":1,"connectorId":1}{{idToken}}{{meterValue}}}""";

    private static async Task<string> CallRawAsync(OcppConnection station, Ocpp.OcppAction action, string json) =>
        Encoding.UTF8.GetString(await station.CallRawAsync(action, Encoding.UTF8.GetBytes(json)));

    // Finding 1: a valid value whose multiplier overflows a decimal got InternalError; 1e-30 was stored as 0.
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Meter_values_are_stored_and_returned_as_the_station_wrote_them_even_beyond_a_decimal(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using var station = await csms.BootedStationAsync("CS-NUM");
        const string samples = """[{"timestamp":"2025-06-01T10:00:00Z","sampledValue":[{"value":7.9e28,"unitOfMeasure":{"unit":"Wh","multiplier":3}},{"value":1e-30,"measurand":"Voltage"},{"value":1234.5}]}]""";
        await CallRawAsync(station, OcppActions.TransactionEvent, Started("tx-num", 0, meterValue: $",\"meterValue\":{samples}"));
        await CallRawAsync(station, OcppActions.MeterValues, $"{{\"evseId\":1,\"meterValue\":{samples}}}");

        var tx = await csms.GetJsonAsync("api/stations/CS-NUM/transactions/tx-num");
        var values = tx.GetProperty("events")[0].GetProperty("meterValues")[0].GetProperty("sampledValue").EnumerateArray().Select(s => s.GetProperty("value").GetRawText()).ToList();
        Assert.Equal(["7.9e28", "1e-30", "1234.5"], values);
        Assert.Equal(3, tx.GetProperty("events")[0].GetProperty("meterValues")[0].GetProperty("sampledValue")[0].GetProperty("multiplier").GetInt32());

        // 7.9e28 kWh is no register reading the energy is computed from; 1234.5 Wh is, so the energy is 0.
        Assert.Equal(0m, tx.GetProperty("transaction").GetProperty("energyWh").GetDecimal());

        await using var context = csms.Database.CreateContext();
        var stored = await context.MeterValues.AsNoTracking().Where(m => m.StationId == "CS-NUM").Select(m => m.MeterValues).SingleAsync();
        Assert.Contains("7.9e28", stored, StringComparison.Ordinal);
        Assert.Contains("1e-30", stored, StringComparison.Ordinal);
    }

    // Finding 2: on PostgreSQL a string with U+0000 always failed, so such a TransactionEvent could never be stored.
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Strings_with_U0000_in_an_idToken_customData_and_meter_values_are_stored_and_read_back(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        var (status, _) = await csms.PostJsonAsync("api/id-tokens", """{"idToken":"N\u0000L","type":"ISO14443","groupIdToken":"G\u0000\uE000\uE001","groupIdTokenType":"Central"}""");
        Assert.Equal(201, status);
        await using var station = await csms.BootedStationAsync("CS-NUL");
        const string samples = """[{"timestamp":"2025-06-01T10:00:00Z","sampledValue":[{"value":1,"customData":{"vendorId":"v\u0000"},"signedMeterValue":{"signedMeterData":"s\u0000d","signingMethod":"m","encodingMethod":"e","publicKey":"k"}}]}]""";
        var response = await CallRawAsync(station, OcppActions.TransactionEvent, Started("tx-nul", 0, meterValue: $",\"meterValue\":{samples}", idToken: ""","idToken":{"idToken":"N\u0000L","type":"ISO14443","customData":{"vendorId":"c\u0000"}}"""));
        using (var answer = JsonDocument.Parse(response))
        {
            Assert.Equal("Accepted", answer.RootElement.GetProperty("idTokenInfo").GetProperty("status").GetString());
            Assert.Equal("G\0\uE000\uE001", answer.RootElement.GetProperty("idTokenInfo").GetProperty("groupIdToken").GetProperty("idToken").GetString());
        }

        var tx = await csms.GetJsonAsync("api/stations/CS-NUL/transactions/tx-nul");
        var e = tx.GetProperty("events")[0];
        Assert.Equal("N\0L", e.GetProperty("idToken").GetString());
        Assert.Equal("s\0d", e.GetProperty("meterValues")[0].GetProperty("sampledValue")[0].GetProperty("signedMeterData").GetString());
        var tokens = (await csms.GetJsonAsync("api/id-tokens")).GetProperty("items");
        Assert.Equal("N\0L", tokens[0].GetProperty("idToken").GetString());

        await using var context = csms.Database.CreateContext();
        var document = await context.TransactionEvents.AsNoTracking().Select(t => t.MeterValues).SingleAsync();
        Assert.Equal("v\0", JsonDocument.Parse(document!).RootElement[0].GetProperty("sampledValue")[0].GetProperty("customData").GetProperty("vendorId").GetString());
    }

    // Finding 3: the transaction API answered 500 for extreme seqNo values.
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task The_transaction_api_answers_for_seqNos_of_int_MaxValue_int_MinValue_and_negative(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using var station = await csms.BootedStationAsync("CS-SEQ");
        foreach (var seqNo in new[] { 0, int.MaxValue, int.MinValue, -5, 2 })
        {
            var e = Event("tx-seq", 1, seqNo == 0 ? TransactionEventEnumType.Started : TransactionEventEnumType.Updated);
            e.SeqNo = seqNo;
            await station.CallAsync(e);
        }

        var tx = await csms.GetJsonAsync("api/stations/CS-SEQ/transactions/tx-seq");
        var gaps = tx.GetProperty("gaps").EnumerateArray().Select(g => g.GetInt32()).ToList();
        Assert.Equal(1000, gaps.Count);
        Assert.Equal([1, 3, 4], gaps.Take(3));
        Assert.Equal(1001, gaps[^1]);
        Assert.Equal(5, tx.GetProperty("events").GetArrayLength());
        Assert.Equal(int.MaxValue, tx.GetProperty("transaction").GetProperty("lastSeqNo").GetInt32());
    }

    // Finding 3: a lone surrogate in an API body gave 500.
    [Fact]
    public async Task A_lone_surrogate_in_any_api_body_is_a_400_problem_naming_it()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.RegisterAsync("CS-SUR");
        const string lone = "\\ud800";
        var cases = new (string Method, string Path, string Body)[]
        {
            ("POST", "api/id-tokens", $$"""{"idToken":"{{lone}}","type":"ISO14443"}"""),
            ("PUT", "api/id-tokens/1", $$"""{"personalMessage":"{{lone}}"}"""),
            ("PUT", "api/stations/CS-SUR", $$"""{"bootPolicy":"{{lone}}"}"""),
            ("POST", "api/stations/CS-SUR/commands/data-transfer", $$"""{"vendorId":"{{lone}}"}"""),
            ("POST", "api/stations/CS-SUR/commands/reset", $$$"""{"type":"Immediate","customData":{"vendorId":"{{{lone}}}"}}"""),
            ("POST", "api/stations/CS-SUR/ocpp/DataTransfer", $$"""{"vendorId":"{{lone}}"}"""),
            ("POST", "api/id-tokens", """{"idToken":"""),
        };
        foreach (var (method, path, body) in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            var response = await csms.Api.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == 400, $"{method} {path} answered {(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString();
            Assert.False(string.IsNullOrWhiteSpace(detail), $"{method} {path}: {text}");
        }
    }

    // Finding 4: a token whose group token is of type eMAID made every Authorize answer InternalError (Enum.Parse).
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_token_with_an_eMAID_group_authorizes_and_its_TransactionEvent_is_acknowledged(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await csms.AddTokenAsync(new { idToken = "EMAID-1", type = "eMAID", groupIdToken = "GROUP-1", groupIdTokenType = "eMAID" });
        await using var station = await csms.BootedStationAsync("CS-EMAID");
        var token = new IdTokenType { IdToken = "EMAID-1", Type = IdTokenEnumType.EMAID };
        var authorize = await station.CallAsync(new AuthorizeRequest { IdToken = token });
        Assert.Equal(AuthorizationStatusEnumType.Accepted, authorize.IdTokenInfo.Status);
        Assert.Equal(IdTokenEnumType.EMAID, authorize.IdTokenInfo.GroupIdToken!.Type);
        var started = await station.CallAsync(Event("tx-emaid", 0, TransactionEventEnumType.Started, token: token));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, started.IdTokenInfo!.Status);

        // Stored in the wire spelling, as before the columns held enums.
        await using var context = csms.Database.CreateContext();
        var stored = await context.Database.SqlQueryRaw<string>("SELECT \"Type\" || '/' || \"GroupIdTokenType\" || '/' || \"Status\" AS \"Value\" FROM \"IdTokens\"").SingleAsync();
        Assert.Equal("eMAID/eMAID/Accepted", stored);
        var boot = await context.Database.SqlQueryRaw<string>("SELECT \"BootPolicy\" || '/' || \"RegistrationStatus\" AS \"Value\" FROM \"Stations\"").SingleAsync();
        Assert.Equal("Accepted/Accepted", boot);
        var listed = (await csms.GetJsonAsync("api/id-tokens")).GetProperty("items");
        Assert.Equal(("eMAID", "eMAID", "Accepted"), (listed[0].GetProperty("type").GetString(), listed[0].GetProperty("groupIdTokenType").GetString(), listed[0].GetProperty("status").GetString()));
    }

    // Finding 5: one disconnecting station's cancellation aborted the writer's shared batch, which was then replayed.
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_cancelled_station_write_does_not_abort_the_batch_it_shares_with_another_station(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        var writer = csms.App.Services.GetRequiredService<CsmsWriter>();
        var sessions = csms.App.Services.GetRequiredService<StationSessions>();
        var metering = csms.App.Services.GetRequiredService<Metering>();
        var (a, b) = SameShard(writer);
        await using var stationA = await csms.BootedStationAsync(a);
        await using var stationB = await csms.BootedStationAsync(b);
        var replayedBefore = writer.Replayed;

        // Hold the writer so that both writes queue up for one batch.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = writer.ExecuteForStationAsync(a, async _ =>
        {
            holding.SetResult();
            await gate.Task;
        });
        await holding.Task;

        using var cancel = new CancellationTokenSource();
        var context = new OcppCallContext(sessions.Find(a)!.Connection, "m-1", OcppActions.MeterValues);
        var request = new MeterValuesRequest { EvseId = 1, MeterValue = [new MeterValueType { Timestamp = DateTimeOffset.UtcNow, SampledValue = [new SampledValueType { Value = 1 }] }] };
        var cancelled = metering.MeterValuesAsync(request, context, cancel.Token).AsTask();
        await WaitUntilAsync(() => writer.Queued == 1);
        var other = stationB.CallAsync(Event("tx-b", 0, TransactionEventEnumType.Started, 100));
        await WaitUntilAsync(() => writer.Queued == 2);
        await cancel.CancelAsync();
        gate.SetResult();
        await hold;

        await other;
        await cancelled; // queued before the cancellation: committed, its statement not cancelled
        Assert.Equal(replayedBefore, writer.Replayed);
        await using var check = csms.Database.CreateContext();
        Assert.Equal(1, await check.MeterValues.CountAsync(m => m.StationId == a));
        Assert.Equal(1, await check.TransactionEvents.CountAsync(e => e.StationId == b));
    }

    // Finding 6: one station's large NotifyReports starved the small writes of 40 others.
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_batch_never_holds_more_than_its_size_bound_however_large_the_reports_queued(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        var writer = csms.App.Services.GetRequiredService<CsmsWriter>();
        var (a, b) = SameShard(writer);
        await using var stationA = await csms.BootedStationAsync(a);
        await using var stationB = await csms.BootedStationAsync(b);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = writer.ExecuteForStationAsync(a, async _ =>
        {
            holding.SetResult();
            await gate.Task;
        });
        await holding.Task;

        var report = stationA.CallAsync(Report(requestId: 1, seqNo: 0, tbc: false, components: 1, variables: 700, prefix: "A"));
        await WaitUntilAsync(() => writer.Queued == 1);
        var report2 = stationB.CallAsync(Report(requestId: 1, seqNo: 0, tbc: false, components: 1, variables: 700, prefix: "B"));
        await WaitUntilAsync(() => writer.Queued == 2);
        gate.SetResult();
        await Task.WhenAll(hold, report, report2);

        Assert.InRange(writer.LargestBatchSize, 1, CsmsWriter.MaxBatchSize);
        var model = await csms.GetJsonAsync($"api/stations/{b}/device-model");
        Assert.Equal(700, model.GetProperty("variableCount").GetInt32());
    }

    // Finding 6: each NotifyReport part reloaded the station's whole device model.
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Storing_NotifyReport_part_N_reads_none_of_the_rows_of_parts_1_to_N_minus_1(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using var station = await csms.BootedStationAsync("CS-PARTS");
        var loaded = new List<int>();
        csms.Database.DeviceVariablesLoaded = (stationId, rows) =>
        {
            if (stationId == "CS-PARTS")
            {
                lock (loaded)
                {
                    loaded.Add(rows);
                }
            }
        };
        for (var part = 0; part < 5; part++)
        {
            await station.CallAsync(Report(requestId: 7, seqNo: part, tbc: part < 4, components: 10, variables: 20, prefix: $"P{part}"));
        }

        Assert.Equal([0, 0, 0, 0, 0], loaded);
        var model = await csms.GetJsonAsync("api/stations/CS-PARTS/device-model");
        Assert.Equal(1000, model.GetProperty("variableCount").GetInt32());

        // A part that reports variables again reads just those.
        await station.CallAsync(Report(requestId: 8, seqNo: 0, tbc: false, components: 1, variables: 20, prefix: "P2"));
        Assert.Equal(20, loaded[^1]);
    }

    private static NotifyReportRequest Report(int requestId, int seqNo, bool tbc, int components, int variables, string prefix) => new()
    {
        RequestId = requestId,
        GeneratedAt = DateTimeOffset.UtcNow,
        SeqNo = seqNo,
        Tbc = tbc,
        ReportData = [.. Enumerable.Range(0, components).SelectMany(c => Enumerable.Range(0, variables).Select(v => new ReportDataType
        {
            Component = new ComponentType { Name = $"{prefix}Component{c}" },
            Variable = new VariableType { Name = $"{prefix}Variable{v}" },
            VariableAttribute = [new VariableAttributeType { Value = "1", Mutability = MutabilityEnumType.ReadOnly }],
        }))],
    };

    /// <summary>Two station ids whose writes go to the same writer loop (PostgreSQL has several).</summary>
    private static (string A, string B) SameShard(CsmsWriter writer)
    {
        var a = "CS-SHARD-A";
        var b = Enumerable.Range(0, 100).Select(i => $"CS-SHARD-B{i}").First(id => writer.ShardOf(id) == writer.ShardOf(a));
        return (a, b);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; !condition(); i++)
        {
            Assert.True(i < 3000, "the condition did not hold within 30 s");
            await Task.Delay(10);
        }
    }
}
