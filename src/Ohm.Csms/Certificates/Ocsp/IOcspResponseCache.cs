namespace Ohm.Csms.Certificates.Ocsp;

/// <summary>
/// Verified OCSP answers kept until their nextUpdate, per CertID (hash algorithm, issuer name and key hashes, serial).
/// In process by default (<see cref="MemoryOcspResponseCache"/>); a cluster replaces it with a shared one.
/// </summary>
public interface IOcspResponseCache
{
    /// <summary>The cached answer for <paramref name="certId"/> if it is still valid at <paramref name="now"/>.</summary>
    OcspCheck? Find(string certId, DateTimeOffset now);

    /// <summary>Keeps a verified answer until its NextUpdate; <paramref name="now"/> lets a full cache drop expired answers.</summary>
    void Store(string certId, OcspCheck check, DateTimeOffset now);
}
