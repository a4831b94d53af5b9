using Ohm.Cli;

return await OhmCommand.Create().Parse(args).InvokeAsync();
