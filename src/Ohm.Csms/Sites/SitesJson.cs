using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ohm.Csms.Sites;

/// <summary>The JSON of a site's allocation view as it crosses the nodes of a cluster (the API's camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SiteAllocationView))]
public sealed partial class SitesJson : JsonSerializerContext;
