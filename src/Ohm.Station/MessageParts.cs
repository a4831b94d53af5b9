using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Ohm.Station;

/// <summary>
/// Splits the items of a report (NotifyReport, NotifyDisplayMessages) into the parts the station sends: at most
/// ItemsPerMessage items and about BytesPerMessage bytes each (0 means no limit), never an empty part.
/// </summary>
internal static class MessageParts
{
    /// <summary>
    /// The parts of <paramref name="items"/>; <paramref name="envelope"/> is what a part takes besides its items (the
    /// other fields of the message and the frame).
    /// </summary>
    public static List<List<T>> Split<T>(IReadOnlyList<T> items, JsonTypeInfo<T> type, int itemsPerMessage, int bytesPerMessage, int envelope)
    {
        ArgumentNullException.ThrowIfNull(items);
        var parts = new List<List<T>>();
        var current = new List<T>();
        var bytes = envelope;
        foreach (var item in items)
        {
            var size = JsonSerializer.SerializeToUtf8Bytes(item, type).Length + 1;
            if (current.Count > 0 && ((itemsPerMessage > 0 && current.Count >= itemsPerMessage) || (bytesPerMessage > 0 && bytes + size > bytesPerMessage)))
            {
                parts.Add(current);
                current = [];
                bytes = envelope;
            }

            current.Add(item);
            bytes += size;
        }

        if (current.Count > 0)
        {
            parts.Add(current);
        }

        return parts;
    }
}
