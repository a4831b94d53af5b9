using System.CommandLine;
using Ohm.Cli;

var root = new RootCommand("Ohm: an OCPP 2.0.1 toolkit (CSMS, station stack and simulator).")
{
    CsmsCommand.Create(),
    StationCommand.Create(),
    DemoCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
