using System.Globalization;
using Ohm.Ocpp.Messages;
using Ohm.Station;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Ohm.Cli;

/// <summary>
/// A station scenario (YAML or JSON): steps a driver and the network take, then expectations checked at the end.
/// <code>
/// steps:
///   - plug: 1
///   - auth: { token: ABC123, evse: 1 }
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

    /// <summary>K11-K14: a local energy manager limits an EVSE (0: the station), or releases its limit.</summary>
    public ScenarioLimit? Limit { get; set; }
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

internal sealed class ScenarioExpect
{
    public bool? Accepted { get; set; }

    public int? TransactionsStarted { get; set; }

    public int? TransactionsEnded { get; set; }

    public bool? QueueEmpty { get; set; }

    public decimal? MinEnergyWh { get; set; }

    /// <summary>A text some display shows at the end: a display message on now (O) or the last transient text.</summary>
    public string? Display { get; set; }

    public double TimeoutSeconds { get; set; } = 60;
}
