using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Ohm.Ocpp.Generator;

namespace Ohm.Ocpp.Tests.Support;

/// <summary>
/// Builds valid instances of the official OCPP 2.0.1 schemas straight from the schema files, independently of the
/// generated code: a minimal one (required properties only) and a full one (every property). The output is deterministic.
/// </summary>
public static class SchemaSamples
{
    /// <summary>The date-time that every date-time property of a sample holds.</summary>
    public const string SampleDateTime = "2024-05-01T12:34:56.789Z";

    /// <summary>The value that every "number" property of a sample holds.</summary>
    public const double SampleNumber = 12.5;

    /// <summary>The vendor that every customData of a full sample names.</summary>
    public const string SampleVendorId = "Ohm";

    private const string DefinitionPrefix = "#/definitions/";
    private const int MaxDepth = 32;

    private static readonly ConcurrentDictionary<string, JsonObject> Parsed = new(StringComparer.Ordinal);

    /// <summary>The folder of the 128 schema files.</summary>
    public static string Folder { get; } = Path.Combine(RepositoryRoot.Find(AppContext.BaseDirectory), "schemas", "ocpp2.0.1");

    /// <summary>Every schema name, such as <c>BootNotificationRequest</c>, in ordinal order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Directory.GetFiles(Folder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    /// <summary>The text of a schema file.</summary>
    public static string Text(string schemaName) => File.ReadAllText(Path.Combine(Folder, schemaName + ".json"));

    /// <summary>The parsed schema; shared, so callers must not change it.</summary>
    public static JsonObject Schema(string schemaName) =>
        Parsed.GetOrAdd(schemaName, name => JsonNode.Parse(Text(name))!.AsObject());

    /// <summary>A valid instance holding only the required properties (and arrays with their minimum number of items).</summary>
    public static JsonObject Minimal(string schemaName)
    {
        var root = Schema(schemaName);
        return Build(root, root, "", full: false, 0).AsObject();
    }

    /// <summary>A valid instance holding every property, with at least one item in every array.</summary>
    public static JsonObject Full(string schemaName)
    {
        var root = Schema(schemaName);
        return Build(root, root, "", full: true, 0).AsObject();
    }

    /// <summary>The definition that <paramref name="schema"/> refers to with <c>$ref</c>, or the schema itself.</summary>
    public static JsonObject Resolve(JsonObject root, JsonObject schema)
    {
        while (schema["$ref"] is JsonValue reference)
        {
            var target = reference.GetValue<string>();
            if (!target.StartsWith(DefinitionPrefix, StringComparison.Ordinal))
            {
                throw new NotSupportedException($"Only local definitions are supported, not {target}.");
            }

            schema = root["definitions"]![target[DefinitionPrefix.Length..]]!.AsObject();
        }

        return schema;
    }

    /// <summary>The properties of an object schema, in schema order.</summary>
    public static IEnumerable<KeyValuePair<string, JsonObject>> Properties(JsonObject schema) =>
        (schema["properties"]?.AsObject() ?? []).Select(p => KeyValuePair.Create(p.Key, p.Value!.AsObject()));

    /// <summary>The names an object schema requires.</summary>
    public static IReadOnlySet<string> Required(JsonObject schema) =>
        (schema["required"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);

    /// <summary>The value of an integer keyword such as <c>maxLength</c> (the schemas write some as 0.0), or null.</summary>
    public static int? IntegerKeyword(JsonObject schema, string keyword) =>
        schema[keyword] is JsonValue value ? (int)value.GetValue<double>() : null;

    /// <summary>Whether the schema is the untyped <c>data</c> of DataTransfer, which accepts any JSON value.</summary>
    public static bool IsUntyped(JsonObject schema) => schema["type"] is null && schema["enum"] is null && schema["$ref"] is null;

    /// <summary>A string of <paramref name="length"/> characters, derived from a name so that samples stay readable.</summary>
    public static string Filler(string name, int length)
    {
        var seed = name.Length == 0 ? "text" : name;
        var text = string.Concat(Enumerable.Repeat(seed, (length / seed.Length) + 1));
        return text[..length];
    }

    private static JsonNode Build(JsonObject root, JsonObject schema, string name, bool full, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException($"The schema nests deeper than {MaxDepth} levels at {name}.");
        }

        schema = Resolve(root, schema);
        if (schema["enum"] is JsonArray values)
        {
            return JsonValue.Create(values[0]!.GetValue<string>())!;
        }

        if (IsUntyped(schema))
        {
            return new JsonObject { ["note"] = "sample", ["values"] = new JsonArray(1, 2) };
        }

        var type = schema["type"]!.GetValue<string>();
        switch (type)
        {
            case "object":
                var required = Required(schema);
                var instance = new JsonObject();
                foreach (var (property, propertySchema) in Properties(schema))
                {
                    if (property == "customData" && full)
                    {
                        instance[property] = new JsonObject { ["vendorId"] = SampleVendorId };
                    }
                    else if (full || required.Contains(property))
                    {
                        instance[property] = Build(root, propertySchema, property, full, depth + 1);
                    }
                }

                return instance;
            case "array":
                var count = Math.Max(IntegerKeyword(schema, "minItems") ?? 0, full ? 1 : 0);
                var items = schema["items"]!.AsObject();
                return new JsonArray([.. Enumerable.Range(0, count).Select(_ => (JsonNode?)Build(root, items, name, full, depth + 1))]);
            case "string":
                if ((string?)schema["format"] == "date-time")
                {
                    return JsonValue.Create(SampleDateTime)!;
                }

                var maxLength = IntegerKeyword(schema, "maxLength");
                return JsonValue.Create(Filler(name, Math.Min(maxLength ?? int.MaxValue, Math.Max(name.Length, 4))))!;
            case "integer":
                var minimum = IntegerKeyword(schema, "minimum") ?? int.MinValue;
                var maximum = IntegerKeyword(schema, "maximum") ?? int.MaxValue;
                return JsonValue.Create(Math.Clamp(1, minimum, maximum));
            case "number":
                return JsonValue.Create(SampleNumber);
            case "boolean":
                return JsonValue.Create(true);
            default:
                throw new NotSupportedException($"Unexpected schema type {type} at {name}.");
        }
    }
}
