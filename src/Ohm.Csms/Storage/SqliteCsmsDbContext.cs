using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Ohm.Csms.Storage;

/// <summary>The CSMS database on SQLite, the embedded default.</summary>
public sealed class SqliteCsmsDbContext(DbContextOptions<SqliteCsmsDbContext> options) : CsmsDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // SQLite has no date-time type: store the instant as a sortable integer so that queries can compare and order.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
