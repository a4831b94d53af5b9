using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Storage;

/// <summary>The model of the customer information requests (N09, N10) and their reported parts, kept apart from the context's own.</summary>
internal static class CustomerInformationModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CustomerInformationRecord>(e =>
        {
            e.HasIndex(r => new { r.StationId, r.RequestId });
            e.HasIndex(r => r.IdToken);
            e.Property(r => r.StationId).HasMaxLength(48);
            e.Property(r => r.IdToken).HasMaxLength(36);
            e.Property(r => r.IdTokenType).HasMaxLength(16);
            e.Property(r => r.CustomerIdentifier).HasMaxLength(64);
            e.Property(r => r.CustomerCertificate).HasMaxLength(512);
            e.Property(r => r.Status).HasMaxLength(16);
            e.Property(r => r.StatusReason).HasMaxLength(600);
        });
        modelBuilder.Entity<CustomerInformationPartRecord>(e =>
        {
            e.HasIndex(p => new { p.CustomerInformationId, p.SeqNo });
            e.HasOne(p => p.Request).WithMany().HasForeignKey(p => p.CustomerInformationId).OnDelete(DeleteBehavior.Cascade);
            e.Property(p => p.Data).HasMaxLength(512);
        });
    }
}
