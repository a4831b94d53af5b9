using System.Net;

namespace Ohm.Ocpp.Transport;

/// <summary>The WebSocket handshake with the CSMS failed.</summary>
public sealed class OcppConnectException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OcppConnectException(string message, HttpStatusCode? statusCode, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception.</summary>
    public OcppConnectException()
        : this("The WebSocket handshake failed.", null, null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public OcppConnectException(string message)
        : this(message, null, null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public OcppConnectException(string message, Exception innerException)
        : this(message, null, innerException)
    {
    }

    /// <summary>The HTTP status the CSMS answered the handshake with (401 for refused credentials), when it answered.</summary>
    public HttpStatusCode? StatusCode { get; }
}
