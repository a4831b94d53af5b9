using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Storage;

/// <summary>The model of operator accounts, their API keys and the audit log of the calls they made.</summary>
internal static class AccountsModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OperatorAccountRecord>(e =>
        {
            e.HasIndex(a => a.NormalizedName).IsUnique();
            e.Property(a => a.Name).HasMaxLength(64);
            e.Property(a => a.NormalizedName).HasMaxLength(64);
            e.Property(a => a.PasswordHash).HasMaxLength(128);
            e.Property(a => a.Role).HasMaxLength(16).HasConversion<string>();
        });
        modelBuilder.Entity<ApiKeyRecord>(e =>
        {
            e.HasIndex(k => k.Prefix).IsUnique();
            e.HasIndex(k => k.AccountId);
            e.HasOne<OperatorAccountRecord>().WithMany().HasForeignKey(k => k.AccountId).OnDelete(DeleteBehavior.Cascade);
            e.Property(k => k.Label).HasMaxLength(100);
            e.Property(k => k.Prefix).HasMaxLength(16);
            e.Property(k => k.SecretHash).HasMaxLength(64);
        });
        modelBuilder.Entity<AuditRecord>(e =>
        {
            e.HasIndex(a => a.At);
            e.HasIndex(a => new { a.Account, a.Id });
            e.HasIndex(a => new { a.StationId, a.Id });
            e.Property(a => a.Account).HasMaxLength(64);
            e.Property(a => a.StationId).HasMaxLength(48);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.Outcome).HasMaxLength(16);
            e.Property(a => a.Detail).HasMaxLength(1000);
        });
    }
}
