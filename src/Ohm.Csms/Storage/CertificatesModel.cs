using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Storage;

/// <summary>
/// The model of the certificates the CSMS issued (<see cref="IssuedCertificateRecord"/>) and of those installed on
/// stations (<see cref="InstalledCertificateRecord"/>), kept apart from the context's own.
/// </summary>
internal static class CertificatesModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InstalledCertificateRecord>(e =>
        {
            e.HasIndex(c => new { c.StationId, c.CertificateType });
            e.Property(c => c.StationId).HasMaxLength(48);
            e.Property(c => c.CertificateType).HasMaxLength(32);
            e.Property(c => c.HashAlgorithm).HasMaxLength(8);
            e.Property(c => c.IssuerNameHash).HasMaxLength(128);
            e.Property(c => c.IssuerKeyHash).HasMaxLength(128);
            e.Property(c => c.SerialNumber).HasMaxLength(40);
            e.Property(c => c.Subject).HasMaxLength(512);
            e.Property(c => c.Source).HasMaxLength(16);
        });
        modelBuilder.Entity<IssuedCertificateRecord>(e =>
        {
            e.HasIndex(c => new { c.StationId, c.IssuedAt });
            e.HasIndex(c => c.SerialNumber).IsUnique();
            e.HasIndex(c => c.Fingerprint);
            e.HasIndex(c => c.NotAfter);
            e.Property(c => c.StationId).HasMaxLength(48);
            e.Property(c => c.CertificateType).HasMaxLength(32);
            e.Property(c => c.SerialNumber).HasMaxLength(64);
            e.Property(c => c.Subject).HasMaxLength(512);
            e.Property(c => c.Issuer).HasMaxLength(512);
            e.Property(c => c.Fingerprint).HasMaxLength(64);
            e.Property(c => c.SignedResult).HasMaxLength(300);
            e.Property(c => c.RevocationReason).HasMaxLength(300);
        });
    }
}
