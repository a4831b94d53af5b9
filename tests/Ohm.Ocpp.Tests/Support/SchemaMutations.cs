using System.Globalization;
using System.Text.Json.Nodes;

namespace Ohm.Ocpp.Tests.Support;

/// <summary>One instance of a schema and the verdict it calls for: valid, or the Part 4 code and the field at fault.</summary>
public sealed record SchemaInstance(string Description, string Json, OcppErrorCode? ExpectedCode, string ExpectedPath)
{
    /// <summary>Whether the schema accepts the instance.</summary>
    public bool ExpectedValid => ExpectedCode is null;
}

/// <summary>
/// Derives instances of a schema from its full sample (see <see cref="SchemaSamples"/>): the valid samples, valid variants
/// at the edges of each constraint, and single-fault mutations of each reachable property and array item.
/// </summary>
/// <remarks>
/// Malformed date-times are limited to values that are plainly not date-times. Checked against NJsonSchema 11.6.2: its
/// date-time format accepts any string that parses with one of its lenient .NET formats (a bare date such as
/// "2024-05-01" or "2024", a date-time without an offset, an offset without a colon such as "+0200", a space for the
/// "T") or that merely matches the pattern <c>\d{4}-\d{2}-\d{2}[Tt_ ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})</c>,
/// without checking the ranges of the fields: it takes "2024-13-45T99:00:00Z", "2024-02-30T12:00:00Z",
/// "2024-05-01T25:00:00Z" and "2024-05-01T12:34:60Z" for date-times. It rejects "yesterday", "", "not-a-date",
/// "2024/05/01 12:34:56Z" and "12:34:56Z 2024-05-01", which are the ones used here. Our validator follows RFC 3339 (less
/// the leap second, which .NET cannot represent) and rejects all of the above, so the lenient cases would be
/// disagreements in which we are right; the calendar and offset edge cases are covered by the unit tests of
/// <c>OcppDateTime</c> instead.
/// </remarks>
public static class SchemaMutations
{
    /// <summary>The name of the property that mutations add where none is allowed.</summary>
    public const string ExtraProperty = "ohmUnknown";

    private const int MaxItemsToFill = 16;

    private static readonly string[] MalformedDateTimes = ["yesterday", "", "not-a-date", "2024/05/01 12:34:56Z", "12:34:56Z 2024-05-01"];

    private static readonly string[] ValidDateTimes = ["2024-05-01T14:34:56+02:00", "2024-05-01T07:34:56.5-05:00", "2024-05-01T12:34:56Z"];

    /// <summary>Every instance derived for a schema, such as <c>BootNotificationRequest</c>.</summary>
    public static IReadOnlyList<SchemaInstance> For(string schemaName)
    {
        var root = SchemaSamples.Schema(schemaName);
        var full = SchemaSamples.Full(schemaName);
        var instances = new List<SchemaInstance>
        {
            new("minimal sample", SchemaSamples.Minimal(schemaName).ToJsonString(), null, ""),
            new("full sample", full.ToJsonString(), null, ""),
        };
        new Walker(root, full, instances).Walk(root, full, []);
        return instances;
    }

    /// <summary>The path in the form our validator reports, as in <c>meterValue[0].sampledValue[2].value</c>.</summary>
    public static string Format(IReadOnlyList<object> path)
    {
        var text = new System.Text.StringBuilder();
        foreach (var segment in path)
        {
            if (segment is int index)
            {
                text.Append(CultureInfo.InvariantCulture, $"[{index}]");
            }
            else
            {
                text.Append(text.Length == 0 ? "" : ".").Append((string)segment);
            }
        }

        return text.ToString();
    }

    private sealed class Walker(JsonObject root, JsonObject full, List<SchemaInstance> instances)
    {
        public void Walk(JsonObject schema, JsonNode? node, IReadOnlyList<object> path)
        {
            schema = SchemaSamples.Resolve(root, schema);
            var at = Format(path);
            if (SchemaSamples.IsUntyped(schema))
            {
                foreach (var any in new JsonNode?[] { 1, "text", new JsonArray(1, "a"), null, true })
                {
                    Add($"any value {Show(any)}", Replace(path, _ => any), null, at);
                }

                return;
            }

            var type = schema["type"]!.GetValue<string>();
            foreach (var wrong in WrongValues(type))
            {
                Add($"{type} replaced by {Show(wrong)}", Replace(path, _ => wrong?.DeepClone()), OcppErrorCode.TypeConstraintViolation, at);
            }

            switch (type)
            {
                case "object":
                    WalkObject(schema, node!.AsObject(), path);
                    break;
                case "array":
                    WalkArray(schema, node!.AsArray(), path);
                    break;
                case "string":
                    MutateString(schema, path);
                    break;
                case "integer":
                    MutateInteger(schema, path);
                    break;
                case "number":
                    Add("number given as an integer", Replace(path, _ => 12), null, at);
                    break;
            }
        }

        private void WalkObject(JsonObject schema, JsonObject node, IReadOnlyList<object> path)
        {
            var at = Format(path);
            foreach (var property in SchemaSamples.Required(schema))
            {
                Add($"required {property} removed", Replace(path, o => Without(o!, property)), OcppErrorCode.OccurrenceConstraintViolation, Format([.. path, property]));
            }

            var closed = schema["additionalProperties"] is JsonValue allowed && !allowed.GetValue<bool>();
            Add(
                closed ? "property not in the schema" : "extra property where the schema allows one",
                Replace(path, o => With(o!, ExtraProperty, "x")),
                closed ? OcppErrorCode.FormatViolation : null,
                closed ? Format([.. path, ExtraProperty]) : at);

            foreach (var (property, propertySchema) in SchemaSamples.Properties(schema))
            {
                Walk(propertySchema, node[property], [.. path, property]);
            }
        }

        private void WalkArray(JsonObject schema, JsonArray node, IReadOnlyList<object> path)
        {
            var at = Format(path);
            var item = node[0]!;
            var minItems = SchemaSamples.IntegerKeyword(schema, "minItems") ?? 0;
            if (minItems > 0)
            {
                Add($"{minItems - 1} items, below minItems {minItems}", Replace(path, _ => Repeat(item, minItems - 1)), OcppErrorCode.OccurrenceConstraintViolation, at);
            }

            if (SchemaSamples.IntegerKeyword(schema, "maxItems") is { } maxItems)
            {
                Add($"{maxItems + 1} items, above maxItems {maxItems}", Replace(path, _ => Repeat(item, maxItems + 1)), OcppErrorCode.OccurrenceConstraintViolation, at);
                if (maxItems <= MaxItemsToFill)
                {
                    Add($"{maxItems} items, at maxItems", Replace(path, _ => Repeat(item, maxItems)), null, at);
                }
            }

            Walk(schema["items"]!.AsObject(), item, [.. path, 0]);
        }

        private void MutateString(JsonObject schema, IReadOnlyList<object> path)
        {
            var at = Format(path);
            if (schema["enum"] is JsonArray values)
            {
                Add("value outside the enumeration", Replace(path, _ => "NotAnOcppValue"), OcppErrorCode.PropertyConstraintViolation, at);
                var last = values[^1]!.GetValue<string>();
                Add($"last enumeration value {last}", Replace(path, _ => last), null, at);
                Add("enumeration value in another case", Replace(path, _ => Swapcase(last)), OcppErrorCode.PropertyConstraintViolation, at);
            }
            else if ((string?)schema["format"] == "date-time")
            {
                foreach (var malformed in MalformedDateTimes)
                {
                    Add($"malformed date-time '{malformed}'", Replace(path, _ => malformed), OcppErrorCode.PropertyConstraintViolation, at);
                }

                foreach (var valid in ValidDateTimes)
                {
                    Add($"date-time '{valid}'", Replace(path, _ => valid), null, at);
                }
            }
            else if (SchemaSamples.IntegerKeyword(schema, "maxLength") is { } maxLength)
            {
                var name = path.OfType<string>().LastOrDefault() ?? "";
                Add($"{maxLength + 1} characters, above maxLength {maxLength}", Replace(path, _ => SchemaSamples.Filler(name, maxLength + 1)), OcppErrorCode.PropertyConstraintViolation, at);
                Add($"{maxLength} characters, at maxLength", Replace(path, _ => SchemaSamples.Filler(name, maxLength)), null, at);
                Add("empty string", Replace(path, _ => ""), null, at);

                // maxLength counts characters, not UTF-8 bytes; the JSON carries these escaped as \u00E9.
                Add($"{maxLength} non-ASCII characters, at maxLength", Replace(path, _ => new string('é', maxLength)), null, at);
                Add($"{maxLength + 1} non-ASCII characters, above maxLength {maxLength}", Replace(path, _ => new string('é', maxLength + 1)), OcppErrorCode.PropertyConstraintViolation, at);
            }
        }

        private void MutateInteger(JsonObject schema, IReadOnlyList<object> path)
        {
            var at = Format(path);
            if (SchemaSamples.IntegerKeyword(schema, "minimum") is { } minimum)
            {
                Add($"{minimum - 1}, below minimum {minimum}", Replace(path, _ => minimum - 1), OcppErrorCode.PropertyConstraintViolation, at);
                Add($"{minimum}, at minimum", Replace(path, _ => minimum), null, at);
            }

            if (SchemaSamples.IntegerKeyword(schema, "maximum") is { } maximum)
            {
                Add($"{maximum + 1}, above maximum {maximum}", Replace(path, _ => maximum + 1), OcppErrorCode.PropertyConstraintViolation, at);
                Add($"{maximum}, at maximum", Replace(path, _ => maximum), null, at);
            }

            if (schema["minimum"] is null)
            {
                Add("negative integer", Replace(path, _ => -7), null, at);
            }
        }

        private static IEnumerable<JsonNode?> WrongValues(string type) => type switch
        {
            "object" => [new JsonArray(), "text", null],
            "array" => [new JsonObject(), "text", null],
            "string" => [12.5, true, null],
            "integer" => ["1", 12.5, null],
            "number" => ["12.5", true, null],
            "boolean" => ["true", 1, null],
            _ => throw new NotSupportedException(type),
        };

        private void Add(string description, JsonNode? instance, OcppErrorCode? code, string path) =>
            instances.Add(new SchemaInstance($"{(path.Length == 0 ? "payload" : path)}: {description}", instance?.ToJsonString() ?? "null", code, path));

        /// <summary>A copy of the full sample with the node at <paramref name="path"/> changed.</summary>
        private JsonNode? Replace(IReadOnlyList<object> path, Func<JsonNode?, JsonNode?> change)
        {
            var copy = full.DeepClone();
            if (path.Count == 0)
            {
                return change(copy);
            }

            var parent = copy;
            foreach (var segment in path.Take(path.Count - 1))
            {
                parent = segment is int index ? parent[index]! : parent[(string)segment]!;
            }

            if (path[^1] is int last)
            {
                var array = parent.AsArray();
                var current = array[last];
                var replacement = change(current);
                if (!ReferenceEquals(current, replacement))
                {
                    array[last] = replacement;
                }
            }
            else
            {
                var obj = parent.AsObject();
                var name = (string)path[^1];
                var current = obj[name];
                var replacement = change(current);
                if (!ReferenceEquals(current, replacement))
                {
                    obj[name] = replacement;
                }
            }

            return copy;
        }

        private static JsonNode Without(JsonNode node, string property)
        {
            node.AsObject().Remove(property);
            return node;
        }

        private static JsonNode With(JsonNode node, string property, JsonNode value)
        {
            node.AsObject()[property] = value;
            return node;
        }

        private static JsonArray Repeat(JsonNode item, int count) => [.. Enumerable.Range(0, count).Select(_ => item.DeepClone())];

        private static string Swapcase(string value) =>
            string.Concat(value.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));

        private static string Show(JsonNode? value) => value?.ToJsonString() ?? "null";
    }
}
