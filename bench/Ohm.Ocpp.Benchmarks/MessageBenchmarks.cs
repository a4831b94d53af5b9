using System.Text.Json;
using System.Text.Encodings.Web;
using BenchmarkDotNet.Attributes;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Ocpp.Benchmarks;

/// <summary>
/// One request payload through the library's steps, read apart: schema validation alone, validation followed by
/// deserialization (what a receiver does, with <see cref="OcppAction.ReadRequest"/> and, for comparison, with the
/// serializer's metadata), serialization of the typed request, and validation, deserialization and serialization together.
/// </summary>
[MemoryDiagnoser, MedianColumn, MinColumn]
public abstract class MessageBenchmarks
{
    private readonly OcppAction _action;
    private readonly byte[] _json;
    private readonly PooledBufferWriter _output = new(64 * 1024);
    private readonly Utf8JsonWriter _writer;
    private object _request = null!;

    protected MessageBenchmarks(OcppAction action, byte[] json)
    {
        _action = action;
        _json = json;
        _writer = new Utf8JsonWriter(_output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    [GlobalSetup]
    public void Setup()
    {
        if (_action.ValidateRequest(_json) is { } error)
        {
            throw new InvalidOperationException($"The {_action.Name} payload is invalid: {error}");
        }

        _request = _action.ReadRequest(_json);
        Console.WriteLine($"// {_action.Name}Request payload: {_json.Length} bytes");
    }

    [Benchmark]
    public bool Validate() => _action.ValidateRequest(_json) is null;

    [Benchmark]
    public object Parse() => _action.ValidateRequest(_json) is null ? _action.ReadRequest(_json) : throw new InvalidOperationException();

    /// <summary>The receive path before the generated readers: validation, then the serializer's source-generated metadata.</summary>
    [Benchmark]
    public object ParseWithSerializerMetadata() =>
        _action.ValidateRequest(_json) is null ? JsonSerializer.Deserialize(_json, _action.RequestTypeInfo)! : throw new InvalidOperationException();

    [Benchmark]
    public int Serialize() => Write(_request);

    [Benchmark]
    public int ParseAndSerialize() =>
        _action.ValidateRequest(_json) is null ? Write(_action.ReadRequest(_json)) : throw new InvalidOperationException();

    private int Write(object request)
    {
        _output.Clear();
        _writer.Reset(_output);
        JsonSerializer.Serialize(_writer, request, _action.RequestTypeInfo);
        _writer.Flush();
        return _output.WrittenCount;
    }
}

public class BootNotification() : MessageBenchmarks(OcppActions.BootNotification, Payloads.BootNotification);

public class TransactionEvent() : MessageBenchmarks(OcppActions.TransactionEvent, Payloads.TransactionEvent);

public class NotifyReport() : MessageBenchmarks(OcppActions.NotifyReport, Payloads.NotifyReport);
