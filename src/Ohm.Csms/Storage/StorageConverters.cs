using System.Text;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Storage;

/// <summary>
/// The value converters of the model: enums are stored in their wire spelling (the schema's, which is what the columns
/// held when they were strings) and read back with the generated FromWire, never with Enum.Parse, whose C# member names
/// differ from the wire (<c>EMAID</c> against <c>eMAID</c>).
/// </summary>
internal static class StorageConverters
{
    public static readonly ValueConverter<IdTokenEnumType, string> IdTokenType =
        new(v => v.ToWire(), s => IdTokenEnumTypeSchema.FromWire(s));

    public static readonly ValueConverter<AuthorizationStatusEnumType, string> AuthorizationStatus =
        new(v => v.ToWire(), s => AuthorizationStatusEnumTypeSchema.FromWire(s));

    public static readonly ValueConverter<RegistrationStatusEnumType, string> RegistrationStatus =
        new(v => v.ToWire(), s => RegistrationStatusEnumTypeSchema.FromWire(s));
}

/// <summary>
/// PostgreSQL's text (and jsonb) cannot hold U+0000, which an OCPP string may carry (an idToken, a custom field): every
/// string column on PostgreSQL goes through this lossless escape, undone on read. U+0000 becomes U+E000 (one character
/// for one, so that a column's length limit holds as on SQLite); the two private-use characters that the escape uses are
/// themselves escaped as U+E001 U+E000 and U+E001 U+E001. A string with none of the three is stored as it is, so the
/// text of every existing row stays readable; only a row written before this escape with a literal U+E000 or U+E001
/// in it would read back differently. JSON documents need nothing: a JSON writer always writes U+0000 as <c>\u0000</c>.
/// </summary>
internal sealed class NulEscapingConverter : ValueConverter<string, string>
{
    private const char Nul = '\0';
    private const char Escaped = '\uE000';
    private const char Escape = '\uE001';

    public NulEscapingConverter()
        : base(v => ToStore(v), s => FromStore(s))
    {
    }

    public static string ToStore(string value)
    {
        if (value.AsSpan().IndexOfAny(Nul, Escaped, Escape) < 0)
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                Nul => text.Append(Escaped),
                Escaped => text.Append(Escape).Append(Escaped),
                Escape => text.Append(Escape).Append(Escape),
                _ => text.Append(c),
            };
        }

        return text.ToString();
    }

    public static string FromStore(string stored)
    {
        if (stored.AsSpan().IndexOfAny(Escaped, Escape) < 0)
        {
            return stored;
        }

        var text = new StringBuilder(stored.Length);
        for (var i = 0; i < stored.Length; i++)
        {
            var c = stored[i];
            if (c == Escaped)
            {
                text.Append(Nul);
            }
            else if (c == Escape && i + 1 < stored.Length)
            {
                text.Append(stored[++i]);
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
