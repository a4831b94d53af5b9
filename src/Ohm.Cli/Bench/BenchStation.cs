using System.Diagnostics;
using System.Globalization;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Cli.Bench;

/// <summary>One simulated station of the benchmark: it connects, boots and sends its mix until told to stop.</summary>
#pragma warning disable CA1001 // The connection is disposed at the end of RunAsync, which owns the station's whole life.
internal sealed class BenchStation(string id, int index, BenchOptions options, BenchStats stats, BenchScheduler scheduler, HttpMessageInvoker? invoker)
{
    private static readonly OcppHandlers Handlers = new OcppHandlers()
        .On(OcppActions.GetVariables, (r, _, _) => ValueTask.FromResult(new GetVariablesResponse
        {
            GetVariableResult = r.GetVariableData.Select(d => new GetVariableResultType { AttributeStatus = GetVariableStatusEnumType.UnknownComponent, Component = d.Component, Variable = d.Variable }).ToList(),
        }))
        .On(OcppActions.GetBaseReport, (_, _, _) => ValueTask.FromResult(new GetBaseReportResponse { Status = GenericDeviceModelStatusEnumType.NotSupported }))
        .On(OcppActions.TriggerMessage, (_, _, _) => ValueTask.FromResult(new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.NotImplemented }));

    private OcppConnection? _connection;

    public async Task RunAsync(CancellationToken stop)
    {
        if (!await ConnectAsync(stop).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            if (!await BootAsync(stop).ConfigureAwait(false))
            {
                return;
            }

            var mix = options.Mix == BenchMix.Mixed ? (index % 4 == 0 ? BenchMix.Transactions : BenchMix.Heartbeat) : options.Mix;
            switch (mix)
            {
                case BenchMix.Idle:
                    await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
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
    }

    private async Task<bool> ConnectAsync(CancellationToken stop)
    {
        var client = new OcppClientOptions
        {
            Endpoint = options.Url,
            StationId = id,
            Password = options.Password,
            EnableCompression = options.Compression,
            Rpc = new OcppRpcOptions { CallTimeout = options.CallTimeout },
        };
        try
        {
            var (socket, _) = await OcppClient.OpenAsync(client, invoker, stop).ConfigureAwait(false);
            _connection = new OcppConnection(socket, id, OcppRole.ChargingStation, Handlers, client.Rpc);
            _ = _connection.RunAsync(CancellationToken.None).ContinueWith(
                _ =>
                {
                    if (!stop.IsCancellationRequested)
                    {
                        stats.ConnectionLost();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            stats.ConnectionOpened();
            return true;
        }
        catch (OcppConnectException ex)
        {
            stats.ConnectionFailed(ex.StatusCode is { } status ? $"HTTP {(int)status}" : Reason(ex));
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

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
        stats.CallSent();
        try
        {
            var response = await _connection!.CallAsync(request, stop).ConfigureAwait(false);
            stats.CallAnswered(action, Stopwatch.GetElapsedTime(started));
            return response;
        }
        catch (OcppCallErrorException ex)
        {
            stats.CallFailed("CALLERROR " + ex.Code.ToWire());
        }
        catch (OcppCallTimeoutException)
        {
            stats.CallFailed("Timeout");
        }
        catch (OcppConnectionClosedException)
        {
            stats.CallFailed("Disconnected");
        }
        catch (OcppPayloadException)
        {
            stats.CallFailed("Invalid response");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return null;
    }
}
#pragma warning restore CA1001
