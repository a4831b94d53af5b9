namespace Ohm.Ocpp.Validation;

/// <summary>The first schema violation found in a payload: the Part 4 error code, the field and why.</summary>
public sealed class OcppValidationError
{
    /// <summary>Creates an error for the field at <paramref name="path"/> (empty for the payload itself).</summary>
    public OcppValidationError(OcppErrorCode code, string path, string reason)
    {
        Code = code;
        Path = path;
        Reason = reason;
    }

    /// <summary>The CALLERROR code this violation calls for.</summary>
    public OcppErrorCode Code { get; }

    /// <summary>The field, as in <c>meterValue[0].sampledValue[2].value</c>; empty for the payload as a whole.</summary>
    public string Path { get; private set; }

    /// <summary>What is wrong with the field.</summary>
    public string Reason { get; }

    /// <summary>The field and the reason in one sentence, as sent in a CALLERROR description.</summary>
    public string Message => Path.Length == 0 ? $"payload {Reason}" : $"{Path} {Reason}";

    internal void Prepend(string property) =>
        Path = Path.Length == 0 ? property : Path[0] == '[' ? property + Path : property + "." + Path;

    internal void Prepend(int index) =>
        Path = Path.Length == 0 || Path[0] == '[' ? $"[{index}]{Path}" : $"[{index}].{Path}";

    /// <inheritdoc/>
    public override string ToString() => $"{Code.ToWire()}: {Message}";
}
