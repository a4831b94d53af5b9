namespace Ohm.Csms.Console.Components.Capabilities;

/// <summary>The checks of the display message form, the same limits the API enforces (OCPP's field lengths).</summary>
public static class DisplayMessageForm
{
    /// <summary>Content is 1 to 512 characters.</summary>
    public static string? CheckContent(string? content) =>
        string.IsNullOrWhiteSpace(content) ? "The message needs a text." : content.Trim().Length > 512 ? "At most 512 characters." : null;

    /// <summary>A language is an RFC 5646 tag of at most 8 characters (or none).</summary>
    public static string? CheckLanguage(string? language) =>
        language is { Length: > 0 } l && l.Trim().Length is 0 or > 8 ? "At most 8 characters (an RFC 5646 tag such as en or nl-BE)." : null;

    /// <summary>The window's end is after its start.</summary>
    public static string? CheckWindow(DateTime? start, DateTime? end) =>
        start is { } s && end is { } e && e <= s ? "Must be after the start." : null;

    /// <summary>A time entered as UTC.</summary>
    public static DateTimeOffset? Utc(DateTime? entered) =>
        entered is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}
