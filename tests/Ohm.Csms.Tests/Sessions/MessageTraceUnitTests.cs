using System.Net.WebSockets;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Sessions;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Sessions;

/// <summary>The trace's switch on its own: what a frame costs while it is off, and how stations come and go.</summary>
public sealed class MessageTraceUnitTests
{
    private static OcppConnection Connection(string stationId) =>
        new(WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true }), stationId, OcppRole.Csms, new OcppHandlers(), new OcppRpcOptions());

    [Fact]
    public void While_the_trace_is_off_or_on_for_another_station_asking_about_a_frame_allocates_nothing()
    {
        var trace = new MessageTrace(new InProcessMessageTraceSwitch(), new FakeTimeProvider(), new LogRecorder());
        var connection = Connection("CS-HOT");
        Assert.False(trace.IsObserving(connection));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            _ = trace.IsObserving(connection);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        trace.TraceStations(["CS-OTHER"], TimeSpan.FromMinutes(5));
        Assert.False(trace.IsObserving(connection));
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            _ = trace.IsObserving(connection);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Stations_are_added_and_removed_one_by_one_and_the_last_one_out_switches_the_trace_off()
    {
        var clock = new FakeTimeProvider();
        var trace = new MessageTrace(new InProcessMessageTraceSwitch(), clock, new LogRecorder());
        trace.Add("CS-A", TimeSpan.FromMinutes(5));
        var state = trace.Add("CS-B", TimeSpan.FromMinutes(10));
        Assert.Equal(["CS-A", "CS-B"], state.Stations.Order(StringComparer.Ordinal));
        Assert.Equal(clock.GetUtcNow().AddMinutes(10), state.Until);
        Assert.True(trace.IsObserving(Connection("CS-A")));
        Assert.False(trace.IsObserving(Connection("CS-C")));

        Assert.Equal(["CS-B"], trace.Remove("CS-A").Stations);
        Assert.False(trace.IsObserving(Connection("CS-A")));
        Assert.Same(MessageTraceState.Off, trace.Remove("CS-B"));

        trace.TraceAll(TimeSpan.FromMinutes(1));
        Assert.True(trace.IsObserving(Connection("CS-ANY")));
        Assert.True(trace.Remove("CS-ANY").All);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(trace.IsObserving(Connection("CS-ANY")));
        Assert.Same(MessageTraceState.Off, trace.State);
    }
}
