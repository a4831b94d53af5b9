using System.Text.Json;

namespace Ohm.Ocpp.Serialization;

/// <summary>
/// The failures of the generated readers (the <c>Read</c> methods of the message types), which turn a payload that
/// its schema validator accepted into the typed message without going through the serializer's metadata.
/// </summary>
internal static class MessageReading
{
    public static JsonException WrongToken(ref Utf8JsonReader reader, string expected) =>
        new($"Expected {expected} but found {reader.TokenType} at byte {reader.TokenStartIndex}.");

    public static JsonException Missing(string type, string property) =>
        new($"{type} lacks its required property '{property}'.");

    public static JsonException NotInEnum(ref Utf8JsonReader reader, string enumeration) =>
        new($"The value at byte {reader.TokenStartIndex} is not a {enumeration}.");
}
