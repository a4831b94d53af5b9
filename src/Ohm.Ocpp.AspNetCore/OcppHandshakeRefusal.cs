namespace Ohm.Ocpp.AspNetCore;

/// <summary>Why <see cref="OcppServer"/> refused a handshake before the upgrade (see <see cref="OcppServerOptions.Refused"/>).</summary>
public enum OcppHandshakeRefusal
{
    /// <summary>The station identity in the URL is not valid (400).</summary>
    BadIdentity,

    /// <summary>The request is not a WebSocket upgrade (400).</summary>
    NotWebSocket,

    /// <summary>The request offers no supported subprotocol (400).</summary>
    NoSupportedSubprotocol,

    /// <summary>The Authorization header is not valid HTTP Basic authentication (401).</summary>
    BadAuthorizationHeader,

    /// <summary>The Basic-auth user name is not the station identity (401).</summary>
    UserNameMismatch,

    /// <summary><see cref="OcppServerOptions.Authenticate"/> refused the station (401).</summary>
    NotAuthorized,
}
