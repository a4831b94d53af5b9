using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Tests.Support;

namespace Ohm.Ocpp.Tests.Serialization;

/// <summary>The schema samples read into the generated types and write back unchanged, so later tests can send them.</summary>
public sealed class SampleRoundTripTests
{
    public static TheoryData<string> SchemaNames => new(SchemaSamples.Names);

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public void Minimal_and_full_samples_read_and_write_back_unchanged(string schemaName)
    {
        var isRequest = schemaName.EndsWith("Request", StringComparison.Ordinal);
        var action = OcppActions.Find(schemaName[..^(isRequest ? "Request".Length : "Response".Length)])!;
        foreach (var sample in new[] { SchemaSamples.Minimal(schemaName), SchemaSamples.Full(schemaName) })
        {
            var json = Encoding.UTF8.GetBytes(sample.ToJsonString());
            var message = isRequest ? action.ReadRequest(json) : action.ReadResponse(json);
            var written = JsonSerializer.Serialize(message, isRequest ? action.RequestTypeInfo : action.ResponseTypeInfo);

            Assert.True(JsonNode.DeepEquals(sample, JsonNode.Parse(written)), $"{schemaName}\n  sent:    {sample.ToJsonString()}\n  written: {written}");
        }
    }
}
