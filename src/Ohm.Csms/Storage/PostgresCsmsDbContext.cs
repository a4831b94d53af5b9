using Microsoft.EntityFrameworkCore;

namespace Ohm.Csms.Storage;

/// <summary>The CSMS database on PostgreSQL, for production.</summary>
public sealed class PostgresCsmsDbContext(DbContextOptions<PostgresCsmsDbContext> options) : CsmsDbContext(options);
