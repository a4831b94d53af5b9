using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Xml.Linq;
using Ohm.Cli.Tests.Support;
using Xunit.Abstractions;

namespace Ohm.Cli.Tests;

/// <summary>
/// ohm installs as its users install it: the tool from the packed .nupkg, the libraries as packages, the container image
/// built by the SDK. All from a fresh copy of the repository, packed once (<see cref="InstallFixture"/>).
/// </summary>
public sealed class InstallTests(InstallFixture fixture, ITestOutputHelper log) : IClassFixture<InstallFixture>
{
    [Fact]
    public async Task The_packed_tool_installs_prints_its_version_and_runs_the_demo()
    {
        log.WriteLine($"copy and pack (shared): {fixture.CopyAndPackTime}");
        var watch = Stopwatch.StartNew();
        var tools = Path.Combine(fixture.Root, "tools");
        var env = InstallFixture.Environment();
        // A package cache of its own for the install: the machine's cache may hold an older build of the same version.
        env["NUGET_PACKAGES"] = Path.Combine(fixture.Root, "tool-cache");
        await Run.CaptureAsync("dotnet", fixture.Root, env, TimeSpan.FromMinutes(3),
            "tool", "install", "--tool-path", tools, "--add-source", fixture.Packages, "Ohm.Cli", "--version", fixture.Version);
        var ohm = Path.Combine(tools, "ohm");

        var version = await Run.CaptureAsync(ohm, fixture.Root, null, TimeSpan.FromMinutes(1), "--version");
        Assert.Equal(fixture.Version, version.Trim());

        var (port, apiPort) = TwoFreePorts();
        var work = Directory.CreateDirectory(Path.Combine(fixture.Root, "demo-work")).FullName;
        var start = new ProcessStartInfo(ohm)
        {
            ArgumentList =
            {
                "demo", "--stations", "1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--api-port", apiPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", Path.Combine(work, "data"),
            },
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var lines = new List<string>();
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var demo = Process.Start(start)!;
        demo.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            if (e.Data.Contains("/health", StringComparison.Ordinal))
            {
                running.TrySetResult();
            }
        };
        demo.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (lines)
                {
                    lines.Add("stderr: " + e.Data);
                }
            }
        };
        demo.BeginOutputReadLine();
        demo.BeginErrorReadLine();
        try
        {
            var ended = demo.WaitForExitAsync();
            var first = await Task.WhenAny(running.Task, ended, Task.Delay(TimeSpan.FromMinutes(2)));
            Assert.True(first == running.Task, "ohm demo did not say where it runs:\n" + Joined(lines));
            Assert.Contains(lines, l => l.Contains("is running", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains($"http://127.0.0.1:{apiPort}/health", StringComparison.Ordinal));

            using var http = new HttpClient();
            using var health = await http.GetAsync(new Uri($"http://127.0.0.1:{apiPort}/health"));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);

            // Ctrl+C, as a user stops it.
            await Run.CaptureAsync("kill", work, null, TimeSpan.FromSeconds(10), "-INT", demo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var stopped = await Task.WhenAny(ended, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.True(stopped == ended, "ohm demo did not stop on SIGINT:\n" + Joined(lines));
        }
        finally
        {
            if (!demo.HasExited)
            {
                demo.Kill(entireProcessTree: true);
                await demo.WaitForExitAsync();
            }
        }

        log.WriteLine($"install, --version, demo: {watch.Elapsed}");
    }

    [Fact]
    public void The_library_packages_carry_readme_licence_documentation_and_symbols_and_Ohm_Ocpp_needs_no_ASP_NET_Core()
    {
        var v = fixture.Version;
        foreach (var id in new[] { "Ohm.Ocpp", "Ohm.Ocpp.AspNetCore" })
        {
            using var package = ZipFile.OpenRead(Path.Combine(fixture.Packages, $"{id}.{v}.nupkg"));
            var names = package.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("README.md", names);
            Assert.Contains($"lib/net10.0/{id}.dll", names);
            Assert.Contains($"lib/net10.0/{id}.xml", names);
            Assert.True(File.Exists(Path.Combine(fixture.Packages, $"{id}.{v}.snupkg")), $"{id}.{v}.snupkg");

            var nuspec = Nuspec(package, id);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal(v, metadata.Element(ns + "version")!.Value);
            var license = metadata.Element(ns + "license")!;
            Assert.Equal("expression", license.Attribute("type")!.Value);
            Assert.Equal("MIT", license.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
            Assert.StartsWith("https://github.com/", metadata.Element(ns + "repository")!.Attribute("url")!.Value, StringComparison.Ordinal);
            var frameworks = metadata.Descendants(ns + "frameworkReference").Select(f => f.Attribute("name")!.Value).ToList();
            var dependencies = metadata.Descendants(ns + "dependency").ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);
            if (id == "Ohm.Ocpp")
            {
                Assert.DoesNotContain("Microsoft.AspNetCore.App", frameworks);
                Assert.DoesNotContain(dependencies.Keys, d => d.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
            }
            else
            {
                Assert.Contains("Microsoft.AspNetCore.App", frameworks);
                Assert.Equal(v, dependencies["Ohm.Ocpp"]);
            }
        }

        using var tool = ZipFile.OpenRead(Path.Combine(fixture.Packages, $"Ohm.Cli.{v}.nupkg"));
        Assert.Contains(tool.Entries, e => e.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_container_image_runs_ohm_csms_as_a_non_root_user_with_its_ports_and_data_folder()
    {
        var watch = Stopwatch.StartNew();
        await using var registry = await LocalRegistry.StartAsync();
        var archive = Path.Combine(fixture.Root, "ohm.tar.gz");
        var env = InstallFixture.Environment();
        env["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = registry.Host;
        try
        {
            await Run.CaptureAsync("dotnet", fixture.Root, env, TimeSpan.FromMinutes(8),
                "publish", "src/Ohm.Cli", "-c", "Release", "-t:PublishContainer", "--no-restore", "-nodeReuse:false",
                $"-p:ContainerBaseImage={registry.Host}/{LocalRegistry.Repository}:{LocalRegistry.Tag}",
                $"-p:ContainerArchiveOutputPath={archive}");
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{ex.Message}\nregistry requests: {string.Join(", ", registry.Requests)}", ex);
        }

        var files = ReadTar(File.ReadAllBytes(archive));
        using var manifest = JsonDocument.Parse(files["manifest.json"]);
        var image = manifest.RootElement[0];
        Assert.Contains($"ohm:{fixture.Version}", image.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()));
        using var config = JsonDocument.Parse(files[image.GetProperty("Config").GetString()!]);
        var c = config.RootElement.GetProperty("config");
        log.WriteLine(c.ToString());

        Assert.Equal(["/app/ohm"], c.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["csms"], c.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        var ports = c.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("9000/tcp", ports);
        Assert.Contains("8080/tcp", ports);
        var user = c.GetProperty("User").GetString();
        Assert.Equal("1654", user);
        var environment = c.GetProperty("Env").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("OHM__Ocpp__Url=http://0.0.0.0:9000", environment);
        Assert.Contains("OHM__Api__Url=http://0.0.0.0:8080", environment);
        Assert.Contains("OHM__Storage__DataFolder=/data", environment);
        Assert.Equal("linux", config.RootElement.GetProperty("os").GetString());

        // The app layer (the last) holds the ohm executable at the entrypoint's path.
        var layers = image.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()!).ToList();
        var app = ReadTar(files[layers[^1]]);
        Assert.Contains(app.Keys, k => k.TrimStart('.', '/') == "app/ohm");
        Assert.Contains(app.Keys, k => k.TrimStart('.', '/') == "app/ohm.dll");
        Assert.Equal("https://github.com/ohm-ocpp/ohm", config.RootElement.GetProperty("config").GetProperty("Labels").GetProperty("org.opencontainers.image.source").GetString());
        log.WriteLine($"container publish and checks: {watch.Elapsed}");
    }

    private static Dictionary<string, byte[]> ReadTar(byte[] content)
    {
        Stream stream = new MemoryStream(content);
        if (content.Length > 2 && content[0] == 0x1f && content[1] == 0x8b)
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null)
            {
                continue;
            }

            using var copy = new MemoryStream();
            entry.DataStream.CopyTo(copy);
            files[entry.Name] = copy.ToArray();
        }

        stream.Dispose();
        return files;
    }

    private static XDocument Nuspec(ZipArchive package, string id)
    {
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream);
    }

    private static string Joined(List<string> lines)
    {
        lock (lines)
        {
            return string.Join('\n', lines);
        }
    }

    /// <summary>Two free ports, one for --port and one for --api-port.</summary>
    private static (int Port, int ApiPort) TwoFreePorts()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            if (port >= 65535)
            {
                continue;
            }

            try
            {
                using var second = new TcpListener(IPAddress.Loopback, port + 1);
                second.Start();
                return (port, port + 1);
            }
            catch (SocketException)
            {
                // the next port is taken; try another
            }
        }

        throw new InvalidOperationException("No two consecutive free ports.");
    }
}
