using System.CommandLine;

namespace Ohm.Cli;

/// <summary>The <c>ohm</c> command and its subcommands; <c>--version</c> prints the informational version (VersionPrefix[-VersionSuffix]).</summary>
internal static class OhmCommand
{
    public static RootCommand Create() =>
        new("Ohm: an OCPP 2.0.1 toolkit (CSMS, station stack and simulator).")
        {
            CsmsCommand.Create(),
            StationCommand.Create(),
            DemoCommand.Create(),
            BenchCommand.Create(),
        };
}
