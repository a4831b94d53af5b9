namespace Ohm.Csms.Storage.Entities;

/// <summary>One attribute (Actual, Target, MinSet, MaxSet) of a device-model variable.</summary>
public sealed class DeviceVariableAttributeRecord
{
    public long Id { get; set; }

    public long VariableId { get; set; }

    public required string Type { get; set; }

    public string? Value { get; set; }

    public string? Mutability { get; set; }

    public bool? Persistent { get; set; }

    public bool? Constant { get; set; }
}
