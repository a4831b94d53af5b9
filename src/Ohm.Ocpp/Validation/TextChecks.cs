using System.Globalization;
using System.Text;
using System.Text.Json;
using Ohm.Ocpp.Serialization;

namespace Ohm.Ocpp.Validation;

/// <summary>
/// Finds the first string or property name of a payload that does not decode to text (invalid UTF-8, or a <c>\u</c>
/// escape that leaves a lone surrogate), so that the validator answers it with a FormatViolation naming the field
/// before anything tries to decode it. Most payloads have neither a <c>\u</c> escape nor invalid UTF-8, and cost one
/// vectorized scan.
/// </summary>
internal static class TextChecks
{
    public static OcppValidationError? FindInvalidText(ReadOnlySpan<byte> json)
    {
        if (!JsonText.MayHoldInvalidText(json))
        {
            return null;
        }

        // Each open container, outermost first: an array's current index, or an object's current property name.
        var path = new List<(bool IsArray, int Index, string? Name)>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (!JsonText.IsValid(ref reader))
                        {
                            path[^1] = (false, 0, null);
                            return new OcppValidationError(OcppErrorCode.FormatViolation, Format(path), "has a property name that is not valid text (invalid UTF-8 or an unpaired surrogate escape)");
                        }

                        path[^1] = (false, 0, reader.GetString());
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        continue;
                }

                if (path.Count > 0 && path[^1].IsArray)
                {
                    path[^1] = (true, path[^1].Index + 1, null);
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        path.Add((false, 0, null));
                        break;
                    case JsonTokenType.StartArray:
                        path.Add((true, -1, null));
                        break;
                    case JsonTokenType.String when !JsonText.IsValid(ref reader):
                        return new OcppValidationError(OcppErrorCode.FormatViolation, Format(path), "is not valid text (invalid UTF-8 or an unpaired surrogate escape)");
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the validator that runs next says so.
        }

        return null;
    }

    /// <summary>The path as <see cref="OcppValidationError.Path"/> spells it, as in <c>meterValue[0].sampledValue[2].value</c>.</summary>
    private static string Format(List<(bool IsArray, int Index, string? Name)> path)
    {
        var text = new StringBuilder();
        foreach (var (isArray, index, name) in path)
        {
            if (isArray)
            {
                text.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else if (name is not null)
            {
                text.Append(text.Length == 0 ? "" : ".").Append(name);
            }
        }

        return text.ToString();
    }
}
