namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// How many items and bytes a station takes in one GetVariables or SetVariables request (DeviceDataCtrlr
/// ItemsPerMessage and BytesPerMessage): the values an operator set, which win over the station's own, and when the
/// station was last asked for its own.
/// </summary>
public sealed class StationMessageLimitsRecord
{
    public required string StationId { get; set; }

    public int? GetVariablesItemsPerMessage { get; set; }

    public int? GetVariablesBytesPerMessage { get; set; }

    public int? SetVariablesItemsPerMessage { get; set; }

    public int? SetVariablesBytesPerMessage { get; set; }

    /// <summary>When the CSMS read the limits from the station (GetVariables); null if never.</summary>
    public DateTimeOffset? ReadFromStationAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
