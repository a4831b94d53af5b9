using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Tests.Support;

namespace Ohm.Ocpp.Tests.Serialization;

/// <summary>
/// <see cref="OcppAction.ReadRequest"/> and <see cref="OcppAction.ReadResponse"/> use readers generated with the
/// validators instead of the serializer's metadata: they must build the same objects, and fail with a JsonException.
/// </summary>
public sealed class GeneratedReaderTests
{
    public static TheoryData<string> SchemaNames => new(SchemaSamples.Names);

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public void Generated_reader_builds_what_the_serializer_builds(string schemaName)
    {
        var isRequest = schemaName.EndsWith("Request", StringComparison.Ordinal);
        var action = OcppActions.Find(schemaName[..^(isRequest ? "Request".Length : "Response".Length)])!;
        var info = isRequest ? action.RequestTypeInfo : action.ResponseTypeInfo;
        var full = SchemaSamples.Full(schemaName);
        if (full["customData"] is JsonObject customData)
        {
            customData["vendorSpecific"] = new JsonObject { ["a"] = new JsonArray(1, "two", null) };
        }

        foreach (var sample in new[] { SchemaSamples.Minimal(schemaName), full })
        {
            var json = Encoding.UTF8.GetBytes(sample.ToJsonString());
            var generated = isRequest ? action.ReadRequest(json) : action.ReadResponse(json);
            var serializer = JsonSerializer.Deserialize(json, info)!;

            Assert.IsType(info.Type, generated);
            Assert.Equal(JsonSerializer.Serialize(serializer, info), JsonSerializer.Serialize(generated, info));
        }
    }

    [Fact]
    public void The_benchmark_style_transaction_event_reads_the_same_both_ways()
    {
        var json = """
            {"eventType":"Updated","timestamp":"2025-03-14T09:26:53.589+01:00","triggerReason":"MeterValuePeriodic","seqNo":17,
            "transactionInfo":{"transactionId":"tx-1","chargingState":"Charging"},"unknownIgnored":{"x":[1,2]},
            "meterValue":[{"timestamp":"2025-03-14T09:26:53Z","sampledValue":[
            {"value":-1.5e3,"measurand":"Current.Import","phase":"L1-N","unitOfMeasure":{"unit":"A","multiplier":-1}},
            {"value":12345678901234567890.123}]}]}
            """u8.ToArray();
        var generated = (TransactionEventRequest)OcppActions.TransactionEvent.ReadRequest(json);
        var serializer = JsonSerializer.Deserialize(json, OcppActions.TransactionEvent.RequestInfo)!;

        Assert.Equal(-1500m, generated.MeterValue![0].SampledValue[0].Value);
        Assert.Equal(PhaseEnumType.L1N, generated.MeterValue[0].SampledValue[0].Phase);
        Assert.Equal(TimeSpan.FromHours(1), generated.Timestamp.Offset);
        Assert.Equal(
            JsonSerializer.Serialize(serializer, OcppActions.TransactionEvent.RequestInfo),
            JsonSerializer.Serialize(generated, OcppActions.TransactionEvent.RequestInfo));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{")]
    [InlineData("{} {}")]
    [InlineData("{\"currentTime\":\"2024-05-01T12:34:56Z\"}")]
    [InlineData("{\"reason\":\"PowerUp\"}")]
    [InlineData("{\"reason\":\"powerup\",\"chargingStation\":{\"model\":\"m\",\"vendorName\":\"v\"}}")]
    [InlineData("{\"reason\":\"PowerUp\",\"chargingStation\":{\"model\":1,\"vendorName\":\"v\"}}")]
    [InlineData("{\"reason\":\"PowerUp\",\"chargingStation\":[]}")]
    public void Payloads_without_the_shape_of_the_schema_fail_with_a_JsonException(string payload)
    {
        Assert.ThrowsAny<JsonException>(() => OcppActions.BootNotification.ReadRequest(Encoding.UTF8.GetBytes(payload)));
    }

    [Fact]
    public void Integers_out_of_range_fail_with_a_JsonException()
    {
        var json = """{"interval":2147483648,"currentTime":"2024-05-01T12:34:56Z","status":"Accepted"}"""u8.ToArray();
        Assert.ThrowsAny<JsonException>(() => OcppActions.BootNotification.ReadResponse(json));
    }
}
