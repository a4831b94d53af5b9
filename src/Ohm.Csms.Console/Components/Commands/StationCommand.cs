using System.Security.Claims;
using Ohm.Csms.Accounts;
using Ohm.Csms.Sessions;
using Ohm.Ocpp;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Console.Components.Commands;

/// <summary>What a command a page sent gave: its value, or what went wrong said plainly.</summary>
public sealed record CommandResult<T>(T? Value, string? Error)
{
    /// <summary>Whether the command ran (the station answered, or the write was stored).</summary>
    public bool Succeeded => Error is null;
}

/// <summary>
/// Runs an operator's command from a page: the role is checked again here (the button may be hidden, the circuit not),
/// the command runs as the account (<see cref="CommandActor"/>, for the audit log), and a station's failure becomes a
/// sentence: not connected, no answer within the <see cref="CommandTimeout"/> (the API's Api:CommandTimeoutSeconds), or its
/// CALLERROR code and description. Every page that sends a command goes through it.
/// </summary>
public static class StationCommand
{
    /// <summary>The sentence for a user who may not send commands.</summary>
    public const string NotAllowed = "Your role may only view this page: sending commands needs the Operator role.";

    /// <summary>Runs <paramref name="command"/> for <paramref name="user"/> when they are an Operator (or more).</summary>
    public static async Task<CommandResult<T>> RunAsync<T>(ClaimsPrincipal user, string stationId, CommandTimeout wait, Func<CancellationToken, Task<T>> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(wait);
        if (!ConsoleUser.Can(user, OperatorRole.Operator) || user.Identity?.Name is not { } name)
        {
            return new(default, NotAllowed);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(wait.Seconds));
        using (CommandActor.Begin(name))
        {
            try
            {
                return new(await command(timeout.Token).ConfigureAwait(false), null);
            }
            catch (StationNotConnectedException)
            {
                return new(default, $"Station '{stationId}' is not connected.");
            }
            catch (Exception ex) when (ex is OcppCallTimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return new(default, $"The station '{stationId}' did not answer within {wait.Seconds} s.");
            }
            catch (OcppCallErrorException ex)
            {
                return new(default, $"The station answered with a CALLERROR: {ex.Code.ToWire()}: {ex.Description}");
            }
            catch (OcppPayloadException ex)
            {
                return new(default, $"The station's answer breaks the schema: {ex.Error}");
            }
            catch (OcppConnectionClosedException)
            {
                return new(default, $"The connection of '{stationId}' closed before it answered.");
            }
        }
    }
}
