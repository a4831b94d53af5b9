using System.Text.Json;
using System.Text.RegularExpressions;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Tests;

/// <summary>
/// The OpenAPI document read as a client generator reads it: every operation must be callable from the document alone
/// (an operationId, a body schema, a success schema, the errors it can give, the key it needs).
/// </summary>
public sealed partial class ApiDocumentTests
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private static async Task<JsonElement> DocumentAsync()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        return await csms.GetJsonAsync("openapi/v1.json");
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(m => Methods.Contains(m.Name))
            .Select(m => (path.Name, m.Name, m.Value)));

    /// <summary>The schema <paramref name="schema"/> refers to, followed through $ref.</summary>
    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }

        return schema;
    }

    private static JsonElement Schema(JsonElement document, string name) => document.GetProperty("components").GetProperty("schemas").GetProperty(name);

    private static string[] Required(JsonElement schema) =>
        schema.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal).ToArray() : [];

    private static bool AllowsNull(JsonElement document, JsonElement property)
    {
        if (property.TryGetProperty("type", out var type))
        {
            return type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Any(t => t.GetString() == "null") : type.GetString() == "null";
        }

        foreach (var combinator in new[] { "oneOf", "anyOf" })
        {
            if (property.TryGetProperty(combinator, out var options) && options.EnumerateArray().Any(o => AllowsNull(document, Resolve(document, o))))
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public async Task Every_operation_has_a_unique_camelCase_operationId_a_summary_and_a_tag()
    {
        var document = await DocumentAsync();
        var problems = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, method, operation) in Operations(document))
        {
            var id = operation.TryGetProperty("operationId", out var value) ? value.GetString() : null;
            if (id is null || !CamelCase().IsMatch(id) || !ids.Add(id))
            {
                problems.Add($"{method} {path}: operationId '{id}' is missing, not camelCase or not unique");
            }

            if (!operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
            {
                problems.Add($"{method} {path}: no summary");
            }

            if (!operation.TryGetProperty("tags", out var tags) || tags.GetArrayLength() == 0)
            {
                problems.Add($"{method} {path}: no tag");
            }
        }

        Assert.True(ids.Count >= 30, $"only {ids.Count} operations");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Every_operation_has_a_success_schema_every_PUT_and_POST_a_request_schema_and_every_error_is_problem_json()
    {
        var document = await DocumentAsync();
        var problems = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            var success = responses.Where(r => r.Name.StartsWith('2')).ToList();
            // A stream of Server-Sent Events (GET /api/events/stream) declares the schema of each event's JSON instead; a
            // file's content (the file service) is binary, with its schema.
            if (success.Count == 0 || success.Any(r => r.Name != "204" && !HasSchema(r.Value, "application/json") && !HasSchema(r.Value, "text/event-stream") && !HasSchema(r.Value, "application/octet-stream")))
            {
                problems.Add($"{method} {path}: a 2xx response without a JSON schema ({string.Join(", ", success.Select(r => r.Name))})");
            }

            if (method is "put" or "post"
                && !(operation.TryGetProperty("requestBody", out var body) && (HasSchema(body, "application/json") || HasSchema(body, "application/octet-stream"))))
            {
                problems.Add($"{method} {path}: no application/json (or, for a file, application/octet-stream) request body schema");
            }

            foreach (var error in responses.Where(r => r.Name[0] is '4' or '5'))
            {
                if (!HasSchema(error.Value, "application/problem+json"))
                {
                    problems.Add($"{method} {path}: {error.Name} is not an application/problem+json schema");
                }
            }

            foreach (var status in new[] { "400", "401" })
            {
                if (!responses.Any(r => r.Name == status))
                {
                    problems.Add($"{method} {path}: does not declare {status}");
                }
            }

            if (path.Contains("{stationId}", StringComparison.Ordinal) && method != "put" && !responses.Any(r => r.Name == "404"))
            {
                problems.Add($"{method} {path}: does not declare 404 for an unknown station");
            }
        }

        Assert.Empty(problems);
    }

    private static bool HasSchema(JsonElement responseOrBody, string mediaType) =>
        responseOrBody.TryGetProperty("content", out var content) && content.TryGetProperty(mediaType, out var media) && media.TryGetProperty("schema", out _);

    [Fact]
    public async Task Every_operation_is_under_api_and_needs_the_API_key_scheme_of_the_X_Api_Key_header()
    {
        var document = await DocumentAsync();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        foreach (var (path, method, operation) in Operations(document))
        {
            Assert.True(path.StartsWith("/api/", StringComparison.Ordinal), $"{path} is in the document");
            Assert.True(
                operation.TryGetProperty("security", out var security) && security.EnumerateArray().Any(r => r.TryGetProperty("ApiKey", out _)),
                $"{method} {path} does not require the ApiKey scheme");
        }
    }

    [Fact]
    public async Task A_command_body_is_the_OCPP_request_schema_and_its_answer_the_OCPP_response_schema()
    {
        var document = await DocumentAsync();
        var reset = document.GetProperty("paths").GetProperty("/api/stations/{stationId}/commands/reset").GetProperty("post");
        var body = Resolve(document, reset.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Equal(["type"], Required(body));
        var type = Resolve(document, body.GetProperty("properties").GetProperty("type"));
        Assert.Equal(["Immediate", "OnIdle"], type.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(
            "#/components/schemas/ResetRequest",
            reset.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var answer = reset.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal("#/components/schemas/ResetResponse", answer.GetProperty("$ref").GetString());
        foreach (var status in new[] { "404", "415", "502", "503", "504" })
        {
            Assert.True(reset.GetProperty("responses").TryGetProperty(status, out _), $"reset does not declare {status}");
        }
    }

    [Fact]
    public async Task The_id_token_schemas_require_what_is_required_and_allow_null_only_where_a_value_may_be_missing()
    {
        var document = await DocumentAsync();
        var view = Schema(document, "IdTokenView");
        var all = view.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(all, Required(view));
        var nullable = view.GetProperty("properties").EnumerateObject().Where(p => AllowsNull(document, p.Value)).Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["allowedEvses", "balance", "balanceCurrency", "expiresAt", "groupIdToken", "groupIdTokenType", "language", "language2", "personalMessage"], nullable);
        var type = Resolve(document, view.GetProperty("properties").GetProperty("type"));
        Assert.Contains("ISO14443", type.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));

        var creation = Schema(document, "IdTokenCreation");
        Assert.Equal(["idToken", "type"], Required(creation));
        Assert.False(AllowsNull(document, creation.GetProperty("properties").GetProperty("idToken")));
        Assert.Contains("eMAID", Resolve(document, creation.GetProperty("properties").GetProperty("type")).GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(Required(Schema(document, "IdTokenBody")));
    }

    [Fact]
    public async Task Every_list_answers_a_page_of_items_total_and_next_and_takes_cursor_and_limit()
    {
        var document = await DocumentAsync();
        var lists = Operations(document).Where(o => o.Operation.GetProperty("operationId").GetString()!.StartsWith("list", StringComparison.Ordinal)).ToList();
        Assert.True(lists.Count >= 9, $"{lists.Count} lists");
        foreach (var (path, _, operation) in lists)
        {
            var page = Resolve(document, operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
            Assert.True(page.TryGetProperty("properties", out var properties), $"{path}: the answer is not an object");
            Assert.Equal(["items", "next", "total"], properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal(["items", "next", "total"], Required(page));
            Assert.Equal("integer", properties.GetProperty("total").GetProperty("type").GetString());
            var parameters = operation.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p);
            Assert.True(parameters.ContainsKey("cursor"), $"{path}: no cursor");
            var limit = parameters["limit"].GetProperty("schema");
            Assert.Equal((1, 500), (limit.GetProperty("minimum").GetInt32(), limit.GetProperty("maximum").GetInt32()));
        }
    }

    [GeneratedRegex("^[a-z][a-zA-Z0-9]+$")]
    private static partial Regex CamelCase();
}
