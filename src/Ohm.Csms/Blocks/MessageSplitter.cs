using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Splits a long list of items into requests that respect a station's ItemsPerMessage and BytesPerMessage (B05, B06,
/// D01). <c>otherBytes</c> is what the request's other properties take, besides the list.
/// </summary>
internal static class MessageSplitter
{
    public static IEnumerable<List<T>> Split<T>(IReadOnlyList<T> items, JsonTypeInfo<T> info, int? maxItems, int? maxBytes, string action, string property, int otherBytes = 0)
    {
        // The frame around the items: [2,"<36-character id>","Action",{"property":[...]}]
        var overhead = 2 + 1 + 38 + 1 + action.Length + 2 + 1 + 1 + property.Length + 4 + 2 + otherBytes;
        var chunk = new List<T>();
        var size = overhead;
        foreach (var item in items)
        {
            var itemSize = JsonSerializer.SerializeToUtf8Bytes(item, info).Length + 1;
            var full = (maxItems is { } n && chunk.Count >= n) || (maxBytes is { } b && chunk.Count > 0 && size + itemSize > b);
            if (full)
            {
                yield return chunk;
                chunk = [];
                size = overhead;
            }

            chunk.Add(item);
            size += itemSize;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}
