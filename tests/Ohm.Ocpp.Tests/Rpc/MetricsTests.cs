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

    [Fact]
    public void A_call_outcome_is_recorded_with_cached_tags_and_allocates_nothing()
    {
        var seen = new ConcurrentBag<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OcppMetrics.MeterName && instrument.Name == "ohm.ocpp.call.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        var outcomes = 0;
        var thread = Environment.CurrentManagedThreadId; // other tests' connections record too, on their threads
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            if (Environment.CurrentManagedThreadId != thread)
            {
                return;
            }

            foreach (var tag in tags)
            {
                if (tag.Key == "outcome" && outcomes++ == 0)
                {
                    seen.Add((string)tag.Value!);
                }
            }
        });
        listener.Start();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        OcppMetrics.CallDone("Heartbeat", OcppMetrics.Incoming, OcppMetrics.ErrorOutcome(OcppErrorCode.NotSupported), started);
        Assert.Equal("error:NotSupported", Assert.Single(seen));
        Assert.Same(OcppMetrics.ErrorOutcome(OcppErrorCode.NotSupported), OcppMetrics.ErrorOutcome(OcppErrorCode.NotSupported));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            OcppMetrics.CallDone("Heartbeat", OcppMetrics.Incoming, OcppMetrics.OutcomeResult, started);
            OcppMetrics.CallDone("Reset", OcppMetrics.Outgoing, OcppMetrics.ErrorOutcome(OcppErrorCode.InternalError), started);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2001, outcomes);
    }
}
