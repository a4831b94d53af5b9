using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Ohm.Cli.Tests.Cluster;

/// <summary>
/// One <c>ohm csms --cluster</c> process of a <see cref="ClusterProcesses"/>: its ports (kept across a restart, so that the
/// stations' list of addresses stays right), its OCPP endpoint and its API. Started in development mode (unknown stations
/// accepted, the API open to loopback without a key).
/// </summary>
public sealed class ClusterNode : IDisposable
{
    private readonly string _database;
    private readonly string _clusterId;
    private readonly Action<string> _log;
    private Process? _process;

    internal ClusterNode(int number, int[] ports, string database, string clusterId, string data, Action<string> log)
    {
        Number = number;
        (OcppPort, ApiPort, SiloPort, GatewayPort) = (ports[0], ports[1], ports[2], ports[3]);
        _database = database;
        _clusterId = clusterId;
        _log = log;
        DataFolder = data;
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>1, 2 or 3.</summary>
    public int Number { get; }

    /// <summary>The port of the node's OCPP listener.</summary>
    public int OcppPort { get; }

    /// <summary>The port of the node's API (and console, /health).</summary>
    public int ApiPort { get; }

    /// <summary>The Orleans silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The Orleans gateway port.</summary>
    public int GatewayPort { get; }

    /// <summary>The node's data folder (its working directory).</summary>
    public string DataFolder { get; }

    /// <summary>Where stations connect: ws://127.0.0.1:port/ocpp (the station id is appended).</summary>
    public Uri OcppEndpoint => new($"ws://127.0.0.1:{OcppPort}/ocpp");

    /// <summary>The node's API, its base address the API listener (paths such as <c>api/stations</c>).</summary>
    public HttpClient Api { get; }

    /// <summary>The running process, or null once it was killed or stopped.</summary>
    public Process? Process => _process;

    /// <summary>Whether the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>GET <paramref name="path"/> on this node's API: the status and the JSON body (an empty object when none).</summary>
    public async Task<(int Status, JsonElement Body)> GetJsonAsync(string path)
    {
        using var response = await Api.GetAsync(new Uri(path, UriKind.Relative));
        return ((int)response.StatusCode, await BodyAsync(response));
    }

    /// <summary>POST <paramref name="json"/> to <paramref name="path"/> on this node's API: the status and the JSON body.</summary>
    public async Task<(int Status, JsonElement Body)> PostJsonAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Api.PostAsync(new Uri(path, UriKind.Relative), content);
        return ((int)response.StatusCode, await BodyAsync(response));
    }

    /// <summary>PUT <paramref name="body"/> (serialized) to <paramref name="path"/> on this node's API: the status and the JSON body.</summary>
    public async Task<(int Status, JsonElement Body)> PutJsonAsync(string path, object body)
    {
        using var response = await Api.PutAsJsonAsync(new Uri(path, UriKind.Relative), body);
        return ((int)response.StatusCode, await BodyAsync(response));
    }

    /// <summary>kill -9: the process dies at once, without draining.</summary>
    public void Kill()
    {
        if (_process is { } process)
        {
            _log($"test: kill -9 node {Number} (pid {process.Id})");
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM: the node drains and leaves; returns when the process has ended, with its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan bound)
    {
        var process = _process ?? throw new InvalidOperationException($"node {Number} is not running");
        _log($"test: SIGTERM node {Number} (pid {process.Id})");
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(bound);
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    /// <summary>Starts the process (again, on the same ports); <see cref="ClusterProcesses"/> waits until it is ready.</summary>
    internal void Start(string ohmDll)
    {
        _process?.Dispose();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataFolder,
        };
        foreach (var arg in new[]
        {
            ohmDll, "csms", "--cluster", "--accept-unknown", "--db", _database,
            "--ocpp-url", $"http://127.0.0.1:{OcppPort}", "--api-url", $"http://127.0.0.1:{ApiPort}", "--data", DataFolder,
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["OHM__Cluster__ClusterId"] = _clusterId;
        start.Environment["OHM__Cluster__SiloPort"] = SiloPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["OHM__Cluster__GatewayPort"] = GatewayPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0"; // three nodes and the test on 2 cores: workstation GC keeps each small
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start ohm csms --cluster.");
        _log($"test: node {Number} started (pid {process.Id})");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _log($"node {Number}: {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _log($"node {Number} stderr: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>Whether the node answers /health/ready with 200.</summary>
    internal async Task<bool> IsReadyAsync()
    {
        if (!IsRunning)
        {
            throw new NodeExitedException($"node {Number} exited with {_process?.ExitCode} before it was ready");
        }

        try
        {
            using var response = await Api.GetAsync(new Uri("health/ready", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Kills the process if it still runs.</summary>
    public void Dispose()
    {
        if (IsRunning)
        {
            Kill();
        }

        _process?.Dispose();
        Api.Dispose();
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text); // not JSON: the text itself, for the failure message
        }
    }
}
