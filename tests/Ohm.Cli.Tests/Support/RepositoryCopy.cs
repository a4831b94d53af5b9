using System.Diagnostics;

namespace Ohm.Cli.Tests.Support;

/// <summary>
/// A copy of the repository's files (tracked and untracked, not ignored: <c>git ls-files -co --exclude-standard</c>) in a
/// temporary folder, so that packing and publishing there does not race the build outputs of the running test run.
/// </summary>
internal static class RepositoryCopy
{
    /// <summary>The repository root: the nearest folder above the test's binaries that holds Ohm.slnx.</summary>
    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ohm.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Ohm.slnx above {AppContext.BaseDirectory}.");
    }

    /// <summary>Copies the repository into <paramref name="target"/>; returns how many files were copied.</summary>
    public static async Task<int> CopyToAsync(string target)
    {
        var root = FindRoot();
        var list = await Run.CaptureAsync("git", root, null, TimeSpan.FromMinutes(1), "ls-files", "-co", "--exclude-standard", "-z");
        var copied = 0;
        foreach (var relative in list.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var source = Path.Combine(root, relative);
            if (!File.Exists(source))
            {
                continue; // tracked but deleted in the work tree
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(source, destination);
            copied++;
        }

        return copied;
    }
}

/// <summary>Runs a command to its end, failing the test with its output when it fails.</summary>
internal static class Run
{
    public static async Task<string> CaptureAsync(string fileName, string workingDirectory, IDictionary<string, string>? environment, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not end within {timeout}: {await output}{await error}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }

        return await output;
    }
}
