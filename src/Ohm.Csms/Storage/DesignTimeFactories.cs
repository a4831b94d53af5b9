using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Ohm.Csms.Storage;

/// <summary>Lets `dotnet ef migrations add` build the SQLite context (migrations only; no database is opened).</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCsmsDbContext>
{
    public SqliteCsmsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCsmsDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Lets `dotnet ef migrations add` build the PostgreSQL context (migrations only; no database is opened).</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCsmsDbContext>
{
    public PostgresCsmsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCsmsDbContext>().UseNpgsql("Host=localhost;Database=ohm_design").Options);
}
