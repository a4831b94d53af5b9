using System.Security.Claims;
using System.Text.Json;
using Ohm.Csms.Accounts;
using Ohm.Csms.Sessions;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Console.Components.Commands;

/// <summary>
/// Sends one command from the console: re-checks the Operator role, records the account as the command's actor, waits
/// at most <see cref="CommandTimeout"/> and says plainly what came back, as the API's command endpoints map it.
/// </summary>
internal static class CommandRunner
{
    public static async Task<CommandOutcome> RunAsync<TResponse>(
        ClaimsPrincipal user, string stationId, CommandTimeout timeout, Func<CancellationToken, Task<TResponse>> call, Func<TResponse, string> summary)
        where TResponse : class
    {
        if (!ConsoleUser.Can(user, OperatorRole.Operator))
        {
            return new CommandOutcome(false, "Your role may not send commands: an Operator is needed.");
        }

        using var actor = CommandActor.Begin(user.Identity!.Name!);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(timeout.Seconds));
        try
        {
            var response = await call(wait.Token);
            return new CommandOutcome(true, summary(response), JsonSerializer.Serialize(response, typeof(TResponse), OcppJsonContext.Default));
        }
        catch (StationNotConnectedException)
        {
            return new CommandOutcome(false, $"Station {stationId} is not connected.");
        }
        catch (Exception ex) when (ex is OcppCallTimeoutException or OperationCanceledException)
        {
            return new CommandOutcome(false, $"The station did not answer within {timeout.Seconds} s.");
        }
        catch (OcppCallErrorException ex)
        {
            return new CommandOutcome(false, $"The station answered with a CALLERROR: {ex.Code.ToWire()}: {ex.Description}");
        }
        catch (OcppPayloadException ex)
        {
            return new CommandOutcome(false, $"The station's answer breaks the schema: {ex.Error}");
        }
        catch (OcppConnectionClosedException)
        {
            return new CommandOutcome(false, $"The connection of {stationId} closed before it answered.");
        }
    }
}
