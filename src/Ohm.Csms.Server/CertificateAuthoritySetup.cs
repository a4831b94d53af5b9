using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Certificates;

namespace Ohm.Csms.Server;

/// <summary>
/// The CSMS's certificate authorities in the host: the services registered, the CAs loaded (or generated) at start, and
/// what they give the OCPP endpoint's TLS when its settings name no files: the server certificate and the root that
/// SP3 client certificates must chain to.
/// </summary>
internal static class CertificateAuthoritySetup
{
    /// <summary>
    /// Registers the built-in CA as the <see cref="ICertificateSigner"/>; an embedding application that registers its
    /// own signer in the host's <c>configure</c> callback replaces it (the last registration wins).
    /// </summary>
    public static void AddCertificateAuthority(this IServiceCollection services, CertificatesOptions options, string dataFolder)
    {
        services.AddSingleton(options);
        services.AddSingleton(sp => BuiltInCertificateAuthority.Load(options, dataFolder, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ICertificateSigner>(sp => sp.GetRequiredService<BuiltInCertificateAuthority>());
        services.AddSingleton<StationCertificates>();
    }

    /// <summary>Loads the CAs now, so that a wrong file stops the start with a message naming its setting, and logs the root's file.</summary>
    /// <exception cref="ConfigurationException">A CA setting or file is wrong.</exception>
    public static BuiltInCertificateAuthority Load(IServiceProvider services, bool log = false)
    {
        BuiltInCertificateAuthority authority;
        try
        {
            authority = services.GetRequiredService<BuiltInCertificateAuthority>();
        }
        catch (CertificateAuthorityException ex)
        {
            throw new ConfigurationException(ex.Message, ex);
        }

        if (!log)
        {
            return authority;
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CertificateAuthoritySetup).FullName!);
        logger.LogInformation(
            "CSMS root CA ({Subject}{Generated}): stations install {Path} as their CSMSRootCertificate (GET /api/certificates/ca gives it too)",
            authority.Stations.Certificate.Subject, authority.Stations.Generated ? ", generated" : "", authority.Stations.CertificateFile);
        return authority;
    }

    /// <summary>The certificate stations' client certificates chain to, without its key.</summary>
    public static X509Certificate2 Root(BuiltInCertificateAuthority authority) =>
        X509CertificateLoader.LoadCertificate(authority.Stations.Certificate.RawData);
}
