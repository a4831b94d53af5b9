using System.Text;

namespace Ohm.Ocpp.Generator;

/// <summary>A string builder that keeps the indentation of generated C#.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(line);
        }

        _text.Append('\n');
        return this;
    }

    public CodeWriter Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
        return this;
    }

    public CodeWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    public CodeWriter Summary(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return this;
        }

        var text = System.Net.WebUtility.HtmlDecode(description)
            .Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
        Line("/// <summary>");
        foreach (var raw in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.Length > 0)
            {
                Line("/// " + line);
            }
        }

        return Line("/// </summary>");
    }

    public override string ToString() => _text.ToString();
}
