using Ohm.Ocpp.Messages;
using Ohm.Station.DeviceModel;
using Ohm.Station.Hardware;

namespace Ohm.Station.Simulation;

/// <summary>
/// The simulated charger behind every hardware seam: the meter integrates the energy the EV draws while the relay is
/// closed, derives current from power and voltage, and signs its register reading; the lock can be told to fail; the
/// EV draws the power it is told to and reports a state of charge.
/// </summary>
public sealed partial class SimulatedHardware : IEnergyMeter, IConnectorLock, IPowerPath, IChargingRateControl, IStationDisplay, IEvCommunication, IFirmwareInstaller, ISensors, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Outlet> _outlets = [];
    private readonly TimeProvider _clock;
    private readonly decimal _defaultEvPowerW;

    /// <summary>Creates the simulator on a clock; an EV draws <paramref name="defaultEvPowerW"/> unless told otherwise.</summary>
    public SimulatedHardware(TimeProvider? clock = null, decimal defaultEvPowerW = 11000)
    {
        _clock = clock ?? TimeProvider.System;
        _defaultEvPowerW = defaultEvPowerW;
    }

    /// <summary>The simulated grid voltage per phase, in V.</summary>
    public decimal Voltage { get; set; } = 230m;

    /// <summary>The number of phases the outlet supplies.</summary>
    public int Phases { get; set; } = 3;

    /// <summary>The current the charger offers, in A (smart charging lowers it later).</summary>
    public decimal CurrentOfferedA { get; set; } = 32m;

    /// <summary>Whether the meter signs its register readings (only then may the station claim DataSigned).</summary>
    public bool SignsReadings { get; set; } = true;

    /// <summary>Whether the EV reports its state of charge.</summary>
    public bool EvReportsSoC { get; set; } = true;

    /// <summary>The meter's signing key, made for this simulator.</summary>
    public MeterSigner Signer { get; } = new();

    /// <summary>The messages shown on the display, oldest first.</summary>
    public IReadOnlyList<string> Displayed
    {
        get
        {
            lock (_lock)
            {
                return [.. _displayed];
            }
        }
    }

    private readonly List<string> _displayed = [];

    // Per display (0: the station's, else the EVSE id): the display message on now, the last transient text.
    private readonly Dictionary<int, MessageContentType> _standing = [];
    private readonly Dictionary<int, string> _lastText = [];

    /// <summary>Makes the next unlocks of an EVSE fail (true) or work again (false).</summary>
    public void FailUnlock(int evseId, bool fail = true)
    {
        lock (_lock)
        {
            Get(evseId).UnlockFails = fail;
        }
    }

    /// <summary>Simulator input: the power the EV draws, in W.</summary>
    public void SetEvPower(int evseId, decimal watts)
    {
        lock (_lock)
        {
            var outlet = Integrate(evseId);
            outlet.EvPowerW = watts;
        }
    }

    /// <summary>Simulator input: the cable is plugged in or out.</summary>
    public void SetPlugged(int evseId, bool plugged)
    {
        lock (_lock)
        {
            Integrate(evseId).Plugged = plugged;
        }
    }

    /// <summary>Restores a meter's register and the EV's power (after a restart: a real meter keeps its register).</summary>
    public void Restore(int evseId, decimal registerWh, decimal evPowerW, bool plugged)
    {
        lock (_lock)
        {
            var outlet = Get(evseId);
            outlet.RegisterWh = registerWh;
            outlet.EvPowerW = evPowerW;
            outlet.Plugged = plugged;
            outlet.Updated = _clock.GetUtcNow();
        }
    }

    /// <inheritdoc/>
    public MeterReading? Read(int evseId, MeasurandEnumType measurand)
    {
        lock (_lock)
        {
            var outlet = Integrate(evseId);
            var power = outlet.Closed && outlet.Plugged ? Drawn(outlet) : 0m;
            return measurand switch
            {
                MeasurandEnumType.EnergyActiveImportRegister => new MeterReading(outlet.RegisterWh, "Wh", Signature: SignsReadings ? Signer.Sign(evseId, outlet.RegisterWh, _clock.GetUtcNow()) : null),
                MeasurandEnumType.PowerActiveImport => new MeterReading(power, "W"),
                MeasurandEnumType.CurrentImport => new MeterReading(power / (Voltage * Phases), "A"),
                MeasurandEnumType.CurrentOffered => new MeterReading(Offered(outlet), "A"),
                MeasurandEnumType.Voltage => new MeterReading(Voltage, "V"),
                _ => null,
            };
        }
    }

    /// <inheritdoc/>
    public ValueTask<UnlockResult> UnlockAsync(int evseId, int connectorId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(Get(evseId).UnlockFails ? UnlockResult.UnlockFailed : UnlockResult.Unlocked);
        }
    }

    /// <inheritdoc/>
    public void Close(int evseId)
    {
        lock (_lock)
        {
            Integrate(evseId).Closed = true;
        }
    }

    /// <inheritdoc/>
    public void Open(int evseId)
    {
        lock (_lock)
        {
            Integrate(evseId).Closed = false;
        }
    }

    /// <inheritdoc/>
    public bool IsClosed(int evseId)
    {
        lock (_lock)
        {
            return Get(evseId).Closed;
        }
    }

    /// <inheritdoc/>
    public bool EnergyFlows(int evseId)
    {
        lock (_lock)
        {
            var outlet = Get(evseId);
            return outlet.Closed && outlet.Plugged && Drawn(outlet) > 0;
        }
    }

    /// <inheritdoc/>
    public void SetLimit(int evseId, decimal? watts)
    {
        lock (_lock)
        {
            Integrate(evseId).LimitW = watts is null ? null : Math.Max(0m, watts.Value);
        }
    }

    /// <inheritdoc/>
    public decimal? Limit(int evseId)
    {
        lock (_lock)
        {
            return Get(evseId).LimitW;
        }
    }

    /// <inheritdoc/>
    public void Show(int? evseId, string message)
    {
        lock (_lock)
        {
            _displayed.Add(evseId is null ? message : $"EVSE {evseId}: {message}");
            _lastText[evseId ?? 0] = message;
        }
    }

    /// <inheritdoc/>
    public void ShowMessage(int? evseId, MessageContentType? message)
    {
        lock (_lock)
        {
            if (message is null)
            {
                _standing.Remove(evseId ?? 0);
            }
            else
            {
                _standing[evseId ?? 0] = message;
            }
        }
    }

    /// <summary>The display message on now at an EVSE's display, or the station's (null); null when none is on.</summary>
    public MessageContentType? ShowingMessage(int? evseId)
    {
        lock (_lock)
        {
            return _standing.GetValueOrDefault(evseId ?? 0);
        }
    }

    /// <summary>What each display shows now, the station's first (EvseId null), then the EVSEs' by id: the display message on, and the last transient text.</summary>
    public IReadOnlyList<DisplayScreen> Screens(IEnumerable<int> evseIds)
    {
        ArgumentNullException.ThrowIfNull(evseIds);
        lock (_lock)
        {
            return [.. new int?[] { null }.Concat(evseIds.Order().Select(id => (int?)id))
                .Select(id => new DisplayScreen(id, _standing.GetValueOrDefault(id ?? 0), _lastText.GetValueOrDefault(id ?? 0)))];
        }
    }

    /// <inheritdoc/>
    public bool IsPlugged(int evseId)
    {
        lock (_lock)
        {
            return Get(evseId).Plugged;
        }
    }

    /// <inheritdoc/>
    public decimal RequestedPowerW(int evseId)
    {
        lock (_lock)
        {
            return Get(evseId).EvPowerW;
        }
    }

    /// <inheritdoc/>
    public decimal? StateOfCharge(int evseId)
    {
        lock (_lock)
        {
            var outlet = Integrate(evseId);

            // The simulated battery: 20 % when plugged, one percent per 600 Wh.
            return EvReportsSoC && outlet.Plugged ? Math.Min(100m, 20m + (outlet.RegisterWh / 600m)) : null;
        }
    }

    /// <inheritdoc/>

    /// <inheritdoc/>
    public void Dispose()
    {
        Signer.Dispose();
        _mobilityOperator?.Dispose();
    }

    private Outlet Get(int evseId)
    {
        if (!_outlets.TryGetValue(evseId, out var outlet))
        {
            outlet = new Outlet { EvPowerW = _defaultEvPowerW, Updated = _clock.GetUtcNow() };
            _outlets[evseId] = outlet;
        }

        return outlet;
    }

    /// <summary>Adds the energy delivered since the last update to the register. Call under the lock.</summary>
    private Outlet Integrate(int evseId)
    {
        var outlet = Get(evseId);
        var now = _clock.GetUtcNow();
        var seconds = (decimal)(now - outlet.Updated).TotalSeconds;
        outlet.Updated = now;
        if (seconds > 0 && outlet.Closed && outlet.Plugged && Drawn(outlet) > 0)
        {
            outlet.RegisterWh += Drawn(outlet) * seconds / 3600m;
        }

        return outlet;
    }

    /// <summary>The current offered: the charger's, at most its limit (K: smart charging) in A.</summary>
    private decimal Offered(Outlet outlet) =>
        outlet.LimitW is { } limit ? Math.Round(Math.Min(CurrentOfferedA, limit / (Voltage * Phases)), 1) : CurrentOfferedA;

    /// <summary>What the EV draws: the power it asks for, at most the charger's limit.</summary>
    private static decimal Drawn(Outlet outlet) => outlet.LimitW is { } limit ? Math.Min(outlet.EvPowerW, limit) : outlet.EvPowerW;

    private sealed class Outlet
    {
        public bool Plugged { get; set; }

        public bool Closed { get; set; }

        public decimal EvPowerW { get; set; }

        public decimal? LimitW { get; set; }

        public decimal RegisterWh { get; set; }

        public DateTimeOffset Updated { get; set; }

        public bool UnlockFails { get; set; }
    }
}

/// <summary>What one display shows now: the station's (<paramref name="EvseId"/> null) or an EVSE's; its display message on (O) and its last transient text.</summary>
public sealed record DisplayScreen(int? EvseId, MessageContentType? Message, string? LastText);
