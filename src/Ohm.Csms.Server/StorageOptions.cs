namespace Ohm.Csms.Server;

/// <summary>Where the CSMS keeps its data (section <c>Storage</c> of the configuration).</summary>
public sealed class StorageOptions
{
    /// <summary>The data folder, holding the SQLite database by default. Default <c>./data</c>.</summary>
    public string DataFolder { get; set; } = "data";

    /// <summary>A database connection string: one with <c>Host=</c> is PostgreSQL, any other SQLite. Default: SQLite in the data folder.</summary>
    public string? Database { get; set; }
}
