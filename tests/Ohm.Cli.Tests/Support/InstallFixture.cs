using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ohm.Cli.Tests.Support;

/// <summary>
/// One copy of the repository, packed once in Release (the tool Ohm.Cli and the libraries Ohm.Ocpp and
/// Ohm.Ocpp.AspNetCore) into <see cref="Packages"/>; the install and container tests share it, and the container publish
/// reuses its Release build. Restores use the machine's package cache and NuGet configuration, as the README's commands do.
/// </summary>
public sealed class InstallFixture : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("ohm-install-").FullName;

    public string Packages => Path.Combine(Root, "out");

    /// <summary>The version of Directory.Build.props (VersionPrefix; no VersionSuffix is given here).</summary>
    public string Version { get; private set; } = "";

    public TimeSpan CopyAndPackTime { get; private set; }

    /// <summary>What every dotnet command here runs with: no telemetry or first-run work, no build servers left behind by MSBuild.</summary>
    public static Dictionary<string, string> Environment() => new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        await RepositoryCopy.CopyToAsync(Root);
        var props = await File.ReadAllTextAsync(Path.Combine(Root, "Directory.Build.props"));
        Version = Regex.Match(props, "<VersionPrefix>([^<]+)</VersionPrefix>").Groups[1].Value;
        var env = Environment();
        var limit = TimeSpan.FromMinutes(8);
        await Run.CaptureAsync("dotnet", Root, env, limit, "pack", "src/Ohm.Cli", "-c", "Release", "-o", Packages, "-nodeReuse:false");
        await Run.CaptureAsync("dotnet", Root, env, limit, "pack", "src/Ohm.Ocpp.AspNetCore", "-c", "Release", "-o", Packages, "--no-restore", "-nodeReuse:false");
        await Run.CaptureAsync("dotnet", Root, env, limit, "pack", "src/Ohm.Ocpp", "-c", "Release", "-o", Packages, "--no-build", "--no-restore", "-nodeReuse:false");
        CopyAndPackTime = watch.Elapsed;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open; the temporary folder is cleaned by the system
        }

        return Task.CompletedTask;
    }
}
