using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Accounts;
using Ohm.Csms.Server;
using Ohm.Csms.Storage;

namespace Ohm.Cli;

/// <summary>
/// <c>ohm csms user add|list|remove</c>: the operator accounts of the console and the API, in the database <c>ohm csms</c>
/// uses (the same settings: appsettings.json, OHM__ variables, --data, --db), migrated first. The first administrator
/// is made here.
/// </summary>
internal static class UserCommand
{
    /// <summary>Where a password is read from when standard input is redirected; null reads it from the terminal without echo. Tests replace it.</summary>
    internal static Func<TextReader?> RedirectedInput { get; set; } = () => Console.IsInputRedirected ? Console.In : null;

    public static Command Create()
    {
        var add = new Command("add", "Create an enabled account; the password (at least 12 characters) is prompted without echo, or read as one line from standard input when it is redirected.");
        var role = new Option<string>("--role")
        {
            Description = "admin, operator or viewer (default viewer).",
            DefaultValueFactory = _ => "viewer",
        };
        var addName = new Argument<string>("NAME") { Description = "The account's name (letters, digits, . - _ @)." };
        add.Options.Add(role);
        add.Arguments.Add(addName);
        AddDatabaseOptions(add);
        add.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (ParseRole(parse.GetValue(role)) is not { } given)
            {
                await error.WriteLineAsync($"ohm csms user add: --role must be admin, operator or viewer (got '{parse.GetValue(role)}').");
                return 2;
            }

            var password = await ReadPasswordAsync(output, ct);
            if (password is null)
            {
                await error.WriteLineAsync("ohm csms user add: no password given (type it at the prompt, or give it as a line on standard input).");
                return 2;
            }

            return await WithAccountsAsync(parse, "add", error, async accounts =>
            {
                var account = await accounts.CreateAsync(parse.GetValue(addName)!, password, given, ct);
                await output.WriteLineAsync($"Created {account.Role} '{account.Name}'.");
            });
        });

        var list = new Command("list", "List the accounts: name, role, enabled, last login.");
        AddDatabaseOptions(list);
        list.SetAction(async (parse, ct) => await WithAccountsAsync(parse, "list", parse.InvocationConfiguration.Error, async accounts =>
        {
            var output = parse.InvocationConfiguration.Output;
            foreach (var a in await accounts.ListAsync(ct))
            {
                await output.WriteLineAsync($"{a.Name}\t{a.Role}\t{(a.Enabled ? "enabled" : "disabled")}\t{(a.LastLoginAt is { } at ? at.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "never logged in")}");
            }
        }));

        var remove = new Command("remove", "Remove an account and its API keys (not the last enabled administrator).");
        var removeName = new Argument<string>("NAME") { Description = "The account's name." };
        remove.Arguments.Add(removeName);
        AddDatabaseOptions(remove);
        remove.SetAction(async (parse, ct) => await WithAccountsAsync(parse, "remove", parse.InvocationConfiguration.Error, async accounts =>
        {
            await accounts.DeleteAsync(parse.GetValue(removeName)!, ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"Removed '{parse.GetValue(removeName)}'.");
        }));

        return new Command("user", "Operator accounts of the console and the API (the database of ohm csms).") { add, list, remove };
    }

    private static void AddDatabaseOptions(Command command)
    {
        command.Options.Add(new Option<string>("--data")
        {
            Description = "Data folder, relative to the working directory; holds the SQLite database (Storage:DataFolder).",
            DefaultValueFactory = _ => "data",
        });
        command.Options.Add(new Option<string?>("--db")
        {
            Description = "Database connection string; one with Host= is PostgreSQL (default none: SQLite in the data folder; Storage:Database).",
        });
    }

    internal static OperatorRole? ParseRole(string? given) => given?.ToLowerInvariant() switch
    {
        "admin" or "administrator" => OperatorRole.Administrator,
        "operator" => OperatorRole.Operator,
        "viewer" => OperatorRole.Viewer,
        _ => null,
    };

    private static async Task<string?> ReadPasswordAsync(TextWriter output, CancellationToken ct)
    {
        if (RedirectedInput() is { } input)
        {
            return (await input.ReadLineAsync(ct))?.TrimEnd('\r');
        }

        await output.WriteAsync("Password: ");
        var typed = ReadHidden();
        await output.WriteLineAsync();
        await output.WriteAsync("Again: ");
        var again = ReadHidden();
        await output.WriteLineAsync();
        return typed == again ? typed : null;
    }

    // Reads a line from the terminal without echoing it.
    private static string ReadHidden()
    {
        var text = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }

    private static async Task<int> WithAccountsAsync(ParseResult parse, string verb, TextWriter error, Func<IOperatorAccounts, Task> work)
    {
        // The host is built for its database and services only, never started: no API listens, so the API's key check does not apply.
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal) { ["Api:AllowLoopbackWithoutKey"] = "true" };
        foreach (var (flag, setting) in new[] { ("--data", "Storage:DataFolder"), ("--db", "Storage:Database") })
        {
            if (parse.GetResult(flag) is System.CommandLine.Parsing.OptionResult { Implicit: false } given && given.GetValueOrDefault<string?>() is { } value)
            {
                overrides[setting] = value;
            }
        }

        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            app = CsmsCommand.Build(overrides, out _);
        }
        catch (ConfigurationException ex)
        {
            await error.WriteLineAsync($"ohm csms user {verb}: " + CsmsCommand.OneLine(ex));
            return 2;
        }

        await using (app)
        {
            try
            {
                await app.Services.GetRequiredService<CsmsDatabase>().MigrateAsync();
            }
            catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                await error.WriteLineAsync($"ohm csms user {verb}: cannot open the database (--db, Storage:Database; --data, Storage:DataFolder): {CsmsCommand.OneLine(ex)}");
                return 2;
            }

            try
            {
                await work(app.Services.GetRequiredService<IOperatorAccounts>());
                return 0;
            }
            catch (AccountException ex)
            {
                await error.WriteLineAsync($"ohm csms user {verb}: {ex.Message}");
                return 1;
            }
        }
    }
}
