using System.CommandLine;

namespace Ohm.Cli.Tests;

/// <summary><c>ohm csms user</c>: accounts made in the CSMS database from the command line.</summary>
[Collection(UserCommandTests.Name)]
public sealed class UserCommandTests : IDisposable
{
    public const string Name = "user command (standard input)";

    private readonly string _data = Path.Combine(Path.GetTempPath(), "ohm-user-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        UserCommand.RedirectedInput = () => Console.IsInputRedirected ? Console.In : null;
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(string? input, params string[] args)
    {
        UserCommand.RedirectedInput = () => new StringReader(input ?? "");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OhmCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task User_add_reads_the_password_from_standard_input_and_the_account_is_listed_and_removed()
    {
        var (code, output, error) = await RunAsync("a-long-password-1\n", "csms", "user", "add", "--role", "admin", "--data", _data, "root");
        Assert.True(code == 0, error);
        Assert.Contains("Created Administrator 'root'", output, StringComparison.Ordinal);
        var (_, _, _) = await RunAsync("another-password-2\n", "csms", "user", "add", "--role", "viewer", "--data", _data, "watcher");

        var (listCode, listed, _) = await RunAsync(null, "csms", "user", "list", "--data", _data);
        Assert.Equal(0, listCode);
        Assert.Contains("root\tAdministrator\tenabled", listed, StringComparison.Ordinal);
        Assert.Contains("watcher\tViewer", listed, StringComparison.Ordinal);

        var (lastAdmin, _, lastAdminError) = await RunAsync(null, "csms", "user", "remove", "--data", _data, "root");
        Assert.Equal(1, lastAdmin);
        Assert.Contains("last enabled Administrator", lastAdminError, StringComparison.Ordinal);
        var (removed, _, _) = await RunAsync(null, "csms", "user", "remove", "--data", _data, "watcher");
        Assert.Equal(0, removed);
    }

    [Fact]
    public async Task User_add_names_what_is_wrong_a_short_password_or_an_unknown_role()
    {
        var (code, _, error) = await RunAsync("short\n", "csms", "user", "add", "--data", _data, "bob");
        Assert.Equal(1, code);
        Assert.Contains("password: at least 12", error, StringComparison.Ordinal);

        var (badRole, _, roleError) = await RunAsync("a-long-password-1\n", "csms", "user", "add", "--role", "boss", "--data", _data, "bob");
        Assert.Equal(2, badRole);
        Assert.Contains("--role", roleError, StringComparison.Ordinal);
    }
}
