using Microsoft.AspNetCore.Builder;
using Ohm.Cli.Bench;
using Ohm.Csms.Server;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Tests.Support;

namespace Ohm.Cli.Tests;

/// <summary>`ohm bench` runs for a few seconds with a few stations and reports; no figure is asserted.</summary>
public sealed class BenchSmokeTests
{
    private static BenchOptions Options(Uri url, BenchMix mix) => new()
    {
        Url = url,
        Stations = 4,
        Ramp = 100,
        Duration = TimeSpan.FromSeconds(2),
        Mix = mix,
        UpdatesPerTransaction = 2,
        Interval = TimeSpan.FromMilliseconds(20),
        Progress = false,
    };

    [Theory]
    [InlineData(BenchMix.Heartbeat)]
    [InlineData(BenchMix.Transactions)]
    [InlineData(BenchMix.Mixed)]
    public async Task The_bench_completes_and_reports_against_a_CSMS_that_is_not_Ohm(BenchMix mix)
    {
        await using var csms = await LoopbackCsms.StartAsync();
        csms.Handlers
            .On(OcppActions.BootNotification, (_, _, _) => ValueTask.FromResult(new BootNotificationResponse { CurrentTime = DateTimeOffset.UtcNow, Interval = 60, Status = RegistrationStatusEnumType.Accepted }))
            .On(OcppActions.Heartbeat, (_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow }))
            .On(OcppActions.StatusNotification, (_, _, _) => ValueTask.FromResult(new StatusNotificationResponse()))
            .On(OcppActions.Authorize, (_, _, _) => ValueTask.FromResult(new AuthorizeResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted } }))
            .On(OcppActions.TransactionEvent, (_, _, _) => ValueTask.FromResult(new TransactionEventResponse()));

        var result = await new BenchRunner(Options(csms.Endpoint, mix), TextWriter.Null).RunAsync(CancellationToken.None);

        Assert.Equal(4, result.ConnectionsEstablished);
        Assert.True(result.CallsAnswered > 4);
        Assert.Empty(result.Errors);
        Assert.Contains(result.RampLatency.Concat(result.Latency), l => l.Action == "BootNotification");
        Assert.Contains("| Action |", BenchReport.ToMarkdown(result), StringComparison.Ordinal);
        Assert.Contains("\"callsAnswered\"", BenchReport.ToJson(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bench_completes_and_reports_against_the_Ohm_CSMS_with_server_samples()
    {
        var data = Directory.CreateTempSubdirectory("ohm-bench-smoke-").FullName;
        var app = CsmsHost.Build(new Dictionary<string, string?>
        {
            ["Ocpp:Url"] = "http://127.0.0.1:0",
            ["Api:Url"] = "http://127.0.0.1:0",
            ["Csms:AcceptUnknown"] = "true",
            ["Api:AllowLoopbackWithoutKey"] = "true",
            ["Storage:DataFolder"] = data,
        }, data);
        await CsmsHost.StartAsync(app);
        try
        {
            var options = Options(CsmsHost.OcppEndpoint(app), BenchMix.Transactions);
            var result = await new BenchRunner(new BenchOptions
            {
                Url = options.Url, Stations = options.Stations, Ramp = options.Ramp, Duration = options.Duration, Mix = options.Mix,
                UpdatesPerTransaction = 2, Progress = false, ServerPid = Environment.ProcessId,
            }, TextWriter.Null).RunAsync(CancellationToken.None);

            Assert.True(result.ConnectionsEstablished == 4, $"{result.ConnectionsEstablished} of 4 connected: {string.Join("; ", result.ConnectErrors.Select(e => e.ToString()))}");
            Assert.Contains(result.RampLatency.Concat(result.Latency), l => l.Action == "BootNotification");
            Assert.NotEmpty(result.Server!);
            Assert.Contains("Server: peak RSS", BenchReport.ToMarkdown(result), StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Connections_that_cannot_be_made_are_counted_and_reported_not_thrown()
    {
        var result = await new BenchRunner(Options(new Uri("ws://127.0.0.1:1/ocpp"), BenchMix.Heartbeat), TextWriter.Null).RunAsync(CancellationToken.None);
        Assert.Equal(0, result.ConnectionsEstablished);
        Assert.Equal(4, result.ConnectionsFailed);
        Assert.NotEmpty(result.ConnectErrors);
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    public void Durations_are_read_with_their_unit(string text, double seconds)
    {
        var errors = new List<string>();
        Assert.Equal(TimeSpan.FromSeconds(seconds), BenchCommand.ParseDuration(text, "--duration", errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void A_bad_duration_names_the_option()
    {
        var errors = new List<string>();
        BenchCommand.ParseDuration("soon", "--duration", errors);
        Assert.Contains("--duration", Assert.Single(errors), StringComparison.Ordinal);
    }
}
