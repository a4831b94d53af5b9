using System.Text.Json;

namespace Ohm.Ocpp.Generator;

internal enum ValueKind
{
    String,
    DateTime,
    Integer,
    Number,
    Boolean,
    Any,
    Ref,
    Array,
}

/// <summary>The constraints of one JSON value, as far as the OCPP 2.0.1 schemas use them.</summary>
internal sealed record ValueModel(
    ValueKind Kind,
    int? MaxLength = null,
    long? Minimum = null,
    long? Maximum = null,
    string? RefName = null,
    ValueModel? Items = null,
    int? MinItems = null,
    int? MaxItems = null);

internal sealed record PropertyModel(string JsonName, string CsName, ValueModel Value, bool Required, string? Description);

internal enum TypeKind
{
    Request,
    Response,
    DataType,
    Enum,
}

internal sealed record TypeModel(
    string Name,
    TypeKind Kind,
    string? Description,
    IReadOnlyList<string> EnumValues,
    IReadOnlyList<PropertyModel> Properties,
    bool AdditionalProperties,
    string Fingerprint);

internal sealed record ActionModel(string Name, string Sender, TypeModel Request, TypeModel Response);

/// <summary>
/// Reads the Part 3 schemas into a model. Every keyword it does not understand stops the generator,
/// so that a schema change can never be dropped silently.
/// </summary>
internal static class SchemaModel
{
    private static readonly HashSet<string> IgnoredKeywords = ["description", "javaType", "default", "$comment", "$schema", "$id"];

    public static (IReadOnlyList<ActionModel> Actions, IReadOnlyList<TypeModel> Shared) Load(string schemaDirectory)
    {
        var files = Directory.GetFiles(schemaDirectory, "*.json").OrderBy(f => f, StringComparer.Ordinal).ToList();
        var shared = new SortedDictionary<string, TypeModel>(StringComparer.Ordinal);
        var roots = new Dictionary<string, TypeModel>(StringComparer.Ordinal);

        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = doc.RootElement;
            if (root.TryGetProperty("definitions", out var definitions))
            {
                foreach (var def in definitions.EnumerateObject())
                {
                    var model = ReadType(def.Name, TypeKind.DataType, def.Value, file);
                    if (shared.TryGetValue(def.Name, out var existing))
                    {
                        if (existing.Fingerprint != model.Fingerprint)
                        {
                            throw new InvalidDataException($"{file}: definition '{def.Name}' differs from the one in another schema.");
                        }
                    }
                    else
                    {
                        shared.Add(def.Name, model);
                    }
                }
            }

            var kind = name.EndsWith("Request", StringComparison.Ordinal) ? TypeKind.Request
                : name.EndsWith("Response", StringComparison.Ordinal) ? TypeKind.Response
                : throw new InvalidDataException($"{file}: a schema file name must end in Request or Response.");
            roots.Add(name, ReadType(name, kind, root, file));
        }

        var actions = new List<ActionModel>();
        foreach (var request in roots.Values.Where(t => t.Kind == TypeKind.Request).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var action = request.Name[..^"Request".Length];
            if (!roots.TryGetValue(action + "Response", out var response))
            {
                throw new InvalidDataException($"Action '{action}' has a request schema but no response schema.");
            }

            actions.Add(new ActionModel(action, ActionRoles.For(action), request, response));
        }

        if (actions.Count * 2 != roots.Count)
        {
            throw new InvalidDataException("Every response schema must have its request schema.");
        }

        return (actions, shared.Values.ToList());
    }

    private static TypeModel ReadType(string name, TypeKind kind, JsonElement schema, string file)
    {
        var description = schema.TryGetProperty("description", out var d) ? d.GetString() : null;
        var type = schema.GetProperty("type").GetString();
        if (type == "string" && schema.TryGetProperty("enum", out var values))
        {
            CheckKeywords(schema, file, name, "type", "enum");
            var list = values.EnumerateArray().Select(v => v.GetString()!).ToList();
            return new TypeModel(name, TypeKind.Enum, description, list, [], false, "enum:" + string.Join("|", list));
        }

        if (type != "object")
        {
            throw new InvalidDataException($"{file}: '{name}' is neither an object nor a string enumeration.");
        }

        CheckKeywords(schema, file, name, "type", "properties", "required", "additionalProperties", "definitions");
        var required = schema.TryGetProperty("required", out var r)
            ? r.EnumerateArray().Select(v => v.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        var additional = !schema.TryGetProperty("additionalProperties", out var a) || a.ValueKind != JsonValueKind.False;
        var properties = new List<PropertyModel>();
        if (schema.TryGetProperty("properties", out var props))
        {
            foreach (var p in props.EnumerateObject())
            {
                var csName = char.ToUpperInvariant(p.Name[0]) + p.Name[1..];
                if (csName == name)
                {
                    csName += "Value";
                }

                var pd = p.Value.TryGetProperty("description", out var pdd) ? pdd.GetString() : null;
                properties.Add(new PropertyModel(p.Name, csName, ReadValue(p.Value, file, name + "." + p.Name), required.Contains(p.Name), pd));
            }
        }

        foreach (var req in required)
        {
            if (!properties.Any(p => p.JsonName == req))
            {
                throw new InvalidDataException($"{file}: '{name}' requires '{req}', which it does not define.");
            }
        }

        var fingerprint = "object:" + additional + ":" + string.Join(";", properties.Select(p => $"{p.JsonName}={p.Required}:{p.Value}"));
        return new TypeModel(name, kind, description, [], properties, additional, fingerprint);
    }

    private static ValueModel ReadValue(JsonElement schema, string file, string where)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            CheckKeywords(schema, file, where, "$ref");
            const string prefix = "#/definitions/";
            var target = reference.GetString()!;
            if (!target.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{file}: {where} refers to '{target}', outside the schema's definitions.");
            }

            return new ValueModel(ValueKind.Ref, RefName: target[prefix.Length..]);
        }

        if (!schema.TryGetProperty("type", out var typeElement))
        {
            CheckKeywords(schema, file, where);
            return new ValueModel(ValueKind.Any);
        }

        switch (typeElement.GetString())
        {
            case "string" when schema.TryGetProperty("format", out var format):
                CheckKeywords(schema, file, where, "type", "format");
                return format.GetString() == "date-time"
                    ? new ValueModel(ValueKind.DateTime)
                    : throw new InvalidDataException($"{file}: {where} has the unsupported format '{format.GetString()}'.");
            case "string":
                CheckKeywords(schema, file, where, "type", "maxLength");
                return new ValueModel(ValueKind.String, MaxLength: OptionalInt(schema, "maxLength"));
            case "integer":
                CheckKeywords(schema, file, where, "type", "minimum", "maximum");
                return new ValueModel(ValueKind.Integer, Minimum: OptionalLong(schema, "minimum"), Maximum: OptionalLong(schema, "maximum"));
            case "number":
                CheckKeywords(schema, file, where, "type");
                return new ValueModel(ValueKind.Number);
            case "boolean":
                CheckKeywords(schema, file, where, "type");
                return new ValueModel(ValueKind.Boolean);
            case "array":
                CheckKeywords(schema, file, where, "type", "items", "minItems", "maxItems");
                return new ValueModel(
                    ValueKind.Array,
                    Items: ReadValue(schema.GetProperty("items"), file, where + "[]"),
                    MinItems: OptionalInt(schema, "minItems"),
                    MaxItems: OptionalInt(schema, "maxItems"));
            default:
                throw new InvalidDataException($"{file}: {where} has the unsupported type '{typeElement}'.");
        }
    }

    private static int? OptionalInt(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var v) ? (int)v.GetDouble() : null;

    private static long? OptionalLong(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var v) ? (long)v.GetDouble() : null;

    private static void CheckKeywords(JsonElement schema, string file, string where, params string[] allowed)
    {
        foreach (var p in schema.EnumerateObject())
        {
            if (!IgnoredKeywords.Contains(p.Name) && Array.IndexOf(allowed, p.Name) < 0)
            {
                throw new InvalidDataException($"{file}: {where} uses the keyword '{p.Name}', which the generator does not support.");
            }
        }
    }
}
