using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Storage.Entities;

/// <summary>A registered charging station: its credentials, its boot policy and what its last boot reported.</summary>
public sealed class StationRecord
{
    public required string Id { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>The security profile the station must use (0 = no password, development only; 1-3).</summary>
    public int SecurityProfile { get; set; } = 1;

    /// <summary>PBKDF2 hash of the SP1/SP2 password; never the password itself.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>
    /// A01: the hash of the password that <see cref="PasswordHash"/> replaced while the station has not yet connected
    /// with the new one; both are accepted until it does, then this one is forgotten.
    /// </summary>
    public string? PreviousPasswordHash { get; set; }

    /// <summary>How BootNotification is answered: Accepted, Pending or Rejected.</summary>
    public RegistrationStatusEnumType BootPolicy { get; set; } = RegistrationStatusEnumType.Accepted;

    /// <summary>The status the last BootNotification was answered with; null before the first boot.</summary>
    public RegistrationStatusEnumType? RegistrationStatus { get; set; }

    public string? VendorName { get; set; }

    public string? Model { get; set; }

    public string? SerialNumber { get; set; }

    public string? FirmwareVersion { get; set; }

    public string? ModemIccid { get; set; }

    public string? ModemImsi { get; set; }

    public string? LastBootReason { get; set; }

    public DateTimeOffset? LastBootAt { get; set; }

    public DateTimeOffset? LastSeenAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Whether the record was created by the auto-accept policy rather than by an operator.</summary>
    public bool AutoRegistered { get; set; }

    /// <summary>A copy to change without touching this one.</summary>
    public StationRecord Clone() => (StationRecord)MemberwiseClone();
}
