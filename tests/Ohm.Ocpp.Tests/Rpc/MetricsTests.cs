using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;

namespace Ohm.Ocpp.Tests.Rpc;

/// <summary>The labels of the RPC metrics stay a bounded set whatever a peer sends.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task An_action_that_is_not_an_OCPP_201_action_is_labelled_unknown()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        csms.Handlers.On<HeartbeatRequest, HeartbeatResponse>((_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow }));
        var stationId = "METRICS1";
        var made = $"Made-Up-{Guid.NewGuid():N}";
        var labels = new ConcurrentBag<(string Instrument, string Action)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OcppMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Record(instrument, tags));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Record(instrument, tags));
        listener.Start();

        await using var station = await RawStation.ConnectAsync(csms.Endpoint, stationId);
        var reply = await station.ExchangeAsync($$"""[2,"m-1","{{made}}",{}]""");
        Assert.Equal("NotImplemented", reply[2].GetString());
        // Answered after the first CALL's duration is recorded: CALLs are served one at a time.
        Assert.Equal(3, (await station.ExchangeAsync("""[2,"m-2","Heartbeat",{}]"""))[0].GetInt32());

        Assert.DoesNotContain(labels, l => l.Action == made);
        Assert.Contains(labels, l => l.Instrument == "ohm.ocpp.calls" && l.Action == OcppMetrics.UnknownAction);
        Assert.Contains(labels, l => l.Instrument == "ohm.ocpp.handler.duration" && l.Action == OcppMetrics.UnknownAction);
        Assert.Contains(labels, l => l.Instrument == "ohm.ocpp.calls" && l.Action == "Heartbeat");

        void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "action")
                {
                    labels.Add((instrument.Name, (string)tag.Value!));
                }
            }
        }
    }
}
