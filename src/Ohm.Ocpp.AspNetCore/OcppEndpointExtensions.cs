using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Ohm.Ocpp.AspNetCore;

/// <summary>Hosts an <see cref="OcppServer"/> in ASP.NET Core.</summary>
public static class OcppEndpointExtensions
{
    /// <summary>Adds the WebSocket middleware and maps <c>{PathPrefix}/{stationId}</c> to the server.</summary>
    public static IEndpointConventionBuilder MapOcpp(this WebApplication app, OcppServer server)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(server);
        app.UseWebSockets();
        var prefix = server.Options.PathPrefix.TrimEnd('/');
        return app.Map(prefix + "/{**stationPath}", server.HandleAsync);
    }
}
