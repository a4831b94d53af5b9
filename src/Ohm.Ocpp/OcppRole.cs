namespace Ohm.Ocpp;

/// <summary>The two roles of OCPP 2.0.1.</summary>
[Flags]
public enum OcppRole
{
    /// <summary>No role.</summary>
    None = 0,

    /// <summary>The Charging Station.</summary>
    ChargingStation = 1,

    /// <summary>The Charging Station Management System.</summary>
    Csms = 2,
}
