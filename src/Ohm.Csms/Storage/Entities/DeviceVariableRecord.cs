namespace Ohm.Csms.Storage.Entities;

/// <summary>One variable of a station's device model, keyed by component and variable, with its characteristics.</summary>
public sealed class DeviceVariableRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public required string ComponentName { get; set; }

    /// <summary>The component instance; empty when none (kept non-null so that the key is unique).</summary>
    public string ComponentInstance { get; set; } = "";

    /// <summary>The EVSE id; 0 when the component is not on an EVSE.</summary>
    public int EvseId { get; set; }

    /// <summary>The connector id; 0 when none.</summary>
    public int ConnectorId { get; set; }

    public required string VariableName { get; set; }

    public string VariableInstance { get; set; } = "";

    public string? DataType { get; set; }

    public string? Unit { get; set; }

    public decimal? MinLimit { get; set; }

    public decimal? MaxLimit { get; set; }

    public string? ValuesList { get; set; }

    public bool? SupportsMonitoring { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<DeviceVariableAttributeRecord> Attributes { get; set; } = [];
}
