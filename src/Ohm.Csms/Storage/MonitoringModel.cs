using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Storage;

/// <summary>The model of block N's monitors, reports and alerts, and of the webhooks and their outbox, kept apart from the context's own.</summary>
internal static class MonitoringModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<MonitorRecord>(e =>
        {
            e.HasIndex(m => new { m.StationId, m.MonitorId }).IsUnique();
            e.Property(m => m.StationId).HasMaxLength(48);
            e.Property(m => m.ComponentName).HasMaxLength(50);
            e.Property(m => m.ComponentInstance).HasMaxLength(50);
            e.Property(m => m.VariableName).HasMaxLength(50);
            e.Property(m => m.VariableInstance).HasMaxLength(50);
            e.Property(m => m.Type).HasMaxLength(24);
            e.Property(m => m.Source).HasMaxLength(8);
            e.Property(m => m.Value).HasPrecision(18, 6);
        });
        modelBuilder.Entity<MonitoringReportRecord>(e =>
        {
            e.HasIndex(r => new { r.StationId, r.RequestId });
            e.Property(r => r.StationId).HasMaxLength(48);
            e.Property(r => r.Criteria).HasMaxLength(80);
            e.Property(r => r.Status).HasMaxLength(16);
        });
        modelBuilder.Entity<AlertRecord>(e =>
        {
            e.HasIndex(a => new { a.Open, a.Severity, a.Id });
            e.HasIndex(a => new { a.StationId, a.Open, a.ComponentName, a.VariableName });
            e.Property(a => a.StationId).HasMaxLength(48);
            e.Property(a => a.ComponentName).HasMaxLength(50);
            e.Property(a => a.ComponentInstance).HasMaxLength(50);
            e.Property(a => a.VariableName).HasMaxLength(50);
            e.Property(a => a.VariableInstance).HasMaxLength(50);
            e.Property(a => a.LastValue).HasMaxLength(2500);
            e.Property(a => a.TechCode).HasMaxLength(50);
            e.Property(a => a.TechInfo).HasMaxLength(500);
        });
        modelBuilder.Entity<WebhookRecord>(e =>
        {
            e.Property(w => w.Url).HasMaxLength(2000);
            e.Property(w => w.Secret).HasMaxLength(64);
            e.Property(w => w.Description).HasMaxLength(200);
        });
        modelBuilder.Entity<WebhookDeliveryRecord>(e =>
        {
            e.HasIndex(d => new { d.State, d.WebhookId, d.Id });
            e.HasIndex(d => new { d.WebhookId, d.Id });
            e.HasOne<WebhookRecord>().WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
            e.Property(d => d.State).HasMaxLength(16);
            e.Property(d => d.LastError).HasMaxLength(500);
        });
        modelBuilder.Entity<WebhookAttemptRecord>(e =>
        {
            e.HasIndex(a => new { a.DeliveryId, a.Id });
            e.HasIndex(a => new { a.WebhookId, a.Id });
            e.HasOne<WebhookDeliveryRecord>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
            e.Property(a => a.Error).HasMaxLength(500);
        });
    }
}
