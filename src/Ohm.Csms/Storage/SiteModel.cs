using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Storage;

/// <summary>The model of the site tables (kept apart from <see cref="CsmsDbContext"/> so merges stay small).</summary>
internal static class SiteModel
{
    public static void Build(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SiteRecord>(e =>
        {
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).HasMaxLength(64);
            e.Property(s => s.ParentSiteId).HasMaxLength(64);
            e.Property(s => s.LimitUnit).HasConversion<string>().HasMaxLength(4);
            e.HasIndex(s => s.ParentSiteId);
        });
        modelBuilder.Entity<SiteMemberRecord>(e =>
        {
            e.Property(m => m.SiteId).HasMaxLength(64);
            e.Property(m => m.StationId).HasMaxLength(48);
            e.HasIndex(m => new { m.SiteId, m.StationId, m.EvseId }).IsUnique();
            e.HasIndex(m => m.StationId);
            e.HasOne<SiteRecord>().WithMany().HasForeignKey(m => m.SiteId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<SiteLimitPeriodRecord>(e =>
        {
            e.Property(p => p.SiteId).HasMaxLength(64);
            e.HasIndex(p => new { p.SiteId, p.StartMinute }).IsUnique();
            e.HasOne<SiteRecord>().WithMany().HasForeignKey(p => p.SiteId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<SitePriorityRecord>(e =>
        {
            e.Property(p => p.SiteId).HasMaxLength(64);
            e.HasIndex(p => new { p.SiteId, p.GroupIdToken }).IsUnique();
            e.HasOne<SiteRecord>().WithMany().HasForeignKey(p => p.SiteId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<SiteAllocationRecord>(e =>
        {
            e.Property(a => a.SiteId).HasMaxLength(64);
            e.Property(a => a.StationId).HasMaxLength(48);
            e.HasIndex(a => new { a.SiteId, a.At });
            e.HasIndex(a => new { a.SiteId, a.StationId, a.EvseId, a.Id });
        });
    }
}
