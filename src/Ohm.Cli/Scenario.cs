using System.Globalization;
using Ohm.Ocpp.Messages;
using Ohm.Station;
using Ohm.Station.DeviceModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Ohm.Cli;

/// <summary>
/// A station scenario (YAML or JSON): steps a driver and the network take, then expectations checked at the end.
/// <code>
/// steps:
///   - plug: 1
///   - auth: { token: ABC123, evse: 1 }
///   - ev15118: { evse: 2, energyWh: 30000, departureMinutes: 120, maxCurrent: 16 }   # an ISO 15118 EV plugs in (K15)
///   - renegotiate: { evse: 2, energyWh: 10000, departureMinutes: 60 }                  # it asks for new needs (K17)
///   - pnc: { evse: 1, emaid: NLOHM0000000001 }     # a Plug &amp; Charge EV plugs in and is authorized by its contract (C07)
///   - evCertificate: { evse: 1, action: Update }   # it asks to update its contract certificate (M02)
///   - auth: { token: "1234", evse: 2, type: KeyCode }
///   - button: 2
///   - charge: { evse: 1, power: 11000, seconds: 5 }
///   - offline: 3
///   - network: offline
///   - limit: { evse: 1, watts: 7400 }   # a local energy manager limits EVSE 1 (K11); { evse: 1, off: true } releases it
///   - unplug: 1
///   - network: online
/// expect:
///   accepted: true
///   transactionsStarted: 1
///   transactionsEnded: 1
///   queueEmpty: true
///   display: "Welcome"   # some display (the station's or an EVSE's) shows this text at the end
///   iso15118Scheduled: 2 # the ISO 15118 EV at this EVSE chose a schedule (reported with NotifyEVChargingSchedule)
/// </code>
/// </summary>
internal sealed class Scenario
{
    public List<ScenarioStep> Steps { get; set; } = [];

    public ScenarioExpect Expect { get; set; } = new();

    public static Scenario Parse(string text)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        return deserializer.Deserialize<Scenario?>(text) ?? new Scenario();
    }

    /// <summary>Runs the scenario on a started station; returns the failed expectations (empty when all hold).</summary>
    public async Task<List<string>> RunAsync(ChargingStation station, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(station);
        ArgumentNullException.ThrowIfNull(log);
        await Until(() => station.IsOnline, TimeSpan.FromSeconds(60), cancellationToken);
        foreach (var step in Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (step.Plug is { } plug)
            {
                log($"plug EVSE {plug}");
                await station.Transactions.PlugInAsync(plug);
            }

            if (step.Ev15118 is { } ev)
            {
                log($"ISO 15118 EV at EVSE {ev.Evse}: {ev.EnergyWh} Wh in {ev.DepartureMinutes} min, at most {ev.MaxCurrent} A{(ev.Dc ? " (DC)" : "")}");
                await station.Iso15118.PlugInAsync(ev.Evse, ev.Needs(station.Options.TimeProvider.GetUtcNow()));
            }

            if (step.Pnc is { } pnc)
            {
                log(await StationCommand.PlugAndChargeAsync(station, pnc.Evse, pnc.Emaid));
            }

            if (step.EvCertificate is { } certificate)
            {
                var answer = await station.PlugAndCharge.RequestEvCertificateAsync(certificate.Evse, certificate.Action);
                log($"the EV at EVSE {certificate.Evse} asks to {certificate.Action} its contract certificate: {answer.Status}");
            }

            if (step.Auth is { } auth)
            {
                var status = await station.Authorization.PresentTokenAsync(auth.Evse, auth.Token, auth.Type);
                log($"token {(auth.Type == IdTokenEnumType.KeyCode ? "PIN" : auth.Token)} at EVSE {auth.Evse}: {status}");
            }

            if (step.Button is { } button)
            {
                log($"start button at EVSE {button}: {await station.Authorization.PressStartButtonAsync(button)}");
            }

            if (step.Charge is { } charge)
            {
                log($"charge EVSE {charge.Evse} at {charge.Power} W for {charge.Seconds} s");
                await station.Transactions.SetEvPowerAsync(charge.Evse, charge.Power);
                await Task.Delay(TimeSpan.FromSeconds(charge.Seconds), cancellationToken);
            }

            if (step.Wait is { } wait)
            {
                log($"wait {wait} s");
                await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
            }

            if (step.Offline is { } offline)
            {
                log($"offline for {offline} s");
                await station.SetOfflineAsync(true);
                await Task.Delay(TimeSpan.FromSeconds(offline), cancellationToken);
                await station.SetOfflineAsync(false);
                await Until(() => station.IsOnline, TimeSpan.FromSeconds(60), cancellationToken);
            }

            if (step.Network is { } network)
            {
                log("network " + network);
                await station.SetOfflineAsync(network == "offline");
                if (network != "offline")
                {
                    await Until(() => station.IsOnline, TimeSpan.FromSeconds(60), cancellationToken);
                }
            }

            if (step.Set is { } set)
            {
                var result = station.Model.Set(set.Component, set.Variable, set.Value, set.Instance);
                log($"set {set.Component}.{set.Variable} = {set.Value}: {result}");
            }

            if (step.Sensor is { } sensor)
            {
                var component = new ComponentKey(sensor.Component, EvseId: sensor.Evse);
                var known = station.Simulator?.SetSensor(component, sensor.Variable, sensor.Value) ?? false;
                log(string.Create(CultureInfo.InvariantCulture, $"sensor {(sensor.Evse is { } e ? $"EVSE {e} " : "")}{sensor.Component}.{sensor.Variable} = {sensor.Value}{(known ? "" : ": no such simulated sensor")}"));
            }

            if (step.Renegotiate is { } renegotiate)
            {
                log($"the EV at EVSE {renegotiate.Evse} renegotiates: {renegotiate.EnergyWh} Wh in {renegotiate.DepartureMinutes} min");
                station.Iso15118.Renegotiate(renegotiate.Evse, renegotiate.Needs(station.Options.TimeProvider.GetUtcNow()));
            }

            if (step.Limit is { } limit)
            {
                if (limit.Off)
                {
                    log($"release the external limit of EVSE {limit.Evse}: {await station.SmartCharging.ReleaseExternalLimitAsync(limit.Evse, limit.Source)}");
                }
                else if (limit.Watts is { } watts)
                {
                    var refused = await station.SmartCharging.SetExternalLimitAsync(limit.Evse, watts, limit.Source);
                    log(string.Create(CultureInfo.InvariantCulture, $"external limit ({limit.Source}) of EVSE {limit.Evse}: {watts} W{(refused is null ? "" : $" refused, {refused.ReasonCode}: {refused.AdditionalInfo}")}"));
                }
                else
                {
                    throw new InvalidOperationException("A limit step needs watts, or off: true.");
                }
            }

            if (step.Unplug is { } unplug)
            {
                log($"unplug EVSE {unplug}");
                await station.Transactions.UnplugAsync(unplug);
            }
        }

        var failures = new List<string>();
        if (Expect.QueueEmpty == true)
        {
            await Until(() => station.IsOnline && station.QueueLength == 0, TimeSpan.FromSeconds(Expect.TimeoutSeconds), cancellationToken, throwOnTimeout: false);
            Check(failures, station.QueueLength == 0, $"queueEmpty: {station.QueueLength} message(s) still queued");
        }

        if (Expect.Accepted is { } accepted)
        {
            Check(failures, (station.Registration == RegistrationStatusEnumType.Accepted) == accepted, $"accepted: registration is {station.Registration}");
        }

        if (Expect.TransactionsStarted is { } started)
        {
            Check(failures, station.Transactions.StartedCount == started, $"transactionsStarted: {station.Transactions.StartedCount}, expected {started}");
        }

        if (Expect.TransactionsEnded is { } ended)
        {
            Check(failures, station.Transactions.EndedCount == ended, $"transactionsEnded: {station.Transactions.EndedCount}, expected {ended}");
        }

        if (Expect.MinEnergyWh is { } energy)
        {
            var total = station.Evses.Values.Sum(e => e.EnergyWh);
            Check(failures, total >= energy, string.Create(CultureInfo.InvariantCulture, $"minEnergyWh: the meters read {total:0.###} Wh, expected at least {energy}"));
        }

        if (Expect.Display is { } text)
        {
            // O: the display message on now, or the last transient text, of the station's display or an EVSE's.
            bool Shows() => StationCommand.Screens(station).Any(s => s.Message?.Message.Content == text || s.Text == text);
            await Until(Shows, TimeSpan.FromSeconds(Expect.TimeoutSeconds), cancellationToken, throwOnTimeout: false);
            Check(failures, Shows(), $"display: no display shows \"{text}\" (" + string.Join("; ", StationCommand.Screens(station)
                .Select(s => $"{(s.EvseId is { } e ? "EVSE " + e.ToString(CultureInfo.InvariantCulture) : "station")}: {s.Message?.Message.Content ?? s.Text ?? "-"}")) + ")");
        }

        if (Expect.Iso15118Scheduled is { } hlcEvse)
        {
            // K15: the EV's chosen schedule reached the CSMS, which answered it.
            bool Scheduled() => station.Iso15118.Status(hlcEvse)?.ScheduleAnswer is not null;
            await Until(Scheduled, TimeSpan.FromSeconds(Expect.TimeoutSeconds), cancellationToken, throwOnTimeout: false);
            var status = station.Iso15118.Status(hlcEvse);
            Check(failures, Scheduled(), string.Create(CultureInfo.InvariantCulture, $"iso15118Scheduled: no schedule reported for EVSE {hlcEvse} (needs answer {status?.NeedsAnswer?.ToString() ?? "-"}, offered {status?.Offered?.Count ?? 0})"));
        }

        return failures;
    }

    private static void Check(List<string> failures, bool ok, string failure)
    {
        if (!ok)
        {
            failures.Add(failure);
        }
    }

    private static async Task Until(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken, bool throwOnTimeout = true)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                if (throwOnTimeout)
                {
                    throw new TimeoutException("The station did not get online (Accepted) in time.");
                }

                return;
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}

internal sealed class ScenarioStep
{
    public int? Plug { get; set; }

    public int? Unplug { get; set; }

    public ScenarioAuth? Auth { get; set; }

    /// <summary>C02: the start button of this EVSE is pressed.</summary>
    public int? Button { get; set; }

    public ScenarioCharge? Charge { get; set; }

    public double? Wait { get; set; }

    public double? Offline { get; set; }

    /// <summary>"offline" drops the network until a later "online" step.</summary>
    public string? Network { get; set; }

    public ScenarioSet? Set { get; set; }

    /// <summary>N: a simulated sensor reads this value (an AcDcConverter Temperature, say), and moves on from it.</summary>
    public ScenarioSensor? Sensor { get; set; }

    /// <summary>K11-K14: a local energy manager limits an EVSE (0: the station), or releases its limit.</summary>
    public ScenarioLimit? Limit { get; set; }

    /// <summary>K15: an ISO 15118 EV with these needs plugs in.</summary>
    public ScenarioEv? Ev15118 { get; set; }

    /// <summary>K17: the ISO 15118 EV asks to renegotiate with these needs.</summary>
    public ScenarioEv? Renegotiate { get; set; }

    /// <summary>C07: a Plug &amp; Charge EV with a contract of the simulator's MO plugs in.</summary>
    public ScenarioPnc? Pnc { get; set; }

    /// <summary>M01/M02: the Plug &amp; Charge EV asks to install or update its contract certificate.</summary>
    public ScenarioEvCertificate? EvCertificate { get; set; }
}

/// <summary>A Plug &amp; Charge EV in a scenario (C07).</summary>
internal sealed class ScenarioPnc
{
    public int Evse { get; set; } = 1;

    public string Emaid { get; set; } = "NLOHM0000000001";
}

/// <summary>An EV's contract certificate request in a scenario (M01: Install, M02: Update).</summary>
internal sealed class ScenarioEvCertificate
{
    public int Evse { get; set; } = 1;

    public CertificateActionEnumType Action { get; set; } = CertificateActionEnumType.Install;
}

/// <summary>An ISO 15118 EV's needs in a scenario: AC by default (maxCurrent per phase), DC with <see cref="Dc"/> (maxPowerW).</summary>
internal sealed class ScenarioEv
{
    public int Evse { get; set; } = 1;

    public int EnergyWh { get; set; } = 20000;

    /// <summary>Minutes to the departure from the step's time; 0 for none.</summary>
    public int DepartureMinutes { get; set; }

    public int MaxCurrent { get; set; } = 32;

    public int MinCurrent { get; set; } = 6;

    public bool Dc { get; set; }

    public int MaxPowerW { get; set; } = 50000;

    public Ohm.Station.Hardware.EvChargingNeeds Needs(DateTimeOffset now)
    {
        DateTimeOffset? departure = DepartureMinutes > 0 ? now.AddMinutes(DepartureMinutes) : null;
        return Dc
            ? Ohm.Station.Simulation.SimulatedHardware.DcEv(EnergyWh, departure, MaxPowerW, MaxCurrent)
            : Ohm.Station.Simulation.SimulatedHardware.AcEv(EnergyWh, departure, MaxCurrent, MinCurrent);
    }
}

internal sealed class ScenarioLimit
{
    public int Evse { get; set; } = 1;

    /// <summary>The limit, in W.</summary>
    public decimal? Watts { get; set; }

    /// <summary>True: release the limit instead.</summary>
    public bool Off { get; set; }

    /// <summary>Where the limit comes from: EMS (the default), SO or Other.</summary>
    public ChargingLimitSourceEnumType Source { get; set; } = ChargingLimitSourceEnumType.EMS;
}

internal sealed class ScenarioAuth
{
    public string Token { get; set; } = "";

    public int Evse { get; set; } = 1;

    /// <summary>The idToken type (ISO14443 when not given): KeyCode for a PIN (C04), Local (C06), ...</summary>
    public IdTokenEnumType Type { get; set; } = IdTokenEnumType.ISO14443;
}

internal sealed class ScenarioCharge
{
    public int Evse { get; set; } = 1;

    public decimal Power { get; set; } = 11000;

    public double Seconds { get; set; } = 5;
}

internal sealed class ScenarioSet
{
    public string Component { get; set; } = "";

    public string Variable { get; set; } = "";

    public string? Instance { get; set; }

    public string Value { get; set; } = "";
}

/// <summary>A simulated sensor's value in a scenario: component (at an EVSE, or the station's), variable, value.</summary>
internal sealed class ScenarioSensor
{
    public int? Evse { get; set; }

    public string Component { get; set; } = "";

    public string Variable { get; set; } = "Temperature";

    public decimal Value { get; set; }
}

internal sealed class ScenarioExpect
{
    public bool? Accepted { get; set; }

    public int? TransactionsStarted { get; set; }

    public int? TransactionsEnded { get; set; }

    public bool? QueueEmpty { get; set; }

    public decimal? MinEnergyWh { get; set; }

    /// <summary>A text some display shows at the end: a display message on now (O) or the last transient text.</summary>
    public string? Display { get; set; }

    /// <summary>K15: the ISO 15118 EV at this EVSE chose a schedule that was reported with NotifyEVChargingSchedule.</summary>
    public int? Iso15118Scheduled { get; set; }

    public double TimeoutSeconds { get; set; } = 60;
}
