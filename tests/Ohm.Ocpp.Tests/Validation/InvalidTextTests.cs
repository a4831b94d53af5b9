using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Serialization;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Validation;

namespace Ohm.Ocpp.Tests.Validation;

/// <summary>
/// Strings that do not decode (a lone surrogate escape, invalid UTF-8) and date-times that DateTimeOffset cannot hold:
/// the validator answers them with the Part 4 code naming the field, and nothing on the reading path throws anything
/// but a JsonException.
/// </summary>
public sealed class InvalidTextTests
{
    private const string Marker = "ohm-lone-surrogate-marker";

    public static TheoryData<string> SchemaNames => new(SchemaSamples.Names);

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public void A_lone_surrogate_in_any_string_of_any_schema_is_a_FormatViolation_naming_the_field(string schemaName)
    {
        var (validate, read) = Action(schemaName);
        var full = SchemaSamples.Full(schemaName);
        var paths = new List<List<object>>();
        Strings(full, [], paths);
        Assert.NotEmpty(paths);
        var problems = new List<string>();
        foreach (var path in paths)
        {
            foreach (var surrogate in new[] { "\\ud800", "\\udfff", "a\\ud83d", "\\ud83d\\u0041" })
            {
                var json = Encoding.UTF8.GetBytes(Replace(full, path).Replace($"\"{Marker}\"", $"\"{surrogate}\"", StringComparison.Ordinal));
                var error = validate(json);
                var expected = SchemaMutations.Format(path);
                if (error is null || error.Code != OcppErrorCode.FormatViolation || error.Path != expected)
                {
                    problems.Add($"{expected} = \"{surrogate}\": got {error?.ToString() ?? "valid"}");
                }

                var exception = Record.Exception(() => read(json));
                if (exception is not null and not JsonException)
                {
                    problems.Add($"{expected} = \"{surrogate}\": reading threw {exception.GetType().Name}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void A_lone_surrogate_in_a_property_name_is_a_FormatViolation_at_its_object()
    {
        var error = OcppActions.BootNotification.ValidateRequest(
            """{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V","customData":{"vendorId":"V","\udc00x":1}}}"""u8);

        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.FormatViolation, error.Code);
        Assert.Equal("chargingStation.customData", error.Path);
    }

    [Fact]
    public void A_lone_surrogate_inside_untyped_data_is_a_FormatViolation_at_its_place()
    {
        var error = OcppActions.DataTransfer.ValidateRequest("""{"vendorId":"V","data":{"list":[1,"ok","\ud800"]}}"""u8);

        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.FormatViolation, error.Code);
        Assert.Equal("data.list[2]", error.Path);
    }

    [Fact]
    public void Invalid_UTF_8_in_a_string_is_a_FormatViolation_naming_the_field()
    {
        var json = Encoding.UTF8.GetBytes("""{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V?"}}""");
        json[Array.IndexOf(json, (byte)'?')] = 0xFF;

        var error = OcppActions.BootNotification.ValidateRequest(json);

        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.FormatViolation, error.Code);
        Assert.Equal("chargingStation.vendorName", error.Path);
    }

    [Theory]
    [InlineData("\\ud83d\\ude00")]
    [InlineData("\\u00e9t\\u00e9")]
    [InlineData("\\\\ud800")]
    [InlineData("caf\u00e9 \\n \\\" \\/")]
    public void Escapes_that_decode_are_valid(string value)
    {
        var json = Encoding.UTF8.GetBytes($$$"""{"reason":"PowerUp","chargingStation":{"model":"{{{value}}}","vendorName":"V"}}""");

        Assert.Null(OcppActions.BootNotification.ValidateRequest(json));
        Assert.IsType<BootNotificationRequest>(OcppActions.BootNotification.ReadRequest(json));
    }

    [Theory]
    [InlineData("2024-05-01T12:00:00+15:00")]
    [InlineData("2024-05-01T12:00:00-14:01")]
    [InlineData("2024-05-01T12:00:00+23:59")]
    public void A_date_time_offset_beyond_14_hours_is_a_PropertyConstraintViolation_and_never_throws(string timestamp)
    {
        var json = Encoding.UTF8.GetBytes($$"""{"currentTime":"{{timestamp}}"}""");

        var error = OcppActions.Heartbeat.ValidateResponse(json);

        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.PropertyConstraintViolation, error.Code);
        Assert.Equal("currentTime", error.Path);
        Assert.False(OcppDateTime.TryParse(Encoding.UTF8.GetBytes(timestamp), out _));
        Assert.Throws<JsonException>(() => OcppActions.Heartbeat.ReadResponse(json));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, OcppActions.Heartbeat.ResponseInfo));
    }

    [Theory]
    [InlineData("2024-05-01T12:00:00+14:00")]
    [InlineData("2024-05-01T12:00:00-14:00")]
    public void A_date_time_offset_of_14_hours_is_valid(string timestamp)
    {
        var json = Encoding.UTF8.GetBytes($$"""{"currentTime":"{{timestamp}}"}""");

        Assert.Null(OcppActions.Heartbeat.ValidateResponse(json));
        var response = (HeartbeatResponse)OcppActions.Heartbeat.ReadResponse(json);
        Assert.Equal(TimeSpan.FromHours(timestamp[^6] == '+' ? 14 : -14), response.CurrentTime.Offset);
    }

    [Fact]
    public void The_writer_never_writes_a_lone_surrogate()
    {
        using var output = new Ohm.Ocpp.Rpc.PooledBufferWriter();
        var request = new DataTransferRequest { VendorId = "V\ud800", MessageId = "\udc00x" };

        var error = Ohm.Ocpp.Rpc.OcppFrameWriter.WriteCall(output, "w-1", OcppActions.DataTransfer, request);

        Assert.Null(error);
        using var frame = JsonDocument.Parse(output.WrittenMemory);
        Assert.Equal("V\ufffd", frame.RootElement[3].GetProperty("vendorId").GetString());
        Assert.Equal("\ufffdx", frame.RootElement[3].GetProperty("messageId").GetString());
    }

    [Fact]
    public void A_CALLERROR_description_is_never_cut_between_the_halves_of_a_surrogate_pair()
    {
        using var output = new Ohm.Ocpp.Rpc.PooledBufferWriter();
        var description = new string('x', 251) + string.Concat(Enumerable.Repeat("\ud83d\ude00", 10));

        Ohm.Ocpp.Rpc.OcppFrameWriter.WriteCallError(output, "e-1", OcppErrorCode.GenericError, description);

        using var frame = JsonDocument.Parse(output.WrittenMemory);
        Assert.Equal(new string('x', 251) + "...", frame.RootElement[3].GetString());
    }

    private static (Func<byte[], OcppValidationError?> Validate, Action<byte[]> Read) Action(string schemaName)
    {
        var isRequest = schemaName.EndsWith("Request", StringComparison.Ordinal);
        var action = OcppActions.Find(schemaName[..^(isRequest ? "Request".Length : "Response".Length)])!;
        return isRequest
            ? (json => action.ValidateRequest(json), json => action.ReadRequest(json))
            : (json => action.ValidateResponse(json), json => action.ReadResponse(json));
    }

    /// <summary>The path of every string value in the sample, enumerations and date-times included.</summary>
    private static void Strings(JsonNode? node, List<object> path, List<List<object>> found)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    Strings(value, [.. path, name], found);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Strings(array[i], [.. path, i], found);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                found.Add(path);
                break;
        }
    }

    /// <summary>The sample as JSON with the string at <paramref name="path"/> replaced by the marker.</summary>
    private static string Replace(JsonObject sample, List<object> path)
    {
        var copy = sample.DeepClone();
        var parent = copy;
        for (var i = 0; i < path.Count - 1; i++)
        {
            parent = path[i] is int index ? parent![index] : parent![(string)path[i]];
        }

        if (path[^1] is int last)
        {
            parent![last] = Marker;
        }
        else
        {
            parent![(string)path[^1]] = Marker;
        }

        return copy.ToJsonString();
    }
}
