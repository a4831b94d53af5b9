using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Storage;

/// <summary>The model of the file service, log retrieval (N01) and firmware updates (L01, L02), kept apart from the context's own.</summary>
internal static class FilesModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StoredFileRecord>(e =>
        {
            e.HasIndex(f => f.CreatedAt);
            e.Property(f => f.Name).HasMaxLength(255);
            e.Property(f => f.Kind).HasMaxLength(16);
            e.Property(f => f.ContentType).HasMaxLength(128);
            e.Property(f => f.Sha256).HasMaxLength(64);
            e.Property(f => f.StoreKey).HasMaxLength(512);
            e.Property(f => f.StationId).HasMaxLength(48);
        });
        modelBuilder.Entity<FileTokenRecord>(e =>
        {
            e.HasIndex(t => t.TokenHash).IsUnique();
            e.HasIndex(t => t.FileId);
            e.Property(t => t.TokenHash).HasMaxLength(64);
            e.Property(t => t.Purpose).HasMaxLength(16);
            e.Property(t => t.Kind).HasMaxLength(16);
            e.Property(t => t.FileName).HasMaxLength(255);
            e.Property(t => t.StationId).HasMaxLength(48);
        });
        modelBuilder.Entity<LogRequestRecord>(e =>
        {
            e.HasIndex(r => new { r.StationId, r.Id });
            e.Property(r => r.StationId).HasMaxLength(48);
            e.Property(r => r.LogType).HasMaxLength(32);
            e.Property(r => r.RemoteLocation).HasMaxLength(512);
            e.Property(r => r.ResponseStatus).HasMaxLength(32);
            e.Property(r => r.Filename).HasMaxLength(255);
            e.Property(r => r.Status).HasMaxLength(32);
        });
        modelBuilder.Entity<LogStatusRecord>(e =>
        {
            e.HasIndex(s => new { s.StationId, s.Id });
            e.HasIndex(s => s.LogRequestId);
            e.Property(s => s.StationId).HasMaxLength(48);
            e.Property(s => s.Status).HasMaxLength(32);
            e.Property(s => s.ReasonCode).HasMaxLength(20);
        });
        modelBuilder.Entity<FirmwareRecord>(e =>
        {
            e.Property(f => f.Version).HasMaxLength(50);
            e.Property(f => f.Location).HasMaxLength(512);
            e.Property(f => f.SigningCertificate).HasMaxLength(5500);
            e.Property(f => f.Signature).HasMaxLength(800);
        });
        modelBuilder.Entity<FirmwareUpdateRecord>(e =>
        {
            e.HasIndex(u => new { u.StationId, u.Id });
            e.HasIndex(u => new { u.CampaignId, u.State });
            e.Property(u => u.StationId).HasMaxLength(48);
            e.Property(u => u.State).HasMaxLength(16);
            e.Property(u => u.ResponseStatus).HasMaxLength(32);
            e.Property(u => u.Status).HasMaxLength(32);
            e.Property(u => u.FailureReason).HasMaxLength(255);
            e.Property(u => u.BootedVersion).HasMaxLength(50);
        });
        modelBuilder.Entity<FirmwareStatusRecord>(e =>
        {
            e.HasIndex(s => new { s.StationId, s.Id });
            e.HasIndex(s => s.FirmwareUpdateId);
            e.Property(s => s.StationId).HasMaxLength(48);
            e.Property(s => s.Status).HasMaxLength(32);
        });
        modelBuilder.Entity<FirmwareCampaignRecord>(e =>
        {
            e.Property(c => c.Name).HasMaxLength(100);
            e.Property(c => c.State).HasMaxLength(16);
            e.Property(c => c.StopReason).HasMaxLength(255);
        });
    }
}
