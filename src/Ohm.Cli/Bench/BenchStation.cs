using System.Diagnostics;
using System.Globalization;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Cli.Bench;

/// <summary>One simulated station of the benchmark: it connects, boots and sends its mix until told to stop.</summary>
#pragma warning disable CA1001 // The connection is disposed at the end of RunAsync, which owns the station's whole life.
internal sealed class BenchStation(string id, int index, BenchOptions options, BenchStats stats, IReadOnlyList<BenchStats> nodeStats, BenchScheduler scheduler, HttpMessageInvoker? invoker)
{
    private static readonly OcppHandlers Handlers = new OcppHandlers()
        .On(OcppActions.GetVariables, (r, _, _) => ValueTask.FromResult(new GetVariablesResponse
        {
            GetVariableResult = r.GetVariableData.Select(d => new GetVariableResultType { AttributeStatus = GetVariableStatusEnumType.UnknownComponent, Component = d.Component, Variable = d.Variable }).ToList(),
        }))
        .On(OcppActions.GetBaseReport, (_, _, _) => ValueTask.FromResult(new GetBaseReportResponse { Status = GenericDeviceModelStatusEnumType.NotSupported }))
        .On(OcppActions.TriggerMessage, (_, _, _) => ValueTask.FromResult(new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.NotImplemented }));

    private readonly IReadOnlyList<Uri> _urls = options.AllUrls;
    private OcppConnection? _connection;
    private bool _booted;
    private int _node = index % options.AllUrls.Count; // round-robin over the nodes

    /// <summary>Runs until stopped; with several URLs, a lost connection fails over to the next node (no new boot: the cluster is one CSMS).</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var start = _node;
        while (!stop.IsCancellationRequested)
        {
            if (!await ConnectAsync(start, stop).ConfigureAwait(false))
            {
                return;
            }

            if (!await RunConnectedAsync(stop).ConfigureAwait(false) || stop.IsCancellationRequested || _urls.Count == 1)
            {
                return;
            }

            // The node went away: another one first (spread by index, so that a dead node's stations do not all land on
            // the same one), this one last.
            start = (_node + 1 + (index % Math.Max(1, _urls.Count - 1))) % _urls.Count;
        }
    }

    /// <summary>Boots (once, on the first node that answers it) and runs the mix until stopped or the connection is lost; false when the CSMS refused the boot.</summary>
    private async Task<bool> RunConnectedAsync(CancellationToken stop)
    {
        try
        {
            if (!_booted)
            {
                if (!await BootAsync(stop).ConfigureAwait(false))
                {
                    return !_connection!.IsOpen; // lost during the boot: the next node is asked
                }

                _booted = true;
            }

            var mix = options.Mix == BenchMix.Mixed ? (index % 4 == 0 ? BenchMix.Transactions : BenchMix.Heartbeat) : options.Mix;
            switch (mix)
            {
                case BenchMix.Idle:
                    await Task.WhenAny(_connection!.Completion).WaitAsync(stop).ConfigureAwait(false); // until the connection ends, however it ends
                    break;
                case BenchMix.Heartbeat:
                    await HeartbeatsAsync(stop).ConfigureAwait(false);
                    break;
                default:
                    await TransactionsAsync(stop).ConfigureAwait(false);
                    break;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            await _connection!.DisposeAsync().ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Connects to the first node that answers, from <paramref name="start"/> on; false when none does.</summary>
    private async Task<bool> ConnectAsync(int start, CancellationToken stop)
    {
        string? reason = null;
        for (var i = 0; i < _urls.Count && !stop.IsCancellationRequested; i++)
        {
            var node = (start + i) % _urls.Count;
            var client = new OcppClientOptions
            {
                Endpoint = _urls[node],
                StationId = id,
                Password = options.Password,
                EnableCompression = options.Compression,
                Rpc = new OcppRpcOptions { CallTimeout = options.CallTimeout },
            };
            try
            {
                var (socket, _) = await OcppClient.OpenAsync(client, invoker, stop).ConfigureAwait(false);
                _node = node;
                _connection = new OcppConnection(socket, id, OcppRole.ChargingStation, Handlers, client.Rpc);
                var held = Current;
                _ = _connection.RunAsync(CancellationToken.None).ContinueWith(
                    _ =>
                    {
                        if (!stop.IsCancellationRequested)
                        {
                            stats.ConnectionLost();
                            held?.ConnectionLost();
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                stats.ConnectionOpened();
                Current?.ConnectionOpened();
                return true;
            }
            catch (OcppConnectException ex)
            {
                reason = ex.StatusCode is { } status ? $"HTTP {(int)status}" : Reason(ex);
                NodeStats(node)?.ConnectionFailed(reason);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        if (reason is not null)
        {
            stats.ConnectionFailed(reason);
        }

        return false;
    }

    /// <summary>The counters of the node the station is connected to, when the bench drives several.</summary>
    private BenchStats? Current => NodeStats(_node);

    private BenchStats? NodeStats(int node) => nodeStats.Count > 1 ? nodeStats[node] : null;

    private static string Reason(Exception ex)
    {
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException socket)
            {
                return socket.SocketErrorCode.ToString();
            }
        }

        return ex.InnerException?.GetType().Name ?? ex.GetType().Name;
    }

    private async Task<bool> BootAsync(CancellationToken stop)
    {
        for (var attempt = 0; attempt < 5 && !stop.IsCancellationRequested; attempt++)
        {
            var boot = await CallAsync(
                "BootNotification",
                new BootNotificationRequest
                {
                    Reason = BootReasonEnumType.PowerUp,
                    ChargingStation = new ChargingStationType { Model = "OhmBench", VendorName = "Ohm", SerialNumber = id, FirmwareVersion = "bench" },
                },
                stop).ConfigureAwait(false);
            if (boot is null)
            {
                return false;
            }

            if (boot.Status == RegistrationStatusEnumType.Accepted)
            {
                return true;
            }

            await scheduler.WaitAsync(TimeSpan.FromSeconds(Math.Clamp(boot.Interval, 1, 10))).WaitAsync(stop).ConfigureAwait(false);
        }

        return false;
    }

    private async Task HeartbeatsAsync(CancellationToken stop)
    {
        var count = 0;
        while (!stop.IsCancellationRequested)
        {
            var ok = options.Mix == BenchMix.Mixed && count++ % 10 == 9
                ? await CallAsync("StatusNotification", Status(ConnectorStatusEnumType.Available), stop).ConfigureAwait(false) is not null
                : await CallAsync("Heartbeat", new HeartbeatRequest(), stop).ConfigureAwait(false) is not null;
            if (!ok && !_connection!.IsOpen)
            {
                return;
            }

            await scheduler.WaitAsync(options.Interval).WaitAsync(stop).ConfigureAwait(false);
        }
    }

    private async Task TransactionsAsync(CancellationToken stop)
    {
        var token = new IdTokenType { IdToken = "BENCH" + index.ToString(CultureInfo.InvariantCulture), Type = IdTokenEnumType.Central };
        var evse = 1;
        var energy = 0m;
        while (!stop.IsCancellationRequested && _connection!.IsOpen)
        {
            var transactionId = Guid.NewGuid().ToString();
            var seqNo = 0;
            await Step("Authorize", new AuthorizeRequest { IdToken = token }).ConfigureAwait(false);
            if (options.Mix == BenchMix.Mixed)
            {
                await Step("StatusNotification", Status(ConnectorStatusEnumType.Occupied)).ConfigureAwait(false);
            }

            await Step("TransactionEvent", Event(TransactionEventEnumType.Started, TriggerReasonEnumType.Authorized, token)).ConfigureAwait(false);
            for (var i = 0; i < options.UpdatesPerTransaction && !stop.IsCancellationRequested; i++)
            {
                energy += 150;
                await Step("TransactionEvent", Event(TransactionEventEnumType.Updated, TriggerReasonEnumType.MeterValuePeriodic, null)).ConfigureAwait(false);
            }

            await Step("TransactionEvent", Event(TransactionEventEnumType.Ended, TriggerReasonEnumType.EVCommunicationLost, null)).ConfigureAwait(false);
            if (options.Mix == BenchMix.Mixed)
            {
                await Step("StatusNotification", Status(ConnectorStatusEnumType.Available)).ConfigureAwait(false);
            }

            evse = evse % 2 + 1;

            TransactionEventRequest Event(TransactionEventEnumType type, TriggerReasonEnumType trigger, IdTokenType? idToken) => new()
            {
                EventType = type,
                Timestamp = DateTimeOffset.UtcNow,
                TriggerReason = trigger,
                SeqNo = seqNo++,
                TransactionInfo = new TransactionType
                {
                    TransactionId = transactionId,
                    ChargingState = type == TransactionEventEnumType.Ended ? ChargingStateEnumType.Idle : ChargingStateEnumType.Charging,
                    StoppedReason = type == TransactionEventEnumType.Ended ? ReasonEnumType.EVDisconnected : null,
                },
                Evse = type == TransactionEventEnumType.Started ? new EVSEType { Id = evse, ConnectorId = 1 } : null,
                IdToken = idToken,
                MeterValue = [MeterValue(energy, type)],
            };
        }

        async Task Step<TResponse>(string action, IOcppRequest<TResponse> request)
            where TResponse : class, IOcppResponse
        {
            await CallAsync(action, request, stop).ConfigureAwait(false);
            await scheduler.WaitAsync(options.Interval).WaitAsync(stop).ConfigureAwait(false);
        }
    }

    /// <summary>A meter value with 10 sampled values, as a real AC charger reports them.</summary>
    private static MeterValueType MeterValue(decimal energyWh, TransactionEventEnumType type)
    {
        var context = type switch
        {
            TransactionEventEnumType.Started => ReadingContextEnumType.TransactionBegin,
            TransactionEventEnumType.Ended => ReadingContextEnumType.TransactionEnd,
            _ => ReadingContextEnumType.SamplePeriodic,
        };
        SampledValueType Sample(decimal value, MeasurandEnumType measurand, PhaseEnumType? phase, string unit) =>
            new() { Value = value, Measurand = measurand, Phase = phase, Context = context, Location = LocationEnumType.Outlet, UnitOfMeasure = new UnitOfMeasureType { Unit = unit } };
        return new MeterValueType
        {
            Timestamp = DateTimeOffset.UtcNow,
            SampledValue =
            [
                Sample(energyWh, MeasurandEnumType.EnergyActiveImportRegister, null, "Wh"),
                Sample(11000, MeasurandEnumType.PowerActiveImport, null, "W"),
                Sample(16, MeasurandEnumType.CurrentImport, PhaseEnumType.L1, "A"),
                Sample(16, MeasurandEnumType.CurrentImport, PhaseEnumType.L2, "A"),
                Sample(16, MeasurandEnumType.CurrentImport, PhaseEnumType.L3, "A"),
                Sample(230.1m, MeasurandEnumType.Voltage, PhaseEnumType.L1N, "V"),
                Sample(229.8m, MeasurandEnumType.Voltage, PhaseEnumType.L2N, "V"),
                Sample(230.4m, MeasurandEnumType.Voltage, PhaseEnumType.L3N, "V"),
                Sample(32, MeasurandEnumType.CurrentOffered, null, "A"),
                Sample(50, MeasurandEnumType.Frequency, null, "Hz"),
            ],
        };
    }

    private static StatusNotificationRequest Status(ConnectorStatusEnumType status) =>
        new() { Timestamp = DateTimeOffset.UtcNow, ConnectorStatus = status, EvseId = 1, ConnectorId = 1 };

    private async Task<TResponse?> CallAsync<TResponse>(string action, IOcppRequest<TResponse> request, CancellationToken stop)
        where TResponse : class, IOcppResponse
    {
        var started = Stopwatch.GetTimestamp();
        var node = Current;
        stats.CallSent();
        node?.CallSent();
        try
        {
            var response = await _connection!.CallAsync(request, stop).ConfigureAwait(false);
            var latency = Stopwatch.GetElapsedTime(started);
            stats.CallAnswered(action, latency);
            node?.CallAnswered(action, latency);
            return response;
        }
        catch (OcppCallErrorException ex)
        {
            Failed("CALLERROR " + ex.Code.ToWire());
        }
        catch (OcppCallTimeoutException)
        {
            Failed("Timeout");
        }
        catch (OcppConnectionClosedException)
        {
            Failed("Disconnected");
        }
        catch (OcppPayloadException)
        {
            Failed("Invalid response");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return null;

        void Failed(string kind)
        {
            stats.CallFailed(kind);
            node?.CallFailed(kind);
        }
    }
}
#pragma warning restore CA1001
