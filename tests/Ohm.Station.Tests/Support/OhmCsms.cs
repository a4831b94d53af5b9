using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Server;
using Ohm.Station;

namespace Ohm.Station.Tests.Support;

/// <summary>
/// The real Ohm CSMS on loopback ports, for the tests that run Ohm.Station against it: unknown stations accepted, the
/// API without a key from loopback, its data in the harness's folder, optionally on a fake clock.
/// </summary>
internal sealed class OhmCsms : IAsyncDisposable
{
    private OhmCsms(WebApplication app)
    {
        App = app;
        Api = new HttpClient { BaseAddress = CsmsHost.ApiEndpoint(app) };
    }

    /// <summary>The CSMS's host.</summary>
    public WebApplication App { get; }

    /// <summary>A client of the CSMS's API.</summary>
    public HttpClient Api { get; }

    /// <summary>Where stations connect.</summary>
    public Uri OcppEndpoint => CsmsHost.OcppEndpoint(App);

    /// <summary>Builds and starts the CSMS with <paramref name="settings"/> over the defaults.</summary>
    public static async Task<OhmCsms> StartAsync(StationHarness harness, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(harness);
        var all = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Csms:AcceptUnknown"] = "true",
            ["Api:AllowLoopbackWithoutKey"] = "true",
            ["Ocpp:Url"] = "http://127.0.0.1:0",
            ["Api:Url"] = "http://127.0.0.1:0",
            ["Storage:DataFolder"] = Path.Combine(harness.DataRoot, "csms"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = clock is null ? CsmsHost.Build(all) : CsmsHost.Build(all, configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        await CsmsHost.StartAsync(app);
        return new OhmCsms(app);
    }

    /// <summary>Options of a station of the harness that connects to this CSMS.</summary>
    public StationOptions StationOptions(StationHarness harness, string stationId)
    {
        ArgumentNullException.ThrowIfNull(harness);
        var options = harness.Options(stationId);
        options.Endpoint = OcppEndpoint;
        return options;
    }

    /// <summary>Stops the CSMS (its stations see the connection close).</summary>
    public Task StopAsync() => App.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await App.DisposeAsync();
    }
}
