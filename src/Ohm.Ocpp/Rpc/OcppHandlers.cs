using System.Collections.Concurrent;

namespace Ohm.Ocpp.Rpc;

/// <summary>Serves one action: takes the typed request, returns the typed response.</summary>
public delegate ValueTask<TResponse> OcppHandler<in TRequest, TResponse>(TRequest request, OcppCallContext context, CancellationToken cancellationToken);

/// <summary>
/// A check that every CALL passes before it is routed, for any action name (known, unknown, or of the wrong role):
/// throw <see cref="OcppCallErrorException"/> to answer it with that error instead. A CSMS uses it to refuse every
/// message but BootNotification while a station is not accepted (B02.FR.09), whatever the action.
/// </summary>
public delegate void OcppCallGuard(OcppConnection connection, string action);

/// <summary>
/// The handlers of one role, one per action. A CALL for an action without a handler is answered with NotSupported
/// when the action is one this role receives, and with NotImplemented when the action is not known at all.
/// </summary>
public sealed class OcppHandlers
{
    private readonly ConcurrentDictionary<string, Entry> _byAction = new(StringComparer.Ordinal);

    /// <summary>Registers (or replaces) the handler of an action.</summary>
    public OcppHandlers On<TRequest, TResponse>(OcppAction<TRequest, TResponse> action, OcppHandler<TRequest, TResponse> handler)
        where TRequest : class, IOcppRequest<TResponse>
        where TResponse : class, IOcppResponse
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(handler);
        _byAction[action.Name] = new Entry(action, async (request, context, ct) => await handler((TRequest)request, context, ct).ConfigureAwait(false));
        return this;
    }

    /// <summary>Registers the handler of an action through its request type, as in <c>On&lt;HeartbeatRequest, HeartbeatResponse&gt;(...)</c>.</summary>
    public OcppHandlers On<TRequest, TResponse>(OcppHandler<TRequest, TResponse> handler)
        where TRequest : class, IOcppRequest<TResponse>
        where TResponse : class, IOcppResponse
    {
        var action = Messages.OcppActions.All.OfType<OcppAction<TRequest, TResponse>>().Single();
        return On(action, handler);
    }

    /// <summary>Registers (or replaces) an untyped handler, for hosts that serve actions generically; it must return the action's response type.</summary>
    public OcppHandlers On(OcppAction action, Func<object, OcppCallContext, CancellationToken, ValueTask<object>> handler)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(handler);
        _byAction[action.Name] = new Entry(action, handler);
        return this;
    }

    /// <summary>The check every CALL passes before it is routed, or null.</summary>
    public OcppCallGuard? CallGuard { get; private set; }

    /// <summary>Sets the check that every CALL passes before it is routed (see <see cref="OcppCallGuard"/>).</summary>
    public OcppHandlers Guard(OcppCallGuard guard)
    {
        ArgumentNullException.ThrowIfNull(guard);
        CallGuard = guard;
        return this;
    }

    /// <summary>Removes the handler of an action.</summary>
    public bool Remove(OcppAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return _byAction.TryRemove(action.Name, out _);
    }

    /// <summary>The actions that have a handler.</summary>
    public IEnumerable<OcppAction> Actions => _byAction.Values.Select(e => e.Action);

    internal bool TryGet(string action, out Entry entry) => _byAction.TryGetValue(action, out entry!);

    internal sealed record Entry(OcppAction Action, Func<object, OcppCallContext, CancellationToken, ValueTask<object>> Invoke);
}
