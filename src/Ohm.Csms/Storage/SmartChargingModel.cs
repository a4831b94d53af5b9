using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Storage;

/// <summary>The model of block K's entities (<see cref="ChargingProfileRecord"/> and the others), kept apart from the context's own.</summary>
internal static class SmartChargingModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ChargingProfileRecord>(e =>
        {
            e.HasIndex(p => new { p.StationId, p.EvseId, p.ProfileId }).IsUnique();
            e.HasIndex(p => new { p.StationId, p.TransactionId });
            e.Property(p => p.StationId).HasMaxLength(48);
            e.Property(p => p.Purpose).HasMaxLength(40);
            e.Property(p => p.Kind).HasMaxLength(16);
            e.Property(p => p.TransactionId).HasMaxLength(36);
            e.Property(p => p.Source).HasMaxLength(16);
            e.Property(p => p.LimitSource).HasMaxLength(8);
        });
        modelBuilder.Entity<ChargingProfileReportRecord>(e =>
        {
            e.HasIndex(r => new { r.StationId, r.RequestId });
            e.Property(r => r.StationId).HasMaxLength(48);
            e.Property(r => r.Status).HasMaxLength(16);
        });
        modelBuilder.Entity<ChargingProfileReportPartRecord>(e =>
        {
            e.HasIndex(p => new { p.ReportId, p.Id });
            e.HasOne<ChargingProfileReportRecord>().WithMany().HasForeignKey(p => p.ReportId).OnDelete(DeleteBehavior.Cascade);
            e.Property(p => p.LimitSource).HasMaxLength(8);
        });
        modelBuilder.Entity<ChargingLimitRecord>(e =>
        {
            e.HasIndex(l => new { l.StationId, l.EvseId, l.Source }).IsUnique();
            e.Property(l => l.StationId).HasMaxLength(48);
            e.Property(l => l.Source).HasMaxLength(8);
        });
        modelBuilder.Entity<EvChargingNeedsRecord>(e =>
        {
            e.HasIndex(n => new { n.StationId, n.TransactionId });
            e.HasIndex(n => new { n.StationId, n.EvseId });
            e.Property(n => n.StationId).HasMaxLength(48);
            e.Property(n => n.TransactionId).HasMaxLength(36);
            e.Property(n => n.SentStatus).HasMaxLength(300);
        });
        modelBuilder.Entity<EvChargingScheduleRecord>(e =>
        {
            e.HasIndex(s => new { s.StationId, s.TransactionId });
            e.Property(s => s.StationId).HasMaxLength(48);
            e.Property(s => s.TransactionId).HasMaxLength(36);
        });
    }
}
