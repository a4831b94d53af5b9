using Ohm.Ocpp.Messages;

namespace Ohm.Station.ChargingProfiles;

/// <summary>
/// A charging profile the station holds: the EVSE it was set on (0: the station), the profile as received, where it came
/// from (CSO for the CSMS's, EMS/SO/Other for a local energy manager's ChargingStationExternalConstraints) and when it
/// was installed (the start of an Absolute or Recurring schedule that names none).
/// </summary>
public sealed record InstalledProfile(int EvseId, ChargingProfileType Profile, ChargingLimitSourceEnumType Source, DateTimeOffset InstalledAt)
{
    /// <summary>The profile's id.</summary>
    public int Id => Profile.Id;

    /// <summary>The profile's purpose.</summary>
    public ChargingProfilePurposeEnumType Purpose => Profile.ChargingProfilePurpose;

    /// <summary>The profile's stack level.</summary>
    public int StackLevel => Profile.StackLevel;
}
