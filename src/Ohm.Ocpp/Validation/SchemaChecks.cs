using System.Globalization;
using System.Text.Json;
using Ohm.Ocpp.Serialization;

namespace Ohm.Ocpp.Validation;

/// <summary>
/// The checks that the generated validators call, one per JSON Schema keyword the OCPP 2.0.1 schemas use.
/// Each returns true when the value passes, or sets the error and returns false. Nothing allocates on the valid path.
/// </summary>
/// <remarks>
/// Error codes follow Part 4: a wrong JSON type is a TypeConstraintViolation; a missing required field or too few or
/// too many array items an OccurrenceConstraintViolation; a value outside maxLength, an enumeration, minimum/maximum or
/// the date-time format a PropertyConstraintViolation; a property the schema does not allow, a payload that is not
/// JSON, or a string that is not valid text (invalid UTF-8, a lone surrogate escape), a FormatViolation.
/// </remarks>
internal static class SchemaChecks
{
    private const int MaxDateTimeLength = 64;

    public static OcppValidationError? ValidateDocument(ReadOnlySpan<byte> json, SchemaValidator validator)
    {
        OcppValidationError? error = TextChecks.FindInvalidText(json);
        if (error is not null)
        {
            return error;
        }

        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
            if (!reader.Read())
            {
                return new OcppValidationError(OcppErrorCode.FormatViolation, "", "is empty");
            }

            if (!validator(ref reader, ref error))
            {
                return error;
            }

            if (reader.Read())
            {
                return new OcppValidationError(OcppErrorCode.FormatViolation, "", "has content after its end");
            }
        }
        catch (JsonException ex)
        {
            return new OcppValidationError(OcppErrorCode.FormatViolation, "", $"is not valid JSON ({ex.Message})");
        }
        catch (InvalidOperationException ex)
        {
            // A string that does not decode; TextChecks finds those first, so this is a safety net.
            return new OcppValidationError(OcppErrorCode.FormatViolation, "", $"holds text that cannot be decoded ({ex.Message})");
        }

        return null;
    }

    public static bool Fail(ref OcppValidationError? error, OcppErrorCode code, string reason)
    {
        error = new OcppValidationError(code, "", reason);
        return false;
    }

    public static bool WrongType(ref OcppValidationError? error, string expected) =>
        Fail(ref error, OcppErrorCode.TypeConstraintViolation, expected is "object" or "array" or "integer" ? $"must be an {expected}" : $"must be a {expected}");

    public static bool At(ref OcppValidationError? error, string property)
    {
        error!.Prepend(property);
        return false;
    }

    public static bool At(ref OcppValidationError? error, int index)
    {
        error!.Prepend(index);
        return false;
    }

    public static bool Missing(ref OcppValidationError? error, string property)
    {
        error = new OcppValidationError(OcppErrorCode.OccurrenceConstraintViolation, property, "is required");
        return false;
    }

    public static bool UnknownProperty(ref Utf8JsonReader reader, ref OcppValidationError? error)
    {
        error = new OcppValidationError(OcppErrorCode.FormatViolation, reader.GetString() ?? "", "is not a property of this message");
        return false;
    }

    public static void SkipProperty(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    public static bool Any(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return true;
    }

    public static bool String(ref Utf8JsonReader reader, int maxLength, ref OcppValidationError? error)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return WrongType(ref error, "string");
        }

        // Every character takes at least one byte, so a short raw value is within the limit without counting.
        if (reader.ValueSpan.Length <= maxLength && !reader.ValueIsEscaped)
        {
            return true;
        }

        var length = CodePointLength(reader.GetString()!);
        return length <= maxLength
            || Fail(ref error, OcppErrorCode.PropertyConstraintViolation, $"is {length} characters long, more than the {maxLength} allowed");
    }

    private static int CodePointLength(string value)
    {
        var count = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (!char.IsLowSurrogate(value[i]) || i == 0 || !char.IsHighSurrogate(value[i - 1]))
            {
                count++;
            }
        }

        return count;
    }

    public static bool DateTime(ref Utf8JsonReader reader, ref OcppValidationError? error)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return WrongType(ref error, "string");
        }

        var valid = false;
        if (!reader.ValueIsEscaped)
        {
            valid = OcppDateTime.TryParse(reader.ValueSpan, out _);
        }
        else if (reader.ValueSpan.Length <= MaxDateTimeLength * 6)
        {
            Span<byte> buffer = stackalloc byte[MaxDateTimeLength * 6];
            var written = reader.CopyString(buffer);
            valid = OcppDateTime.TryParse(buffer[..written], out _);
        }

        return valid || Fail(ref error, OcppErrorCode.PropertyConstraintViolation, "is not an RFC 3339 date-time with a time zone offset (of at most 14 hours)");
    }

    public static bool Integer(ref Utf8JsonReader reader, ref OcppValidationError? error) =>
        Integer(ref reader, int.MinValue, int.MaxValue, ref error);

    public static bool Integer(ref Utf8JsonReader reader, int minimum, int maximum, ref OcppValidationError? error)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            return WrongType(ref error, "integer");
        }

        if (reader.TryGetInt32(out var value))
        {
            if (value < minimum)
            {
                return Fail(ref error, OcppErrorCode.PropertyConstraintViolation, $"is {value}, less than the minimum {minimum}");
            }

            return value <= maximum
                || Fail(ref error, OcppErrorCode.PropertyConstraintViolation, $"is {value}, more than the maximum {maximum}");
        }

        // An integer beyond 32 bits (Part 2: integer is a 32-bit value) is out of range; a fraction is the wrong type.
        return reader.TryGetDecimal(out var wide) && decimal.Truncate(wide) == wide && !RawHasFractionOrExponent(reader.ValueSpan)
            ? Fail(ref error, OcppErrorCode.PropertyConstraintViolation, $"is {wide.ToString(CultureInfo.InvariantCulture)}, outside the 32-bit integer range")
            : WrongType(ref error, "integer");
    }

    private static bool RawHasFractionOrExponent(ReadOnlySpan<byte> raw) => raw.IndexOfAny("."u8 + "eE"u8) >= 0;

    public static bool Number(ref Utf8JsonReader reader, ref OcppValidationError? error)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            return WrongType(ref error, "number");
        }

        return reader.TryGetDecimal(out _)
            || Fail(ref error, OcppErrorCode.PropertyConstraintViolation, "is outside the range of a decimal");
    }

    public static bool Boolean(ref Utf8JsonReader reader, ref OcppValidationError? error) =>
        reader.TokenType is JsonTokenType.True or JsonTokenType.False || WrongType(ref error, "boolean");

    public static bool NotInEnum(ref Utf8JsonReader reader, ref OcppValidationError? error, string enumeration)
    {
        var value = reader.GetString() ?? "";
        if (value.Length > 40)
        {
            value = value[..40] + "...";
        }

        return Fail(ref error, OcppErrorCode.PropertyConstraintViolation, $"is '{value}', which is not a value of {enumeration}");
    }

    public static bool Count(int count, int minItems, int maxItems, ref OcppValidationError? error)
    {
        if (count < minItems)
        {
            return Fail(ref error, OcppErrorCode.OccurrenceConstraintViolation, $"has {count} items, fewer than the {minItems} required");
        }

        return count <= maxItems
            || Fail(ref error, OcppErrorCode.OccurrenceConstraintViolation, $"has {count} items, more than the {maxItems} allowed");
    }
}
