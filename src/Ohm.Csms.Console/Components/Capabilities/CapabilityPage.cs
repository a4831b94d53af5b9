using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ohm.Csms.Accounts;
using Ohm.Csms.Console.Components.Commands;

namespace Ohm.Csms.Console.Components.Capabilities;

/// <summary>
/// The base of the capability pages (tariffs, reservations, display messages, firmware, logs): who the user is and
/// whether they may send commands, commands run through <see cref="StationCommand"/>, and an optional refresh on the
/// injected clock for state that stations change (statuses), cancelled when the page goes.
/// </summary>
public abstract class CapabilityPage : ComponentBase, IDisposable
{
    private ITimer? _refresh;
    private int _refreshing;

    /// <summary>The signed-in user.</summary>
    protected ClaimsPrincipal User { get; private set; } = new(new ClaimsIdentity());

    /// <summary>Whether the user may send commands (Operator or more); the command re-checks it.</summary>
    protected bool CanOperate { get; private set; }

    /// <summary>The clock.</summary>
    [Inject]
    protected TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Cancelled when the page goes.</summary>
    protected CancellationToken PageClosed => _closed.Token;

    private readonly CancellationTokenSource _closed = new();

    [Inject]
    private AuthenticationStateProvider Authentication { get; set; } = default!;

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        User = (await Authentication.GetAuthenticationStateAsync()).User;
        CanOperate = ConsoleUser.Can(User, OperatorRole.Operator);
        await LoadAsync();
    }

    /// <summary>Loads what the page shows first.</summary>
    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>Runs a command for the user (the role is checked again, the audit log names the account).</summary>
    protected Task<CommandResult<T>> RunAsync<T>(string stationId, Func<CancellationToken, Task<T>> command) =>
        StationCommand.RunAsync(User, stationId, Services.GetService<CommandTimeout>() ?? CommandTimeout.Default, command, PageClosed);

    /// <summary>Calls <paramref name="reload"/> every <paramref name="every"/> (one at a time), then redraws.</summary>
    protected void RefreshEvery(TimeSpan every, Func<Task> reload)
    {
        ArgumentNullException.ThrowIfNull(reload);
        // Resolved now, while the page's services are there: a tick may come after they are disposed.
        var stopping = Services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        var log = Services.GetService<ILoggerFactory>()?.CreateLogger(GetType()) ?? NullLogger.Instance;
        _refresh?.Dispose();
        _refresh = Time.CreateTimer(_ => _ = TickAsync(reload, log, stopping), null, every, every);
    }

    private async Task TickAsync(Func<Task> reload, ILogger log, CancellationToken stopping)
    {
        // Not while the host stops: a redraw while it disposes its services would fail in the renderer.
        if (stopping.IsCancellationRequested || Interlocked.Exchange(ref _refreshing, 1) == 1 || _closed.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await InvokeAsync(async () =>
            {
                await reload();
                StateHasChanged();
            });
        }
        catch (Exception) when (_closed.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            // The page went while it reloaded.
        }
        catch (Exception ex)
        {
            // A timer's reload: its failure is said here or nowhere. The next tick tries again.
            log.LogWarning(ex, "A page's refresh failed; it shows its previous data until the next one");
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops the refresh and cancels what the page still waits for.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _refresh?.Dispose();
            _closed.Cancel();
            _closed.Dispose();
        }
    }
}
