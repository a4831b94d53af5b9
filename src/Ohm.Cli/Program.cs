using Ohm.Cli;

// SIGTERM and Ctrl+C cancel the command's token; System.CommandLine's default then kills the process after 2 s (exit
// 143), which cut a CSMS's drain and a cluster node's leave short. The host's own shutdown timeout (30 s) bounds it instead.
return await OhmCommand.Create().Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
