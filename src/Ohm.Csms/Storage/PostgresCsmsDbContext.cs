using Microsoft.EntityFrameworkCore;

namespace Ohm.Csms.Storage;

/// <summary>The CSMS database on PostgreSQL, for production.</summary>
public sealed class PostgresCsmsDbContext(DbContextOptions<PostgresCsmsDbContext> options) : CsmsDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // Stored rather than refused: a valid TransactionEvent with U+0000 in a string would otherwise fail on every
        // attempt, and a station gives up on a TransactionEvent after MessageAttemptsTransactionEvent CALLERRORs, so the
        // transaction would be lost. See NulEscapingConverter.
        configurationBuilder.Properties<string>().HaveConversion<NulEscapingConverter>();
    }
}
