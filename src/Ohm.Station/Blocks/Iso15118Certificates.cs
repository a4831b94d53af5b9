using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;
using Ohm.Station.DeviceModel;
using Ohm.Station.Certificates;

namespace Ohm.Station.Blocks;

/// <summary>
/// Block M on the station: the certificates the CSMS manages. InstallCertificate (M05), DeleteCertificate (M04) and
/// GetInstalledCertificateIds (M03), on the certificate store of <see cref="Security"/>.
/// </summary>
public sealed class Iso15118Certificates
{
    private readonly IStationContext _context;
    private readonly Security _security;
    private readonly SecurityEvents _events;

    internal Iso15118Certificates(IStationContext context, Security security, SecurityEvents events)
    {
        _context = context;
        _security = security;
        _events = events;
    }

    // M05
    internal ValueTask<InstallCertificateResponse> InstallCertificate(InstallCertificateRequest request, OcppCallContext? context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var use = Use(request.CertificateType);
        X509Certificate2 certificate;
        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(request.Certificate);
            if (collection.Count != 1)
            {
                return Install(InstallCertificateStatusEnumType.Rejected, "InvalidCertificate", $"the certificate field holds {collection.Count} PEM certificates, not one");
            }

            certificate = collection[0];
        }
        catch (CryptographicException ex)
        {
            return Install(InstallCertificateStatusEnumType.Rejected, "InvalidCertificate", "not a PEM X.509 certificate: " + ex.Message);
        }

        // M05.FR.02/03: a root must be a CA certificate, and valid now.
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (constraints is not { CertificateAuthority: true })
        {
            return Install(InstallCertificateStatusEnumType.Rejected, "NotCACertificate", $"{certificate.Subject} is not a CA certificate (basicConstraints cA)");
        }

        var now = _context.Now.UtcDateTime;
        if (certificate.NotAfter.ToUniversalTime() < now || certificate.NotBefore.ToUniversalTime() > now)
        {
            return Install(InstallCertificateStatusEnumType.Rejected, "CertificateExpired", $"{certificate.Subject} is not valid now ({certificate.NotBefore:u} to {certificate.NotAfter:u})");
        }

        try
        {
            var id = CertificateStore.Id(certificate);
            var installed = _security.Certificates.List(use);
            if (installed.Any(c => c.Id == id))
            {
                return Install(InstallCertificateStatusEnumType.Accepted, null, null);
            }

            // SecurityCtrlr.CertificateEntries: its maxLimit is how many certificates the station holds.
            if (_context.Model.Find(new ComponentKey("SecurityCtrlr"), "CertificateEntries")?.MaxLimit is { } limit && _security.Certificates.Count >= limit)
            {
                return Install(InstallCertificateStatusEnumType.Rejected, "LimitReached", $"the station holds {limit} certificates already (SecurityCtrlr.CertificateEntries)");
            }

            _security.Certificates.Install(use, certificate);
            _security.UpdateCertificateEntries();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            return Install(InstallCertificateStatusEnumType.Failed, "StorageError", ex.Message);
        }

        _context.Report($"installed {certificate.Subject} as {use}");
        _events.Raise("ReconfigurationOfSecurityParameters", $"installed {use} {certificate.Subject}");
        return Install(InstallCertificateStatusEnumType.Accepted, null, null);
    }

    // M04
    internal ValueTask<DeleteCertificateResponse> DeleteCertificate(DeleteCertificateRequest request, OcppCallContext? context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var given = request.CertificateHashData;
        var certificates = _security.Certificates;
        var match = certificates.List().FirstOrDefault(c => CertificateHashes.Same(given, certificates.HashData(c, given.HashAlgorithm)));
        if (match is null)
        {
            return Delete(DeleteCertificateStatusEnumType.NotFound, null, null);
        }

        // M04.FR.06: the station's own certificate cannot be deleted; nor the CSMS root its connection stands on.
        if (match.Use == CertificateUse.ChargingStationCertificate)
        {
            return Delete(DeleteCertificateStatusEnumType.Failed, "DeletionNotAllowed", "the ChargingStationCertificate cannot be deleted (M04.FR.06)");
        }

        if (match.Use == CertificateUse.CSMSRootCertificate && _security.IsOnlyRootOfCsms(match.Certificate))
        {
            return Delete(DeleteCertificateStatusEnumType.Failed, "DeletionNotAllowed", "the CSMSRootCertificate in use (the only one the CSMS's certificate chains to) cannot be deleted");
        }

        try
        {
            certificates.Remove(match);
            _security.UpdateCertificateEntries();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            return Delete(DeleteCertificateStatusEnumType.Failed, "StorageError", ex.Message);
        }

        _context.Report($"deleted {match.Use} {match.Certificate.Subject}");
        _events.Raise("ReconfigurationOfSecurityParameters", $"deleted {match.Use} serial {given.SerialNumber}");
        return Delete(DeleteCertificateStatusEnumType.Accepted, null, null);
    }

    // M03
    internal ValueTask<GetInstalledCertificateIdsResponse> GetInstalledCertificateIds(GetInstalledCertificateIdsRequest request, OcppCallContext? context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wanted = request.CertificateType is { Count: > 0 } types ? types : [.. Enum.GetValues<GetCertificateIdUseEnumType>()];
        var certificates = _security.Certificates;
        var chains = new List<CertificateHashDataChainType>();
        foreach (var type in wanted.Distinct())
        {
            foreach (var installed in certificates.List(Use(type)))
            {
                var children = type == GetCertificateIdUseEnumType.V2GCertificateChain ? certificates.ChildHashData(installed).Take(4).ToList() : [];
                chains.Add(new CertificateHashDataChainType
                {
                    CertificateType = type,
                    CertificateHashData = certificates.HashData(installed),
                    ChildCertificateHashData = children.Count > 0 ? children : null,
                });
            }
        }

        return ValueTask.FromResult(chains.Count == 0
            ? new GetInstalledCertificateIdsResponse { Status = GetInstalledCertificateStatusEnumType.NotFound }
            : new GetInstalledCertificateIdsResponse { Status = GetInstalledCertificateStatusEnumType.Accepted, CertificateHashDataChain = chains });
    }

    private static CertificateUse Use(InstallCertificateUseEnumType type) => type switch
    {
        InstallCertificateUseEnumType.V2GRootCertificate => CertificateUse.V2GRootCertificate,
        InstallCertificateUseEnumType.MORootCertificate => CertificateUse.MORootCertificate,
        InstallCertificateUseEnumType.CSMSRootCertificate => CertificateUse.CSMSRootCertificate,
        _ => CertificateUse.ManufacturerRootCertificate,
    };

    private static CertificateUse Use(GetCertificateIdUseEnumType type) => type switch
    {
        GetCertificateIdUseEnumType.V2GRootCertificate => CertificateUse.V2GRootCertificate,
        GetCertificateIdUseEnumType.MORootCertificate => CertificateUse.MORootCertificate,
        GetCertificateIdUseEnumType.CSMSRootCertificate => CertificateUse.CSMSRootCertificate,
        GetCertificateIdUseEnumType.V2GCertificateChain => CertificateUse.V2GCertificateChain,
        _ => CertificateUse.ManufacturerRootCertificate,
    };

    private ValueTask<InstallCertificateResponse> Install(InstallCertificateStatusEnumType status, string? reason, string? detail)
    {
        if (detail is not null)
        {
            _context.Report($"InstallCertificate {status}: {detail}");
        }

        return ValueTask.FromResult(new InstallCertificateResponse
        {
            Status = status,
            StatusInfo = reason is null ? null : new StatusInfoType { ReasonCode = reason, AdditionalInfo = Trim(detail) },
        });
    }

    private ValueTask<DeleteCertificateResponse> Delete(DeleteCertificateStatusEnumType status, string? reason, string? detail)
    {
        if (detail is not null)
        {
            _context.Report($"DeleteCertificate {status}: {detail}");
        }

        return ValueTask.FromResult(new DeleteCertificateResponse
        {
            Status = status,
            StatusInfo = reason is null ? null : new StatusInfoType { ReasonCode = reason, AdditionalInfo = Trim(detail) },
        });
    }

    private static string? Trim(string? detail) => detail is { Length: > 512 } ? detail[..512] : detail;
}
