using BenchmarkDotNet.Attributes;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Ocpp.Benchmarks;

/// <summary>
/// What <see cref="OcppConnection"/> does with a TransactionEvent CALL once its bytes are in: read the OCPP-J frame,
/// look up the action, validate the payload and deserialize it.
/// </summary>
[MemoryDiagnoser, MedianColumn, MinColumn]
public class FrameReceive
{
    private readonly byte[] _frame = Payloads.TransactionEventCall;

    [GlobalSetup]
    public void Setup() => Console.WriteLine($"// TransactionEvent CALL frame: {_frame.Length} bytes");

    [Benchmark]
    public object TransactionEventCall()
    {
        if (!OcppFrame.TryParse(_frame, out var frame, out _) || OcppActions.Find(frame.Action!) is not { } action)
        {
            throw new InvalidOperationException("The frame did not parse.");
        }

        var payload = _frame.AsSpan()[frame.Payload];
        return action.ValidateRequest(payload) is null ? action.ReadRequest(payload) : throw new InvalidOperationException();
    }
}
