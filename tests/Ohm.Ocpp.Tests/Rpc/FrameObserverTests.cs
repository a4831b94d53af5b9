using System.Collections.Concurrent;
using System.Text;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Transport;

namespace Ohm.Ocpp.Tests.Rpc;

/// <summary>The frame observer seam of <see cref="OcppRpcOptions.FrameObserver"/>, the base of the CSMS's message trace.</summary>
public sealed class FrameObserverTests
{
    private sealed record Seen(OcppFrameDirection Direction, OcppMessageType? Type, string? MessageId, string? Action, string Frame);

    private sealed class Observer(bool observing) : IOcppFrameObserver
    {
        public ConcurrentQueue<Seen> Frames { get; } = new();

        private int _asked;

        public int Asked => Volatile.Read(ref _asked);

        public bool IsObserving(OcppConnection connection)
        {
            Interlocked.Increment(ref _asked);
            return observing;
        }

        public void OnFrame(OcppConnection connection, OcppFrameDirection direction, OcppMessageType? messageType, string? messageId, string? action, ReadOnlySpan<byte> frame) =>
            Frames.Enqueue(new Seen(direction, messageType, messageId, action, Encoding.UTF8.GetString(frame)));
    }

    [Fact]
    public async Task An_observer_sees_each_frame_in_and_out_with_its_type_message_id_action_and_text()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        csms.Handlers.On<HeartbeatRequest, HeartbeatResponse>((_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow }));
        var observer = new Observer(observing: true);
        await using var station = await OcppClient.ConnectAsync(csms.ClientOptions("OBS1", o => o.Rpc.FrameObserver = observer), new OcppHandlers());
        var server = await csms.WaitForConnectionAsync("OBS1");

        await station.CallAsync(new HeartbeatRequest());
        await Assert.ThrowsAsync<OcppCallErrorException>(() => server.CallAsync(new ResetRequest { Type = ResetEnumType.Immediate }));

        var frames = observer.Frames.ToArray();
        Assert.Equal(4, frames.Length);
        Assert.Equal((OcppFrameDirection.Sent, OcppMessageType.Call, "Heartbeat"), (frames[0].Direction, frames[0].Type, frames[0].Action));
        Assert.StartsWith($"[2,\"{frames[0].MessageId}\",\"Heartbeat\",", frames[0].Frame, StringComparison.Ordinal);
        Assert.Equal((OcppFrameDirection.Received, OcppMessageType.CallResult, "Heartbeat", frames[0].MessageId), (frames[1].Direction, frames[1].Type, frames[1].Action, frames[1].MessageId));
        Assert.Contains("currentTime", frames[1].Frame, StringComparison.Ordinal);
        Assert.Equal((OcppFrameDirection.Received, OcppMessageType.Call, "Reset"), (frames[2].Direction, frames[2].Type, frames[2].Action));
        Assert.Equal((OcppFrameDirection.Sent, OcppMessageType.CallError, "Reset", frames[2].MessageId), (frames[3].Direction, frames[3].Type, frames[3].Action, frames[3].MessageId));
        Assert.StartsWith($"[4,\"{frames[2].MessageId}\",\"NotSupported\"", frames[3].Frame, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_observer_that_observes_nothing_is_asked_once_per_frame_and_given_none()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        csms.Handlers.On<HeartbeatRequest, HeartbeatResponse>((_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow }));
        var observer = new Observer(observing: false);
        await using var station = await OcppClient.ConnectAsync(csms.ClientOptions("OBS2", o => o.Rpc.FrameObserver = observer), new OcppHandlers());
        for (var i = 0; i < 3; i++)
        {
            await station.CallAsync(new HeartbeatRequest());
        }

        Assert.Equal(6, observer.Asked);
        Assert.Empty(observer.Frames);
    }
}
