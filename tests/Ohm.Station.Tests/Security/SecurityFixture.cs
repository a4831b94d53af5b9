using Ohm.Station.Blocks;
using Ohm.Station.Tests.Support;
using SecurityBlock = Ohm.Station.Blocks.Security;

namespace Ohm.Station.Tests.Security;

/// <summary>The station's block A and block M on a fake context (the wire faked, the clock fake).</summary>
internal sealed class SecurityFixture : IDisposable
{
    public SecurityFixture(Action<StationOptions>? configure = null)
    {
        Context = new FakeStationContext { IsOnline = true };
        Options = new StationOptions { Endpoint = new Uri("wss://127.0.0.1:1/ocpp"), StationId = "CS-SEC" };
        configure?.Invoke(Options);
        Events = new SecurityEvents(Context);
        Security = new SecurityBlock(Context, Events, Options);
        Certificates = new Iso15118Certificates(Context, Security, Events);
        Security.Load();
    }

    public FakeStationContext Context { get; }

    public StationOptions Options { get; }

    public SecurityEvents Events { get; }

    public SecurityBlock Security { get; }

    public Iso15118Certificates Certificates { get; }

    /// <summary>The types of the security events queued so far.</summary>
    public List<string> EventTypes => Context.Queued.OfType<Ohm.Ocpp.Messages.SecurityEventNotificationRequest>().Select(e => e.Type).ToList();

    public void Dispose() => Context.Dispose();
}
