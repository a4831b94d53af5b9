using Ohm.Csms.Queries;

namespace Ohm.Csms.Console.Components.Capabilities;

/// <summary>The field checks of the firmware campaign form; the whole registration is checked by <see cref="FirmwareQueries.CheckRegistration"/>.</summary>
public static class FirmwareForm
{
    /// <summary>A version is 1 to 50 characters.</summary>
    public static string? CheckVersion(string? version) =>
        string.IsNullOrWhiteSpace(version) ? "The firmware needs a version." : version.Trim().Length > 50 ? "At most 50 characters." : null;

    /// <summary>A location is an http, https, ftp or ftps URL of at most 512 characters.</summary>
    public static string? CheckLocation(string? location) =>
        string.IsNullOrWhiteSpace(location) ? "Where the stations download it from."
        : FirmwareQueries.CheckRegistration("v", null, location.Trim(), null, null) is { } bad ? bad.Message : null;

    /// <summary>1 to 10000 stations.</summary>
    public static string? CheckStations(string? stations) => Stations(stations).Count is 0 or > 10000 ? "Name 1 to 10000 stations." : null;

    /// <summary>The station ids in the field, each once.</summary>
    public static List<string> Stations(string? stations) =>
        [.. (stations ?? "").Split([',', ' ', ';', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];
}
