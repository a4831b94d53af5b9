namespace Ohm.Csms.Storage.Entities;

/// <summary>A tariff (block I): its current version; every change adds a <see cref="TariffVersionRecord"/>.</summary>
public sealed class TariffRecord
{
    /// <summary>The tariff id.</summary>
    public long Id { get; set; }

    /// <summary>The current version (1 when created).</summary>
    public int Version { get; set; }

    /// <summary>Whether this is the default tariff, used when no assignment applies (at most one).</summary>
    public bool IsDefault { get; set; }

    /// <summary>Deleted tariffs keep their versions for the transactions that used them.</summary>
    public bool Deleted { get; set; }

    /// <summary>The current version's <see cref="Blocks.TariffDefinition"/> as JSON.</summary>
    public required string Definition { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One version of a tariff, as a transaction priced with it used it.</summary>
public sealed class TariffVersionRecord
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The tariff.</summary>
    public long TariffId { get; set; }

    /// <summary>The version.</summary>
    public int Version { get; set; }

    /// <summary>The <see cref="Blocks.TariffDefinition"/> as JSON.</summary>
    public required string Definition { get; set; }

    /// <summary>When this version was made.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// Where a tariff applies: a token group (<see cref="GroupIdToken"/>), an EVSE (<see cref="StationId"/> and
/// <see cref="EvseId"/>) or a whole station (<see cref="StationId"/> only). Group beats EVSE beats station beats default.
/// </summary>
public sealed class TariffAssignmentRecord
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The tariff.</summary>
    public long TariffId { get; set; }

    /// <summary>The station, for a station or EVSE assignment.</summary>
    public string? StationId { get; set; }

    /// <summary>The EVSE, for an EVSE assignment.</summary>
    public int? EvseId { get; set; }

    /// <summary>The groupIdToken, for a token group (contract) assignment.</summary>
    public string? GroupIdToken { get; set; }
}

/// <summary>A transaction's cost (I02, I03): the breakdown last computed, the tariff version it used, whether it is final.</summary>
public sealed class TransactionCostRecord
{
    /// <summary>The <see cref="TransactionRecord.Id"/>.</summary>
    public long TransactionRecordId { get; set; }

    /// <summary>The station.</summary>
    public required string StationId { get; set; }

    /// <summary>The station-made transaction id.</summary>
    public required string TransactionId { get; set; }

    /// <summary>The tariff used.</summary>
    public long TariffId { get; set; }

    /// <summary>The tariff version the transaction started with: its fee, minimum, maximum and tax apply throughout (I06).</summary>
    public int TariffVersion { get; set; }

    /// <summary>The latest version whose text the driver was sent (as personalMessage or updatedPersonalMessage, I06).</summary>
    public int AnnouncedVersion { get; set; }

    /// <summary>ISO 4217 currency.</summary>
    public required string Currency { get; set; }

    /// <summary>Energy part.</summary>
    public decimal Energy { get; set; }

    /// <summary>Charging time part.</summary>
    public decimal Time { get; set; }

    /// <summary>Idle part.</summary>
    public decimal Idle { get; set; }

    /// <summary>Flat fees.</summary>
    public decimal Fees { get; set; }

    /// <summary>Tax.</summary>
    public decimal Tax { get; set; }

    /// <summary>Total including tax.</summary>
    public decimal Total { get; set; }

    /// <summary>kWh charged.</summary>
    public decimal EnergyKwh { get; set; }

    /// <summary>Whether the transaction ended and this is its total cost.</summary>
    public bool Final { get; set; }

    /// <summary>Whether a prepaid token's balance was reduced by the total (once).</summary>
    public bool BalanceCharged { get; set; }

    /// <summary>Whether the CSMS asked the station to stop because the prepaid balance is spent (C17).</summary>
    public bool StopRequested { get; set; }

    /// <summary>When it was computed.</summary>
    public DateTimeOffset ComputedAt { get; set; }
}
