namespace Ohm.Ocpp.Transport;

/// <summary>The WebSocket subprotocols of OCPP-J (Part 4).</summary>
public static class OcppSubProtocols
{
    /// <summary>OCPP 2.0.1.</summary>
    public const string Ocpp201 = "ocpp2.0.1";
}
