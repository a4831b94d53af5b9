namespace Ohm.Csms;

/// <summary>A05 settings of the security-profile upgrade (section <c>Csms:Security</c>).</summary>
public sealed class SecurityProfileOptions
{
    /// <summary>
    /// Whether POST /api/stations/{id}/security-profile may lower a station's security profile. Default false: a
    /// downgrade is refused (409), as OCPP 2.0.1 A05 expects.
    /// </summary>
    public bool AllowProfileDowngrade { get; set; }
}
