using System.CommandLine;
using System.Globalization;
using Ohm.Ocpp.Messages;
using Ohm.Station;
using Ohm.Station.DeviceModel;

namespace Ohm.Cli;

/// <summary><c>ohm station</c>: one simulated station (a scenario, or an interactive console), or many with <c>--count</c>.</summary>
internal static partial class StationCommand
{
    public static Command Create()
    {
        var url = new Option<string[]>("--url")
        {
            Description = "The CSMS OCPP endpoint, without the station id; repeat it for the nodes of a cluster: the station connects to the first that answers and fails over to the next.",
            DefaultValueFactory = _ => ["ws://127.0.0.1:9000/ocpp"],
            Arity = ArgumentArity.OneOrMore,
        };
        var id = new Option<string>("--id") { Description = "The station id.", DefaultValueFactory = _ => "CS001" };
        var password = new Option<string?>("--password") { Description = "HTTP Basic password (security profile 1; default none: security profile 0)." };
        var evses = new Option<int?>("--evses") { Description = "Number of EVSEs, EVSE 1 of the configuration being the template (default: as many as the configuration has)." };
        var config = new Option<string?>("--config") { Description = "Device model configuration (JSON), or 'dc-fast' for the built-in DC charger (default: the built-in 2-EVSE AC station, ac-2evse)." };
        var scenario = new Option<string?>("--scenario") { Description = "Scenario file (YAML or JSON): run it and exit non-zero when an expectation fails (default none: an interactive console)." };
        var data = new Option<string?>("--data") { Description = "Where the station keeps its state (default: a folder per station id under the working directory)." };
        var count = new Option<int>("--count") { Description = "Run this many stations in one process.", DefaultValueFactory = _ => 1 };
        var prefix = new Option<string>("--id-prefix") { Description = "Station id prefix with --count.", DefaultValueFactory = _ => "CS" };
        var activity = new Option<string>("--activity") { Description = "With --count: idle or charging.", DefaultValueFactory = _ => "idle" };
        var chargeSeconds = new Option<int>("--charge-seconds") { Description = "With --activity charging: how long a session charges, in seconds.", DefaultValueFactory = _ => 30 };
        var csmsRoot = new Option<string?>("--csms-root") { Description = "PEM file of the CSMS root certificate to trust over wss:// until the CSMS installs one (security profiles 2 and 3); default none: over wss:// the station trusts only the CSMS roots installed in it." };
        var clientCertificate = new Option<string?>("--client-certificate") { Description = "PKCS#12 (.pfx) file with the station's certificate and key for security profile 3, installed on the first start; default none: the station has a certificate only once the CSMS signs one (A02)." };
        var clientCertificatePassword = new Option<string?>("--client-certificate-password") { Description = "The password of the --client-certificate file; default none (an unprotected file)." };
        var command = new Command("station", "Run a simulated charging station (or many) against a CSMS.")
        {
            url, id, password, evses, config, scenario, data, count, prefix, activity, chargeSeconds,
            csmsRoot, clientCertificate, clientCertificatePassword,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            DeviceModelConfig model;
            try
            {
                var path = parse.GetValue(config);
                model = path is null ? DeviceModelConfig.Builtin()
                    : path is "dc-fast" or "ac-2evse" ? DeviceModelConfig.Builtin(path)
                    : DeviceModelConfig.Load(path);
                if (parse.GetValue(evses) is { } n)
                {
                    model = model.WithEvseCount(n);
                }
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync("ohm station: bad --config or --evses: " + ex.Message);
                return 2;
            }

            var endpoints = new List<Uri>();
            foreach (var text in parse.GetValue(url)!)
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("ws" or "wss"))
                {
                    await Console.Error.WriteLineAsync($"ohm station: --url must be a ws:// or wss:// address (is '{text}').");
                    return 2;
                }

                endpoints.Add(parsed);
            }

            var endpoint = endpoints[0];
            var fallbacks = endpoints.Skip(1).ToList();

            // A: the certificate files are read now, so that a wrong one is named here rather than failing a handshake later.
            try
            {
                if (parse.GetValue(csmsRoot) is { } root)
                {
                    Ohm.Station.Certificates.CertificateFiles.LoadCertificates(root).Clear();
                }
            }
            catch (InvalidDataException ex)
            {
                await Console.Error.WriteLineAsync("ohm station: bad --csms-root: " + ex.Message);
                return 2;
            }

            try
            {
                if (parse.GetValue(clientCertificate) is { } pfx)
                {
                    Ohm.Station.Certificates.CertificateFiles.LoadPfx(pfx, parse.GetValue(clientCertificatePassword)).Dispose();
                }
                else if (parse.GetValue(clientCertificatePassword) is not null)
                {
                    throw new InvalidDataException("--client-certificate-password needs --client-certificate.");
                }
            }
            catch (InvalidDataException ex)
            {
                await Console.Error.WriteLineAsync("ohm station: bad --client-certificate: " + ex.Message);
                return 2;
            }

            var stations = parse.GetValue(count);
            if (stations > 1)
            {
                return await RunManyAsync(endpoint, parse.GetValue(prefix)!, stations, parse.GetValue(password), model, parse.GetValue(data), parse.GetValue(activity) == "charging", TimeSpan.FromSeconds(parse.GetValue(chargeSeconds)), cancellationToken, fallbacks: fallbacks);
            }

            var options = new StationOptions
            {
                Endpoint = endpoint,
                FallbackEndpoints = fallbacks,
                StationId = parse.GetValue(id)!,
                Password = parse.GetValue(password),
                DataDirectory = parse.GetValue(data),
                Config = model,
                CsmsRootFile = parse.GetValue(csmsRoot),
                ClientCertificateFile = parse.GetValue(clientCertificate),
                ClientCertificatePassword = parse.GetValue(clientCertificatePassword),
            };
            if (parse.GetValue(scenario) is { } file)
            {
                Scenario parsed;
                try
                {
                    parsed = Scenario.Parse(await File.ReadAllTextAsync(file, cancellationToken));
                }
                catch (Exception ex) when (ex is IOException or YamlDotNet.Core.YamlException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync("ohm station: cannot read the scenario: " + ex.Message);
                    return 2;
                }

                return await RunScenarioAsync(options, parsed, Console.Out, cancellationToken);
            }

            return await RunInteractiveAsync(options, cancellationToken);
        });
        return command;
    }

    /// <summary>Runs one station through a scenario; 0 when every expectation holds, 1 otherwise.</summary>
    public static async Task<int> RunScenarioAsync(StationOptions options, Scenario scenario, TextWriter output, CancellationToken cancellationToken)
    {
        await using var station = new ChargingStation(options);
        station.Activity += line => output.WriteLine($"{DateTime.Now:HH:mm:ss} {station.Id} {line}");
        await station.StartAsync(cancellationToken);
        List<string> failures;
        try
        {
            failures = await scenario.RunAsync(station, line => output.WriteLine($"{DateTime.Now:HH:mm:ss} {station.Id} scenario: {line}"), cancellationToken);
        }
        catch (TimeoutException ex)
        {
            failures = [ex.Message];
        }

        foreach (var failure in failures)
        {
            await output.WriteLineAsync("EXPECTATION FAILED: " + failure);
        }

        await output.WriteLineAsync(failures.Count == 0 ? "scenario passed" : $"scenario failed ({failures.Count} expectation(s))");
        return failures.Count == 0 ? 0 : 1;
    }

    private static async Task<int> RunInteractiveAsync(StationOptions options, CancellationToken cancellationToken)
    {
        await using var station = new ChargingStation(options);
        station.Activity += line => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {line}");
        await station.StartAsync(cancellationToken);
        Console.WriteLine($"Station {options.StationId} -> {string.Join(", ", options.FallbackEndpoints.Prepend(options.Endpoint))}. Commands: {ConsoleCommands}");
        while (!cancellationToken.IsCancellationRequested)
        {
            var line = await Console.In.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                break;
            }

            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (words.Length == 0)
            {
                continue;
            }

            int Evse(int index) => words.Length > index && int.TryParse(words[index], CultureInfo.InvariantCulture, out var e) ? e : 1;
            try
            {
                switch (words[0])
                {
                    case "plug":
                        await station.Transactions.PlugInAsync(Evse(1));
                        break;
                    case "unplug":
                        await station.Transactions.UnplugAsync(Evse(1));
                        break;
                    case "auth" when words.Length > 1:
                        Console.WriteLine(await station.Authorization.PresentTokenAsync(Evse(2), words[1]));
                        break;
                    case "button":
                        Console.WriteLine(await station.Authorization.PressStartButtonAsync(Evse(1)));
                        break;
                    case "pin" when words.Length > 1:
                        Console.WriteLine(await station.Authorization.EnterPinAsync(Evse(2), words[1]));
                        break;
                    case "pay" when words.Length > 1:
                        await station.Authorization.PaymentAcceptedAsync(Evse(2), words[1]);
                        break;
                    case "local" when words.Length > 1:
                        Console.WriteLine(await station.Authorization.PresentTokenAsync(Evse(2), words[1], IdTokenEnumType.Local));
                        break;
                    case "power" when words.Length > 1 && decimal.TryParse(words[1], CultureInfo.InvariantCulture, out var watts):
                        await station.Transactions.SetEvPowerAsync(Evse(2), watts);
                        break;
                    case "ev15118" when words.Length > 3:
                        // ev15118 EVSE WH MINUTES [MAXA | dc KW]: an ISO 15118 EV with these needs plugs in (K15).
                        await station.Iso15118.PlugInAsync(Evse(1), ParseEvNeeds(words, station.Options.TimeProvider.GetUtcNow()));
                        break;
                    case "renegotiate" when words.Length > 3:
                        // renegotiate EVSE WH MINUTES [MAXA | dc KW]: the ISO 15118 EV asks for new needs (K17).
                        station.Iso15118.Renegotiate(Evse(1), ParseEvNeeds(words, station.Options.TimeProvider.GetUtcNow()));
                        break;
                    case "iso15118":
                        PrintIso15118(station, Console.Out);
                        break;
                    case "pnc":
                        // pnc [evse] [emaid]: a Plug & Charge EV with a contract of the simulator's MO plugs in (C07).
                        Console.WriteLine(await PlugAndChargeAsync(station, Evse(1), words.Length > 2 ? words[2] : "NLOHM0000000001"));
                        break;
                    case "ev-certificate" when words.Length > 2 && Enum.TryParse<CertificateActionEnumType>(words[2], ignoreCase: true, out var action):
                        // ev-certificate EVSE install|update: the EV asks to install or update its contract certificate (M01/M02).
                        Console.WriteLine((await station.PlugAndCharge.RequestEvCertificateAsync(Evse(1), action)).Status);
                        break;
                    case "v2g-status":
                        // v2g-status: the OCSP status of the station's V2G certificate, asked now (M06).
                        foreach (var v2g in await station.PlugAndCharge.CheckV2GCertificateStatusAsync())
                        {
                            Console.WriteLine($"  {v2g.Subject} ({v2g.SerialNumber}): {v2g.Status}{(v2g.Reason is { } why ? ", " + why : "")}");
                        }

                        break;
                    case "fault":
                        // fault [evse] [off]: the hardware reports a fault at the EVSE, or that it cleared.
                        await station.Transactions.ReportFaultAsync(Evse(1), faulted: !words.Contains("off", StringComparer.OrdinalIgnoreCase));
                        break;
                    case "offline":
                        await station.SetOfflineAsync(true);
                        break;
                    case "online":
                        await station.SetOfflineAsync(false);
                        break;
                    case "status":
                        PrintStatus(station);
                        break;
                    case "list":
                        PrintLocalList(station, Console.Out);
                        break;
                    case "display":
                        PrintDisplay(station, Console.Out);
                        break;
                    case "cost":
                        PrintCost(station, Console.Out);
                        break;
                    case "reservations":
                        PrintReservations(station, Console.Out);
                        break;
                    case "limit":
                        await LimitAsync(station, words, Console.Out);
                        break;
                    case "set":
                        Set(station, words, Console.Out);
                        break;
                    case "monitors":
                        PrintMonitors(station, Console.Out);
                        break;
                    case "firmware":
                        await FirmwareAsync(station, words, Console.Out);
                        break;
                    case "quit" or "exit":
                        return 0;
                    default:
                        Console.WriteLine("Commands: " + ConsoleCommands);
                        break;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                Console.WriteLine(ex.Message);
            }
        }

        return 0;
    }

    /// <summary>The interactive console's commands, as its greeting and <c>help</c> list them.</summary>
    private const string ConsoleCommands =
        "plug [evse], unplug [evse], auth TOKEN [evse], button [evse], pin CODE [evse], pay REF [evse], local ID [evse], power W [evse], fault [evse] [off], "
        + "ev15118 EVSE WH MINUTES [MAXA | dc KW], renegotiate EVSE WH MINUTES [MAXA | dc KW], iso15118, "
        + "pnc [evse] [emaid], ev-certificate EVSE install|update, v2g-status, "
        + "offline, online, status, list, reservations, display, cost, limit EVSE W|off, set [EVSE n] COMPONENT VARIABLE VALUE, monitors, firmware [fail|verify-fail|ok], quit";

    /// <summary>
    /// The console's <c>firmware [fail|verify-fail|ok]</c> (L01, L02): shows the running version and the update in
    /// progress; <c>fail</c> and <c>verify-fail</c> make the simulated installer fail the next installations
    /// (InstallationFailed, InstallVerificationFailed), <c>ok</c> lets it install again.
    /// </summary>
    internal static async Task FirmwareAsync(ChargingStation station, string[] words, TextWriter output)
    {
        if (words.Length > 1)
        {
            if (station.Simulator is not { } simulator)
            {
                await output.WriteLineAsync("the hardware is not simulated");
                return;
            }

            switch (words[1].ToLowerInvariant())
            {
                case "fail":
                    simulator.FailFirmwareInstall = Ohm.Station.Hardware.FirmwareInstallResult.Failed;
                    break;
                case "verify-fail":
                    simulator.FailFirmwareInstall = Ohm.Station.Hardware.FirmwareInstallResult.VerificationFailed;
                    break;
                case "ok":
                    simulator.FailFirmwareInstall = null;
                    break;
                default:
                    await output.WriteLineAsync("usage: firmware [fail|verify-fail|ok]");
                    return;
            }
        }

        var version = station.Hardware.Firmware.CurrentVersion ?? station.Model.Config.Station.FirmwareVersion;
        var update = station.Firmware.Status is { } status ? $"update {station.Firmware.RequestId}: {status}" : "no update";
        var failing = station.Simulator?.FailFirmwareInstall is { } failure ? $", installations fail ({failure})" : "";
        await output.WriteLineAsync($"firmware {version}, {update}{failing}");
    }

    /// <summary>
    /// The console's <c>limit EVSE W|off</c> (K11-K14): a local energy manager limits the EVSE (0: the whole station) to
    /// W watts, or releases its limit; <c>limit</c> alone lists the profiles and the limit of each EVSE.
    /// </summary>
    internal static async Task LimitAsync(ChargingStation station, string[] words, TextWriter output)
    {
        if (words.Length == 1)
        {
            PrintLimits(station, output);
            return;
        }

        if (words.Length != 3 || !int.TryParse(words[1], CultureInfo.InvariantCulture, out var evse))
        {
            await output.WriteLineAsync("usage: limit EVSE W|off (EVSE 0: the whole station)");
            return;
        }

        if (string.Equals(words[2], "off", StringComparison.OrdinalIgnoreCase))
        {
            var released = await station.SmartCharging.ReleaseExternalLimitAsync(evse);
            await output.WriteLineAsync(released ? $"EVSE {evse}: external limit released" : $"EVSE {evse}: no external limit to release");
            return;
        }

        if (!decimal.TryParse(words[2], NumberStyles.Number, CultureInfo.InvariantCulture, out var watts) || watts < 0)
        {
            await output.WriteLineAsync($"limit: '{words[2]}' is not a number of watts (or off)");
            return;
        }

        var refused = await station.SmartCharging.SetExternalLimitAsync(evse, watts);
        await output.WriteLineAsync(refused is null
            ? string.Create(CultureInfo.InvariantCulture, $"EVSE {evse}: external limit {watts:0.#} W")
            : $"EVSE {evse}: limit refused, {refused.ReasonCode}: {refused.AdditionalInfo}");
    }

    /// <summary>The console's <c>limit</c> alone: the charging profiles held and each EVSE's limit now (K).</summary>
    internal static void PrintLimits(ChargingStation station, TextWriter output)
    {
        var profiles = station.SmartCharging.Profiles;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{station.Id}: {profiles.Count} charging profile(s)"));
        foreach (var p in profiles)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {p.Id}: EVSE {p.EvseId} {p.Purpose} stack {p.StackLevel} ({p.Source}){(p.Profile.TransactionId is { } tx ? ", transaction " + tx : "")}"));
        }

        foreach (var evse in station.Evses.Keys.Order())
        {
            var limit = station.Hardware.RateControl.Limit(evse);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  EVSE {evse}: limit {(limit is { } w ? w.ToString("0.#", CultureInfo.InvariantCulture) + " W" : "none")}"));
        }
    }

    /// <summary>
    /// The needs of <c>ev15118</c> and <c>renegotiate</c>: <c>EVSE WH MINUTES [MAXA]</c> for an AC EV (MINUTES 0: no departure
    /// time), <c>EVSE WH MINUTES dc [KW]</c> for a DC EV.
    /// </summary>
    internal static Ohm.Station.Hardware.EvChargingNeeds ParseEvNeeds(string[] words, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(words);
        static int Number(string word, string what) =>
            int.TryParse(word, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw new ArgumentException($"{what} must be a whole number of at least 0, not '{word}'.");
        if (words.Length < 4)
        {
            throw new ArgumentException("Usage: " + words[0] + " EVSE WH MINUTES [MAXA | dc KW]");
        }

        var energy = Number(words[2], "WH");
        var minutes = Number(words[3], "MINUTES");
        DateTimeOffset? departure = minutes > 0 ? now.AddMinutes(minutes) : null;
        if (words.Length > 4 && words[4].Equals("dc", StringComparison.OrdinalIgnoreCase))
        {
            var kw = words.Length > 5 ? Number(words[5], "KW") : 50;
            return Ohm.Station.Simulation.SimulatedHardware.DcEv(energy, departure, maxPowerW: Math.Max(1, kw) * 1000);
        }

        var maxA = words.Length > 4 ? Number(words[4], "MAXA") : 32;
        return Ohm.Station.Simulation.SimulatedHardware.AcEv(energy, departure, maxCurrentA: maxA, minCurrentA: Math.Min(6, maxA));
    }

    /// <summary>
    /// The console's <c>pnc [evse] [emaid]</c> and the scenario's <c>pnc</c> step (C07): a Plug &amp; Charge EV with a contract
    /// for the eMAID, issued by the simulator's own MO, plugs in; returns how its authorization went. The MO root (to install
    /// as MORootCertificate at the station and the CSMS) is in <c>mo-root.pem</c> in the station's data folder.
    /// </summary>
    internal static async Task<string> PlugAndChargeAsync(ChargingStation station, int evseId, string emaid)
    {
        var simulator = station.Simulator ?? throw new InvalidOperationException("A Plug & Charge EV is simulator input.");
        var contract = simulator.IssueContract(emaid);
        var folder = station.Options.DataDirectory ?? Path.Combine(Environment.CurrentDirectory, station.Id);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "mo-root.pem"), simulator.MobilityOperator.Root.ExportCertificatePem());
        var status = await station.PlugAndCharge.PlugInAsync(evseId, contract);
        return $"EVSE {evseId}: eMAID {emaid}: {(status.Authorized ? "authorized" : "not charging")} (idToken {status.Status}, certificate {status.CertificateStatus?.ToString() ?? "-"}, {status.Check}): {status.Reason}";
    }

    /// <summary>The console's <c>iso15118</c>: per EVSE, the ISO 15118 negotiation (K15-K17): the needs sent, the CSMS's answer, the schedule the EV chose.</summary>
    internal static void PrintIso15118(ChargingStation station, TextWriter output)
    {
        output.WriteLine($"{station.Id}: ISO 15118 load levelling {(station.Iso15118.Enabled ? "enabled" : "disabled")}");
        foreach (var evse in station.Evses.Values)
        {
            if (station.Iso15118.Status(evse.Id) is not { } s)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  EVSE {evse.Id}: no ISO 15118 session"));
                continue;
            }

            var chosen = s.Selected?.ChargingSchedule is { } c
                ? string.Join(", ", c.ChargingSchedulePeriod.Select(p => string.Create(CultureInfo.InvariantCulture, $"+{p.StartPeriod}s {p.Limit:0.#} {c.ChargingRateUnit}")))
                : "-";
            var energy = s.NeedsSent?.AcChargingParameters?.EnergyAmount ?? s.NeedsSent?.DcChargingParameters?.EnergyAmount;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  EVSE {evse.Id}: transaction {s.TransactionId}, needs {energy?.ToString(CultureInfo.InvariantCulture) ?? "-"} Wh by {s.NeedsSent?.DepartureTime?.ToString("u", CultureInfo.InvariantCulture) ?? "-"}, answer {s.NeedsAnswer?.ToString() ?? "-"}{(s.WaitingForProfile ? " (waiting for the CSMS's schedule)" : "")}, chosen {chosen}, reported {s.ScheduleAnswer?.ToString() ?? "-"}, negotiations {s.Negotiations}"));
        }
    }

    internal static void PrintStatus(ChargingStation station)
    {
        Console.WriteLine($"{station.Id}: registration {station.Registration?.ToString() ?? "-"}, {(station.IsConnected ? "connected" : "disconnected")}, queued {station.QueueLength}");
        foreach (var evse in station.Evses.Values)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  EVSE {evse.Id}: {station.Availability.StatusOf(evse)}, plugged {evse.Plugged}, token {(evse.AuthorizedToken?.Type == IdTokenEnumType.KeyCode ? "PIN" : evse.AuthorizedToken?.IdToken ?? "-")}, transaction {evse.Transaction?.Id ?? "-"} ({evse.Transaction?.ChargingState.ToString() ?? "-"}), {evse.PowerW:0} W, {evse.EnergyWh:0.0} Wh"));
        }
    }

    /// <summary>The console's <c>list</c>: the local authorization list's version and entries (D01, D02).</summary>
    internal static void PrintLocalList(ChargingStation station, TextWriter output)
    {
        var entries = station.LocalAuthList.Entries();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{station.Id}: local list {(station.LocalAuthList.Enabled ? "enabled" : "disabled")}, version {station.LocalAuthList.Version}, {entries.Count} entries"));
        foreach (var entry in entries)
        {
            var expiry = entry.CacheExpiryDateTime is { } at ? ", expires " + at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "";
            output.WriteLine($"  {entry.IdToken.IdToken} ({entry.IdToken.Type}): {entry.Status}{expiry}");
        }
    }

    /// <summary>
    /// What each display shows now (O): the station's and each EVSE's, with the display message on (its id, priority and
    /// text) and the last transient text; from the simulator, or from the block when the hardware is not simulated.
    /// </summary>
    internal static IReadOnlyList<(int? EvseId, MessageInfoType? Message, string? Text)> Screens(ChargingStation station)
    {
        var texts = station.Simulator?.Screens(station.Evses.Keys);
        var ids = new int?[] { null }.Concat(station.Evses.Keys.Order().Select(id => (int?)id));
        return [.. ids.Select(id => (id, station.DisplayMessage.Showing(id), texts?.FirstOrDefault(s => s.EvseId == id)?.LastText))];
    }

    /// <summary>The console's <c>display</c>: what each display shows now (O01-O06), and the messages the station holds.</summary>
    internal static void PrintDisplay(ChargingStation station, TextWriter output)
    {
        foreach (var (evseId, message, text) in Screens(station))
        {
            var on = message is null ? "no display message" : $"message {message.Id} ({message.Priority}): \"{message.Message.Content}\"";
            output.WriteLine($"  {(evseId is null ? "station" : "EVSE " + evseId.Value.ToString(CultureInfo.InvariantCulture))}: {on}{(text is null ? "" : $"; last text \"{text}\"")}");
        }

        var held = station.DisplayMessage.Messages();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{station.Id}: {held.Count} display message(s) held"));
        foreach (var m in held)
        {
            var window = (m.StartDateTime, m.EndDateTime) is (null, null) ? "" : $", {m.StartDateTime?.ToString("u", CultureInfo.InvariantCulture) ?? "now"} to {m.EndDateTime?.ToString("u", CultureInfo.InvariantCulture) ?? "cleared"}";
            output.WriteLine($"  {m.Id}: {m.Priority}{(m.State is { } st ? ", " + st : "")}{window}{(m.TransactionId is { } tx ? ", transaction " + tx : "")}, {m.Message.Format} {m.Message.Language ?? "-"}: \"{m.Message.Content}\"");
        }
    }

    /// <summary>The console's <c>cost</c>: per EVSE, the tariff text, running cost and total cost the driver last saw (I01-I05).</summary>
    internal static void PrintCost(ChargingStation station, TextWriter output)
    {
        var shown = station.TariffCost.Shown();
        output.WriteLine($"{station.Id}: tariff and cost {(station.TariffCost.Enabled ? "enabled" : "disabled")}, currency {station.TariffCost.Currency}");
        foreach (var evse in station.Evses.Values)
        {
            var v = shown.GetValueOrDefault(evse.Id);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  EVSE {evse.Id}: tariff {v?.TariffText ?? "-"}, running {v?.RunningCost?.ToString("0.00##", CultureInfo.InvariantCulture) ?? "-"}, total {v?.TotalCost?.ToString("0.00##", CultureInfo.InvariantCulture) ?? v?.TotalCostText ?? "-"}, transaction {v?.TransactionId ?? "-"}"));
        }
    }

    /// <summary>The console's <c>reservations</c>: the reservations the station holds (H01).</summary>
    internal static void PrintReservations(ChargingStation station, TextWriter output)
    {
        var held = station.Reservation.Active();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{station.Id}: {held.Count} reservation(s)"));
        foreach (var r in held)
        {
            var evse = r.EvseId is { } id ? "EVSE " + id.ToString(CultureInfo.InvariantCulture) : "any EVSE";
            var type = r.ConnectorType is { } t ? " " + t.ToWire() : "";
            var group = r.GroupIdToken is { } g ? ", group " + g.IdToken : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Id}: {evse}{type} for {r.IdToken.IdToken}{group}, until {r.ExpiryDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}"));
        }
    }

    /// <summary>Runs <paramref name="count"/> stations in this process until cancelled.</summary>
    public static async Task<int> RunManyAsync(
        Uri endpoint,
        string prefix,
        int count,
        string? password,
        DeviceModelConfig model,
        string? dataRoot,
        bool charging,
        TimeSpan charge,
        CancellationToken cancellationToken,
        Func<IReadOnlyList<ChargingStation>, bool>? until = null,
        TimeSpan? reportEvery = null,
        IReadOnlyList<Uri>? fallbacks = null)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancellationToken = done.Token;
        var stations = Enumerable.Range(1, count).Select(i =>
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i}");
            // With several addresses (a cluster's nodes), station i starts on node i mod n and fails over along the others.
            var all = new List<Uri> { endpoint };
            all.AddRange(fallbacks ?? []);
            var order = Enumerable.Range(0, all.Count).Select(k => all[(i - 1 + k) % all.Count]).ToList();
            return new ChargingStation(new StationOptions
            {
                Endpoint = order[0],
                FallbackEndpoints = order.Skip(1).ToList(),
                StationId = id,
                Password = password,
                DataDirectory = dataRoot is null ? null : Path.Combine(dataRoot, id),
                Config = model,
            });
        }).ToList();
        foreach (var station in stations)
        {
            await station.StartAsync(cancellationToken);
        }

        Console.WriteLine($"{count} stations ({prefix}1..{prefix}{count}) -> {endpoint}; activity {(charging ? "charging" : "idle")}. Ctrl+C stops.");
        var activities = charging
            ? stations.Select(s => ChargingActivity.RunAsync(s, charge, charge, cancellationToken)).ToList()
            : [];
        try
        {
            var every = reportEvery ?? TimeSpan.FromSeconds(5);
            var last = DateTime.UtcNow;
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
                if (until?.Invoke(stations) == true)
                {
                    await done.CancelAsync();
                    break;
                }

                if (DateTime.UtcNow - last < every)
                {
                    continue;
                }

                last = DateTime.UtcNow;
                Console.WriteLine($"{DateTime.Now:HH:mm:ss} online {stations.Count(s => s.IsOnline)}/{count}, charging {stations.Sum(s => s.Evses.Values.Count(e => e.Transaction is not null))}, transactions ended {stations.Sum(s => s.Transactions.EndedCount)}, queued {stations.Sum(s => s.QueueLength)}");
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(activities);
        foreach (var station in stations)
        {
            await station.DisposeAsync();
        }

        return 0;
    }
}
