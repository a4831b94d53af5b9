namespace Ohm.Csms.Console.Components.Commands;

/// <summary>What a command sent from the console gave: the station's answer, or why there is none.</summary>
/// <param name="Succeeded">Whether the station answered with a response.</param>
/// <param name="Summary">One plain line: the answer's status, the CALLERROR's code and description, the timeout, not connected.</param>
/// <param name="Json">The station's response payload, when it answered.</param>
public sealed record CommandOutcome(bool Succeeded, string Summary, string? Json = null);
