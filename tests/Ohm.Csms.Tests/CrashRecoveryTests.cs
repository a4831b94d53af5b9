using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;
using Xunit.Abstractions;
using static Ohm.Csms.Tests.TransactionTests;

namespace Ohm.Csms.Tests;

/// <summary>Persist before acknowledging: what the CSMS acknowledged survives a kill -9 of its process.</summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Events = 1000;
    private const string StationId = "CS-CRASH";
    private const string TransactionId = "tx-crash";

    [Fact]
    public async Task Every_acknowledged_TransactionEvent_is_stored_exactly_once_after_the_server_is_killed_and_restarted()
    {
        var data = Directory.CreateTempSubdirectory("ohm-crash-").FullName;
        var port = FreePort();
        var apiPort = FreePort();
        var endpoint = new Uri($"ws://127.0.0.1:{port}/ocpp");
        var acknowledged = new HashSet<int>();
        // A random event, not a random time: how long 1,000 events take depends on the machine's load, and a time past
        // the last event would not kill the server at all.
        var killAt = Random.Shared.Next(1, Events - 1);
        var log = new ConcurrentQueue<string>();
        var run = 1;
        log.Enqueue($"test: the server is killed before seqNo {killAt} is sent");
        var server = Start(data, port, apiPort, log, run);
        var killed = false;
        var clock = new Stopwatch();
        try
        {
            try
            {
                var next = 0;
                while (next < Events)
                {
                    await using var station = await ConnectAsync(endpoint);
                    await station.CallAsync(new BootNotificationRequest { Reason = BootReasonEnumType.PowerUp, ChargingStation = new ChargingStationType { Model = "M", VendorName = "V" } });
                    clock.Start();
                    try
                    {
                        for (; next < Events; next++)
                        {
                            if (!killed && next >= killAt)
                            {
                                killed = true;
                                log.Enqueue($"test: killing the server at seqNo {next}, {clock.Elapsed.TotalMilliseconds:0} ms in");
                                server.Kill(entireProcessTree: true);
                            }

                            var type = next == 0 ? TransactionEventEnumType.Started : next == Events - 1 ? TransactionEventEnumType.Ended : TransactionEventEnumType.Updated;
                            await station.CallAsync(Event(TransactionId, next, type, energyWh: next * 10));
                            acknowledged.Add(next);
                        }
                    }
                    catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or System.Net.WebSockets.WebSocketException or IOException)
                    {
                        // Not acknowledged: resend it with the same seqNo, after a restart if the server is the one killed. A
                        // call can also time out on a live server on a loaded machine: then waiting for the server to exit
                        // would wait forever (the cause of the test's flakiness), so reconnect to it instead.
                        log.Enqueue($"test: seqNo {next} not acknowledged ({ex.GetType().Name}: {ex.Message}); server exited: {server.HasExited}");
                        if (killed && !server.HasExited && ex is not OcppCallTimeoutException)
                        {
                            await server.WaitForExitAsync();
                        }

                        if (server.HasExited)
                        {
                            server.Dispose();
                            server = Start(data, port, apiPort, log, ++run);
                        }
                    }
                }
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
                server.Dispose();
            }

            Assert.True(killed, "the server was to be killed while events were being sent");
            var database = CsmsDatabase.InDataFolder(data);
            await using var db = database.CreateContext();
            var stored = await db.TransactionEvents.Where(e => e.TransactionId == TransactionId).Select(e => e.SeqNo).ToListAsync();
            Assert.Equal(Events, acknowledged.Count);
            Assert.Equal(stored.Count, stored.Distinct().Count());
            Assert.Equal(Enumerable.Range(0, Events), stored.Order());
            var tx = await db.Transactions.SingleAsync(t => t.TransactionId == TransactionId);
            Assert.Equal("Ended", tx.State);
            Assert.Equal(Events, tx.EventCount);
        }
        catch (Exception ex)
        {
            // The server's own output and the kill moment, without which a failure here cannot be explained.
            output.WriteLine(string.Join(Environment.NewLine, log));
            Assert.Fail($"{ex}{Environment.NewLine}Kill before seqNo {killAt}; test and server output (last 200 lines):{Environment.NewLine}{string.Join(Environment.NewLine, log.TakeLast(200))}");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }

    private static async Task<OcppConnection> ConnectAsync(Uri endpoint)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await OcppClient.ConnectAsync(
                    new OcppClientOptions { Endpoint = endpoint, StationId = StationId, Rpc = new OcppRpcOptions { CallTimeout = TimeSpan.FromSeconds(30) } },
                    new OcppHandlers());
            }
            catch (OcppConnectException) when (attempt < 600)
            {
                await Task.Delay(100);
            }
        }
    }

    private static Process Start(string data, int port, int apiPort, ConcurrentQueue<string> log, int run)
    {
        var root = Ohm.Ocpp.Generator.RepositoryRoot.Find(AppContext.BaseDirectory);
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var cli = Path.Combine(root, "src", "Ohm.Cli", "bin", configuration, "net10.0", "ohm.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { cli, "csms", "--accept-unknown", "--ocpp-url", $"http://127.0.0.1:{port}", "--api-url", $"http://127.0.0.1:{apiPort}", "--data", data },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = data,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start ohm csms.");
        log.Enqueue($"test: server run {run} started (pid {process.Id})");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log.Enqueue($"server {run}: {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log.Enqueue($"server {run} stderr: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
