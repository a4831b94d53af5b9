namespace Ohm.Csms.Console.Components.Commands;

/// <summary>How long a command sent from the console waits for the station's answer (the API's Api:CommandTimeoutSeconds).</summary>
/// <param name="Seconds">The wait, in seconds.</param>
public sealed record CommandTimeout(int Seconds)
{
    /// <summary>What the console waits when the host registers none.</summary>
    public static readonly CommandTimeout Default = new(30);
}
