using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;
using Ohm.Station.Blocks;
using Ohm.Station.Context;
using Ohm.Station.DeviceModel;
using Ohm.Station.Hardware;
using Ohm.Station.Simulation;

namespace Ohm.Station;

/// <summary>
/// The charging-station engine: keeps the connection to the CSMS (with back-off on reconnect), registers with
/// BootNotification, sends heartbeats and the queued messages in order, and hosts the functional blocks that serve
/// the CSMS's calls (see <see cref="StationRouting"/>). State lives in a <see cref="StationStore"/> so that a restart,
/// or a killed process, goes on where it left off.
/// </summary>
public sealed partial class ChargingStation : IAsyncDisposable
{
    private static readonly JsonSerializerOptions RecordJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private readonly ILoggerFactory _loggerFactory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _queueSignal = new(0, int.MaxValue);
    private CancellationTokenSource _stopping = new();
    private TaskCompletionSource _online = CompletedSource();
    private TaskCompletionSource _heartbeatChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _bootNow = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _run;
    private Task? _ticker;
    private OcppConnection? _connection;
    private bool _restartRequested;
    private int _reconnectAttempt;
    private bool _sessionRan;
    private readonly SimulatedHardware? _ownSimulator;

    /// <summary>Creates a station; <see cref="StartAsync"/> starts it.</summary>
    public ChargingStation(StationOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = _loggerFactory.CreateLogger("Ohm.Station." + options.StationId);
        Background = new BackgroundWork(Logger);
        if (options.Hardware is { } hardware)
        {
            Hardware = hardware;
            Simulator = hardware.Ev as SimulatedHardware;
        }
        else
        {
            _ownSimulator = new SimulatedHardware(options.TimeProvider, options.DefaultEvPowerW) { FirmwareFolder = options.DataPath };
            Simulator = _ownSimulator;
            Hardware = StationHardware.Of(_ownSimulator);
        }

        // Each block sees the station only through its context (and the gate, where it serializes state changes), and
        // is given the blocks it uses: those are built first.
        IStationContext context = this;
        IStateGate gate = this;
        var events = new TransactionEvents(context);
        var cache = new AuthorizationCache(context);
        Metering = new Metering(context, events);
        Availability = new Availability(context, gate);
        Transactions = new Transactions(context, gate, events, Metering, Availability, cache);
        SecurityEvents = new SecurityEvents(context);
        LogUpload = new LogUpload(context, SecurityEvents, options.DataPath);
        NetworkProfiles = new NetworkProfiles(context, options, SecurityEvents);
        Endpoints = new CsmsEndpoints(options);
        Provisioning = new Provisioning(context, gate, this, Transactions, new SecurityVariables(context, SecurityEvents, NetworkProfiles));
        LocalAuthList = new LocalAuthList(context);
        Authorization = new Authorization(context, cache, LocalAuthList, Transactions);
        CustomerInformation = new CustomerInformation(context, gate, cache, LocalAuthList);
        RemoteControl = new RemoteControl(context, gate, Provisioning, Authorization, Transactions, events, Availability, Metering);
        DataTransfer = new DataTransfer(context, request => Options.DataTransferHandler?.Invoke(request));
        DisplayMessage = new DisplayMessage(context, Transactions, Availability);
        TariffCost = new TariffCost(context);
        Authorization.Tariffs = Transactions.Tariffs = TariffCost;
        Reservation = new Reservation(context, gate, Availability, Transactions, Authorization);
        SmartCharging = new SmartCharging(context, gate, Transactions, events, Metering, RemoteControl);
        Iso15118 = new Iso15118Charging(context, Transactions, SmartCharging);
        Security = new Security(context, SecurityEvents, options);
        PlugAndCharge = new PlugAndCharge(context, Authorization, Transactions, Security);
        RemoteControl.Security = Security;
        RemoteControl.LogUpload = LogUpload;
        Iso15118Certificates = new Iso15118Certificates(context, Security, SecurityEvents);
        Monitoring = new Monitoring(context);
        Firmware = new Firmware(context, gate, this, Security, SecurityEvents, Availability, Transactions);
        RemoteControl.Firmware = Firmware;
        NetworkProfiles.MissingCertificates = profile => // A05: the certificates a profile 2 or 3 needs, from block A's store
            profile < 2 ? null
            : Security.CsmsRoots.Count == 0 ? "no CSMSRootCertificate is installed"
            : profile == 3 && Security.ChargingStationCertificate is null ? "no ChargingStationCertificate is installed" : null;
        Handlers = StationRouting.Build(this);
    }

    /// <summary>The options the station was created with.</summary>
    public StationOptions Options { get; }

    /// <summary>The hardware the station drives (<see cref="StationOptions.Hardware"/>, the simulator by default).</summary>
    public StationHardware Hardware { get; }

    /// <summary>The simulator behind the hardware, when it is simulated; simulator inputs (EV power, a failing lock) go there.</summary>
    public SimulatedHardware? Simulator { get; }

    /// <summary>The station id.</summary>
    public string Id => Options.StationId;

    /// <summary>The durable state; open while the station runs.</summary>
    public StationStore Store { get; private set; } = null!;

    /// <summary>The device model; built at start.</summary>
    public StationDeviceModel Model { get; private set; } = null!;

    /// <summary>The EVSEs, by id.</summary>
    public IReadOnlyDictionary<int, Evse> Evses { get; private set; } = new Dictionary<int, Evse>();

    /// <summary>The last registration status the CSMS gave, or null before the first BootNotification answer.</summary>
    public RegistrationStatusEnumType? Registration { get; private set; }

    /// <summary>Whether the station is connected and Accepted.</summary>
    public bool IsOnline => Registration == RegistrationStatusEnumType.Accepted && _connection?.IsOpen == true;

    /// <summary>Whether the station is connected at all.</summary>
    public bool IsConnected => _connection?.IsOpen == true;

    /// <summary>The CSMS address of the open connection (one of <see cref="StationOptions.Endpoint"/> and its fallbacks, or a network profile's), or null.</summary>
    public Uri? ConnectedEndpoint { get; private set; }

    /// <summary>How many times the station has booted (BootNotification Accepted) since it was created.</summary>
    public int BootCount { get; private set; }

    /// <summary>Raised with a one-line description of what the station did; for the simulator's console and logs.</summary>
    public event Action<string>? Activity;

    /// <summary>Raised when the CSMS acknowledged a TransactionEvent (its CALLRESULT came), with the event as sent; a failover test counts them.</summary>
    public event Action<TransactionEventRequest>? TransactionEventAcknowledged;

    /// <summary>B: BootNotification, variables, reports, reset.</summary>
    public Provisioning Provisioning { get; }

    /// <summary>C: Authorize and the authorization cache.</summary>
    public Authorization Authorization { get; }

    /// <summary>I: tariff and cost, what the driver last saw per EVSE.</summary>
    public TariffCost TariffCost { get; }

    /// <summary>D: the local authorization list.</summary>
    public LocalAuthList LocalAuthList { get; }

    /// <summary>N09, N10: customer information, reported and cleared.</summary>
    public CustomerInformation CustomerInformation { get; }

    /// <summary>E: transactions.</summary>
    public Transactions Transactions { get; }

    /// <summary>F: remote start/stop, unlock, trigger.</summary>
    public RemoteControl RemoteControl { get; }

    /// <summary>G: status notifications, change availability, heartbeat.</summary>
    public Availability Availability { get; }

    /// <summary>H: reservations.</summary>
    public Reservation Reservation { get; }

    /// <summary>K: smart charging: the charging profiles, the composite schedules and the limits they set.</summary>
    public SmartCharging SmartCharging { get; }

    /// <summary>J: meter values.</summary>
    public Metering Metering { get; }

    /// <summary>P: data transfer.</summary>
    public DataTransfer DataTransfer { get; }

    /// <summary>O: display messages, and what each display shows.</summary>
    public DisplayMessage DisplayMessage { get; }

    /// <summary>K15-K17: ISO 15118 load levelling, the EV's needs and its chosen schedule.</summary>
    public Iso15118Charging Iso15118 { get; }

    /// <summary>C07, M01/M02, M06: Plug &amp; Charge, the EV's contract certificates and the OCSP status of the station's V2G certificate.</summary>
    public PlugAndCharge PlugAndCharge { get; }

    /// <summary>A: the connection's TLS, the station's keys and certificates.</summary>
    public Security Security { get; }

    /// <summary>M03-M05: the certificates the CSMS installs, lists and deletes.</summary>
    public Iso15118Certificates Iso15118Certificates { get; }

    /// <summary>N02-N08: the monitors on the device model's variables and the events they report.</summary>
    public Monitoring Monitoring { get; }
    /// <summary>L01, L02: firmware updates, signed or not.</summary>
    public Firmware Firmware { get; }
    /// <summary>N01: the station's diagnostics and security logs, and their upload (GetLog).</summary>
    public LogUpload LogUpload { get; }

    /// <summary>A04: the security events the station reports.</summary>
    public SecurityEvents SecurityEvents { get; }

    /// <summary>B09, B10, A05: the network connection profiles and which one the station connects with.</summary>
    public NetworkProfiles NetworkProfiles { get; }

    /// <summary>The addresses the start profile connects to, in failover order.</summary>
    internal CsmsEndpoints Endpoints { get; }

    internal OcppHandlers Handlers { get; }

    internal ILogger Logger { get; }

    /// <summary>The station's clock (<see cref="StationOptions.TimeProvider"/>).</summary>
    internal TimeProvider Clock => Options.TimeProvider;

    /// <summary>Now, by the station's clock.</summary>
    internal DateTimeOffset Now => Options.TimeProvider.GetUtcNow();

    /// <summary>The station's background tasks; stopping awaits them.</summary>
    internal BackgroundWork Background { get; }

    internal CancellationToken Stopping => _stopping.Token;

    internal BootReasonEnumType BootReason { get; set; } = BootReasonEnumType.PowerUp;

    /// <summary>Opens the store, builds the device model and starts connecting.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_run is not null)
        {
            throw new InvalidOperationException("The station runs already.");
        }

        _stopping = new CancellationTokenSource();
        Load();
        _run = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        _ticker = Task.Run(() => TickAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops cleanly: closes the connection, keeps everything queued in the store, and closes the store.</summary>
    public async Task StopAsync()
    {
        if (_run is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _online.TrySetResult();
        if (_connection is { } connection)
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_run, _ticker ?? Task.CompletedTask).ConfigureAwait(false);
        await Background.WhenIdleAsync().ConfigureAwait(false);
        LogUpload.Flush();
        _run = null;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            Store.Dispose();
        }
        finally
        {
            _gate.Release();
        }

        Registration = null;
    }

    /// <summary>
    /// Stops without closing anything in order, as a crash or a power cut would: the connection is aborted and the
    /// store closed where it stands. What was written is what a killed process leaves behind.
    /// </summary>
    public async Task CrashAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _online.TrySetResult();
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(_run ?? Task.CompletedTask, _ticker ?? Task.CompletedTask).ConfigureAwait(false);
            await Background.WhenIdleAsync().ConfigureAwait(false);
        }
        finally
        {
            _run = null;
            Store.Dispose();
        }
    }

    /// <summary>Simulates a network loss (true) or its end (false); messages produced meanwhile are queued.</summary>
    public async Task SetOfflineAsync(bool offline)
    {
        if (offline)
        {
            if (_online.Task.IsCompleted)
            {
                _online = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (_connection is { } connection)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            Report("offline");
        }
        else
        {
            _online.TrySetResult();
            Report("online");
        }
    }

    /// <summary>Whether the network is simulated as lost.</summary>
    public bool SimulatedOffline => !_online.Task.IsCompleted;

    /// <summary>
    /// The number of messages waiting in the persistent queue. Safe to read while the station reboots (Reset, a firmware
    /// install): between the close of its store and the open of the next it answers the count the store had when it
    /// closed, which is what the next one holds.
    /// </summary>
    public int QueueLength => Store.QueueLength();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _gate.Dispose();
        _queueSignal.Dispose();
        _stopping.Dispose();
        _ownSimulator?.Dispose();
        Firmware.Dispose();
    }

    /// <summary>Sends a CALL now (not queued); fails when offline.</summary>
    internal async Task<TResponse> CallAsync<TResponse>(IOcppRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : class, IOcppResponse
    {
        var connection = _connection;
        if (connection is null || !connection.IsOpen)
        {
            throw new OcppConnectionClosedException("The station is offline.");
        }

        var action = ((IOcppRequest)request).Action;
        if (Registration != RegistrationStatusEnumType.Accepted && action != OcppActions.BootNotification && action != OcppActions.NotifyReport && !Provisioning.TriggeredWhilePending)
        {
            throw new InvalidOperationException($"{action.Name} may not be sent before the CSMS accepted the station (B02/B03).");
        }

        Report("-> " + action.Name);
        return await CallWaits.WaitAsync(connection.CallAsync(request, CancellationToken.None), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues a message for in-order delivery. Transaction messages and critical security events are always kept
    /// (transaction messages flagged offline when produced offline); other messages are kept while offline only when
    /// QueueAllMessages is true.
    /// </summary>
    internal void Enqueue(IOcppRequest request)
    {
        var action = request.Action;
        var transactional = action == OcppActions.TransactionEvent;
        var critical = request is SecurityEventNotificationRequest security && SecurityEvents.IsCritical(security.Type); // A04: critical security events are kept offline
        var monitoring = request is NotifyEventRequest; // N07/N08: block N queues offline only what OfflineQueuingSeverity keeps
        if (!transactional && !critical && !monitoring && !IsOnline && !Model.Flag("OCPPCommCtrlr", "QueueAllMessages", false))
        {
            Report("dropped (offline) " + action.Name);
            return;
        }

        if (request is TransactionEventRequest tx && !IsConnected)
        {
            tx.Offline = true;
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(request, action.RequestTypeInfo);
        var error = action.ValidateRequest(payload);
        if (error is not null)
        {
            throw new OcppPayloadException(action.Name, error);
        }

        Store.Enqueue(action.Name, payload);
        _queueSignal.Release();
    }

    internal void Report(string message)
    {
        Logger.LogDebug("{StationId}: {Message}", Id, message);
        LogUpload?.Record(message); // N01: the diagnostics log
        Activity?.Invoke(message);
    }

    internal void SaveEvse(Evse evse)
    {
        var record = new EvseRecord
        {
            Plugged = evse.Plugged,
            BayOccupied = evse.BayOccupied,
            Token = evse.AuthorizedToken is null ? null : JsonSerializer.Serialize(evse.AuthorizedToken, OcppJsonContext.Default.IdTokenType),
            Group = evse.AuthorizedGroup is null ? null : JsonSerializer.Serialize(evse.AuthorizedGroup, OcppJsonContext.Default.IdTokenType),
            RemoteStartId = evse.RemoteStartId,
            Deauthorized = evse.Deauthorized,
            EvPowerW = Hardware.Ev.RequestedPowerW(evse.Id),
            Inoperative = evse.Inoperative,
            Scheduled = evse.ScheduledAvailability,
            EnergyWh = evse.EnergyWh,
            Transaction = evse.Transaction,
        };
        Store.SetRecord("evse:" + evse.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), JsonSerializer.Serialize(record, RecordJson));
    }

    /// <summary>Tears the session down and boots again with a fresh device model read from the store (B11/B12).</summary>
    internal void RequestRestart(BootReasonEnumType reason)
    {
        BootReason = reason;
        _restartRequested = true;
        if (_connection is { } connection)
        {
            Background.Run("close the connection for a restart", () => connection.CloseAsync());
        }
    }

    internal void HeartbeatIntervalChanged() => _heartbeatChanged.TrySetResult();

    internal void BootNow() => _bootNow.TrySetResult();

    internal void SignalQueue() => _queueSignal.Release();

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }

    private void Load()
    {
        Store = new StationStore(Options.DataPath);
        Hardware.Firmware.Boot(); // L01: firmware installed for this boot starts running
        Model = new StationDeviceModel(Options.Config ?? DeviceModelConfig.Builtin(), Store);
        Model.Changed += OnVariableChanged;
        LocalAuthList.Refresh();
        Model.LiveValue = (variable, type) => variable.Component.Name == "ClockCtrlr" && variable.Name == "DateTime" && type == AttributeEnumType.Actual
            ? Now.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)
            : Monitoring.LiveValue(variable, type);
        var evses = new Dictionary<int, Evse>();
        foreach (var id in Model.EvseIds)
        {
            var evse = new Evse(id) { LastEnergyUpdate = Now };
            if (Store.GetRecord("evse:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture)) is { } json
                && JsonSerializer.Deserialize<EvseRecord>(json, RecordJson) is { } record)
            {
                evse.Plugged = record.Plugged;
                evse.BayOccupied = record.BayOccupied;
                evse.AuthorizedToken = record.Token is null ? null : JsonSerializer.Deserialize(record.Token, OcppJsonContext.Default.IdTokenType);
                evse.AuthorizedGroup = record.Group is null ? null : JsonSerializer.Deserialize(record.Group, OcppJsonContext.Default.IdTokenType); // C09 across a restart
                evse.RemoteStartId = record.RemoteStartId;
                evse.Deauthorized = record.Deauthorized;
                evse.Inoperative = record.Inoperative;
                evse.ScheduledAvailability = record.Scheduled;
                evse.EnergyWh = record.EnergyWh;
                evse.Transaction = record.Transaction;

                // The simulated meter resumes from its last register, as a real meter keeps its own.
                Simulator?.Restore(id, record.EnergyWh, record.EvPowerW, record.Plugged);
                if (evse.AuthorizedToken is not null)
                {
                    evse.AuthorizedAt = Now;
                }
            }

            evses[id] = evse;
        }

        Evses = evses;
        Availability.Load();
        DisplayMessage.Load();
        Reservation.Load();
        SmartCharging.Load();
        Security.Load();
        Monitoring.Load();
        Firmware.Load();
        SecurityEvents.Raise(SecurityEventTypes.StartupOfTheDevice, "boot reason " + BootReason); // A04: every boot
    }

    private void OnVariableChanged(DeviceVariable variable)
    {
        Monitoring.OnVariableChanged(variable);
        if (variable.Component.Name == "OCPPCommCtrlr" && variable.Name == "HeartbeatInterval")
        {
            HeartbeatIntervalChanged();
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await _online.Task.WaitAsync(stopping).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            if (stopping.IsCancellationRequested)
            {
                break;
            }

            if (_restartRequested)
            {
                _restartRequested = false;
                await RestartEngineAsync().ConfigureAwait(false);
            }

            OcppConnection? connection = null;
            var target = NetworkProfiles.Current();
            Exception? failure = null;
            foreach (var candidate in Endpoints.Round(target))
            {
                try
                {
                    connection = await OcppClient.ConnectAsync(ConnectionOptions(candidate), Handlers, _loggerFactory.CreateLogger<OcppConnection>(), stopping).ConfigureAwait(false);
                    target = candidate;
                    break;
                }
                catch (Exception ex) when (ex is OcppConnectException or System.Net.WebSockets.WebSocketException or HttpRequestException or TimeoutException or IOException
                                           || (ex is OperationCanceledException && !stopping.IsCancellationRequested))
                {
                    failure = ex;
                    if (Endpoints.Count > 1)
                    {
                        Report($"connection to {candidate.Endpoint} failed ({ex.Message})");
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (connection is null)
            {
                if (stopping.IsCancellationRequested)
                {
                    break;
                }

                NetworkProfiles.Failed(target, failure!);
                var delay = ReconnectBackOff.Delay(
                    _reconnectAttempt++,
                    Model.Number("OCPPCommCtrlr", "RetryBackOffWaitMinimum", 5),
                    Model.Number("OCPPCommCtrlr", "RetryBackOffRepeatTimes", 3),
                    Model.Number("OCPPCommCtrlr", "RetryBackOffRandomRange", 10));
                Report($"connection failed ({failure!.Message}); next attempt in {delay.TotalSeconds:0.#} s");
                await Task.WhenAny(Task.Delay(delay, Clock, stopping)).ConfigureAwait(false);
                continue;
            }

            _reconnectAttempt = 0;
            _sessionRan = false;
            _connection = connection;
            ConnectedEndpoint = target.Endpoint;
            Endpoints.Connected(target);
            NetworkProfiles.Connected(target);
            Report(Endpoints.Count > 1 ? $"connected to {target.Endpoint}" : "connected");
            try
            {
                await RunConnectedAsync(connection, stopping).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The session's failure must never end the station: it reconnects.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Logger.LogWarning(ex, "Session of {StationId} ended with an error", Id);
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
                ConnectedEndpoint = null;
                Report("disconnected");
            }

            if (!stopping.IsCancellationRequested && !_restartRequested && !SimulatedOffline)
            {
                // A session that ran on one node of several fails over to the next at once (its node went away); a
                // connection that ended before its session ran, or the only address there is, waits the back-off first.
                if (_sessionRan && Endpoints.CanFailOver(target))
                {
                    Endpoints.Dropped(target);
                    Report("failing over to the next CSMS address");
                    continue;
                }

                var delay = ReconnectBackOff.Delay(
                    _reconnectAttempt++,
                    Model.Number("OCPPCommCtrlr", "RetryBackOffWaitMinimum", 5),
                    Model.Number("OCPPCommCtrlr", "RetryBackOffRepeatTimes", 3),
                    Model.Number("OCPPCommCtrlr", "RetryBackOffRandomRange", 10));
                await Task.WhenAny(Task.Delay(delay, Clock, stopping)).ConfigureAwait(false);
            }
        }
    }

    private async Task RestartEngineAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            Model.Changed -= OnVariableChanged;
            Store.Dispose();
            Load();
            Registration = null;
            Report("engine restarted");
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RunConnectedAsync(OcppConnection connection, CancellationToken stopping)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var watcher = CancelWhenClosedAsync(connection.Completion, session);
        try
        {
            await RunSessionAsync(connection, session.Token).ConfigureAwait(false);
        }
        finally
        {
            // The watcher is awaited before the token source is disposed: it never cancels a disposed source.
            await session.CancelAsync().ConfigureAwait(false);
            await watcher.ConfigureAwait(false);
        }
    }

    /// <summary>Cancels the session when the connection ends; returns when it did, or when the session ended first.</summary>
    private static async Task CancelWhenClosedAsync(Task completion, CancellationTokenSource session)
    {
        try
        {
            await completion.WaitAsync(session.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await session.CancelAsync().ConfigureAwait(false);
    }

    private async Task RunSessionAsync(OcppConnection connection, CancellationToken token)
    {
        if (Registration != RegistrationStatusEnumType.Accepted)
        {
            // B01-B03: register; while Pending or Rejected, retry after the interval the CSMS gave.
            while (!token.IsCancellationRequested)
            {
                _bootNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                BootNotificationResponse response;
                try
                {
                    response = await Provisioning.SendBootNotificationAsync(token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OcppCallErrorException or OcppCallTimeoutException or OcppPayloadException)
                {
                    Report("BootNotification failed: " + ex.Message);
                    await Task.WhenAny(Task.Delay(Options.DefaultBootRetry, Clock, token), _bootNow.Task).ConfigureAwait(false);
                    continue;
                }

                Registration = response.Status;
                Report("registration " + response.Status);
                if (response.Status == RegistrationStatusEnumType.Accepted)
                {
                    if (response.Interval > 0)
                    {
                        Model.SetInternal(new ComponentKey("OCPPCommCtrlr"), "HeartbeatInterval", response.Interval.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }

                    BootCount++;
                    BootReason = BootReasonEnumType.PowerUp;
                    break;
                }

                var wait = response.Interval > 0 ? TimeSpan.FromSeconds(response.Interval) : Options.DefaultBootRetry;
                await Task.WhenAny(Task.Delay(wait, Clock, token), _bootNow.Task).ConfigureAwait(false);
            }

            if (token.IsCancellationRequested)
            {
                return;
            }

            await Availability.ReportAllAsync(force: true).ConfigureAwait(false);
            await Transactions.ResumeAfterAcceptedAsync().ConfigureAwait(false);
            Firmware.AfterAccepted();
        }
        else
        {
            await Availability.ReportAllAsync(force: false).ConfigureAwait(false);
        }

        _sessionRan = true;
        var heartbeat = HeartbeatLoopAsync(token);
        var queue = QueueLoopAsync(connection, token);
        await Task.WhenAll(heartbeat, queue).ConfigureAwait(false);
    }

    private async Task HeartbeatLoopAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            _heartbeatChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var interval = Model.Number("OCPPCommCtrlr", "HeartbeatInterval", 300);
            var delay = Task.Delay(TimeSpan.FromSeconds(Math.Max(1, interval)), Clock, token);
            var done = await Task.WhenAny(delay, _heartbeatChanged.Task).ConfigureAwait(false);
            if (token.IsCancellationRequested)
            {
                break;
            }

            if (done != delay)
            {
                continue;
            }

            try
            {
                await Availability.SendHeartbeatAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OcppCallErrorException or OcppCallTimeoutException or OcppPayloadException or OcppConnectionClosedException or OperationCanceledException)
            {
                Report("Heartbeat failed: " + ex.Message);
            }
        }
    }

    private async Task QueueLoopAsync(OcppConnection connection, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            var message = Store.PeekQueue();
            if (message is null)
            {
                try
                {
                    // Every Enqueue releases the signal once, so no message is missed without polling.
                    await _queueSignal.WaitAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            var action = OcppActions.Find(message.Action)!;
            try
            {
                Report("-> " + action.Name + " (queued)");
                var response = await CallWaits.WaitAsync(connection.CallRawAsync(action, message.Payload, CancellationToken.None), token).ConfigureAwait(false);
                Store.Dequeue(message.Id);
                if (action == OcppActions.TransactionEvent)
                {
                    var request = JsonSerializer.Deserialize(message.Payload, OcppJsonContext.Default.TransactionEventRequest)!;
                    await Transactions.OnResponseAsync(request, (TransactionEventResponse)action.ReadResponse(response)).ConfigureAwait(false);
                    TransactionEventAcknowledged?.Invoke(request);
                }
            }
            catch (Exception ex) when (ex is OcppCallErrorException or OcppCallTimeoutException or OcppPayloadException)
            {
                // E13: retry per MessageAttemptsTransactionEvent / MessageAttemptIntervalTransactionEvent; a resend is the same payload, so the same seqNo.
                var attempts = message.Attempts + 1;
                var max = Model.Number("OCPPCommCtrlr", "MessageAttemptsTransactionEvent", 3);
                var permanent = ex is OcppCallErrorException { Code: OcppErrorCode.NotSupported or OcppErrorCode.NotImplemented };
                if (action != OcppActions.TransactionEvent || attempts >= max || permanent)
                {
                    Report($"{action.Name} given up after {attempts} attempt(s): {ex.Message}");
                    Store.Dequeue(message.Id);
                    continue;
                }

                Store.CountAttempt(message.Id);
                var interval = Model.Number("OCPPCommCtrlr", "MessageAttemptIntervalTransactionEvent", 10);
                Report($"{action.Name} failed ({ex.Message}); attempt {attempts + 1} in {interval * attempts} s");
                await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(interval * attempts), Clock, token)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OcppConnectionClosedException or OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task TickAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                await _gate.WaitAsync(stopping).ConfigureAwait(false);
                try
                {
                    var now = Now;
                    Transactions.Tick(now);
                    Metering.Tick(now);
                    DisplayMessage.Tick(now);
                    Reservation.Tick(now);
                    SmartCharging.Tick(now);
                    Security.Tick(now);
                    PlugAndCharge.Tick(now);
                    Monitoring.Tick(now);
                }
#pragma warning disable CA1031 // The ticker must survive one bad tick.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Logger.LogWarning(ex, "Tick of {StationId} failed", Id);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class EvseRecord
    {
        public bool Plugged { get; set; }

        public bool BayOccupied { get; set; }

        public string? Token { get; set; }

        public string? Group { get; set; }

        public int? RemoteStartId { get; set; }

        public bool Deauthorized { get; set; }

        public decimal EvPowerW { get; set; }

        public bool Inoperative { get; set; }

        public OperationalStatusEnumType? Scheduled { get; set; }

        public decimal EnergyWh { get; set; }

        public TransactionState? Transaction { get; set; }
    }
}
