namespace Ohm.Csms.Server;

/// <summary>The operator API (section <c>Api</c> of the configuration).</summary>
public sealed class ApiOptions
{
    /// <summary>The address the API listens on. Default <c>http://127.0.0.1:8080</c>.</summary>
    public string Url { get; set; } = "http://127.0.0.1:8080";

    /// <summary>The key every request must carry in the <c>X-Api-Key</c> header.</summary>
    public string? Key { get; set; }

    /// <summary>Development mode: requests from the loopback address need no key.</summary>
    public bool AllowLoopbackWithoutKey { get; set; }

    /// <summary>Seconds a command endpoint waits for the station's answer before it gives 504. Default 30.</summary>
    public int CommandTimeoutSeconds { get; set; } = 30;

    /// <summary>Checks the values and names the first bad setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return $"Api:Url (--api-url) must be an http:// or https:// URL such as http://127.0.0.1:8080 (is '{Url}').";
        }

        if (Key is { Length: < 16 })
        {
            yield return "Api:Key must be at least 16 characters long.";
        }

        if (CommandTimeoutSeconds is < 1 or > 600)
        {
            yield return $"Api:CommandTimeoutSeconds must be between 1 and 600 (is {CommandTimeoutSeconds}).";
        }
    }
}
