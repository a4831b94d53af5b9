using System.Security.Claims;
using System.Text.Json;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Console.Components.Commands;

/// <summary>A command of the station page through <see cref="StationCommand"/>, its answer summarized and kept as JSON.</summary>
internal static class CommandRunner
{
    public static async Task<CommandOutcome> RunAsync<TResponse>(
        ClaimsPrincipal user, string stationId, CommandTimeout timeout, Func<CancellationToken, Task<TResponse>> call, Func<TResponse, string> summary)
        where TResponse : class
    {
        var result = await StationCommand.RunAsync(user, stationId, timeout, call);
        return result.Value is { } response
            ? new CommandOutcome(true, summary(response), JsonSerializer.Serialize(response, typeof(TResponse), OcppJsonContext.Default))
            : new CommandOutcome(false, result.Error ?? "The station gave no answer.");
    }
}
