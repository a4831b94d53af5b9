using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.AspNetCore;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Sessions;

/// <summary>
/// Decides before the WebSocket upgrade whether a station may connect (A00 security profiles, B registry): unknown,
/// disabled, without credentials outside development mode, a wrong password or a weaker security profile than
/// registered are refused (401). Each refusal is a security event and counts against the failed-handshake limits.
/// </summary>
public sealed class StationAdmission(
    CsmsDatabase database, CsmsWriter writer, CsmsOptions options, TimeProvider time, FailedHandshakes failures, SecurityEventLog securityEvents, ILogger<StationAdmission> logger, CsmsMetrics? metrics = null)
{
    /// <summary>Security-event type of refused credentials (OCPP 2.0.1 Part 2 Appendices, Security Events).</summary>
    public const string FailedToAuthenticateType = "FailedToAuthenticateAtCsms";

    /// <summary>Security-event type of a client certificate refused as expired, not yet valid or revoked (same appendix).</summary>
    public const string InvalidCertificateType = "InvalidChargingStationCertificate";

    // Checked against when the station is unknown or has no hash, so that every handshake with a password costs one
    // hash: the answer's timing does not tell which station identities exist.
    private static readonly Lazy<string> DummyHash = new(() => PasswordHasher.Hash(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18))));

    private long _passwordChecks;

    /// <summary>The registered station that <paramref name="request"/> was admitted as.</summary>
    public static StationRecord? AdmittedStation(OcppConnectRequest request) => request?.Admission as StationRecord;

    /// <summary>How many passwords were hashed to check them (what a handshake costs; the tests read it).</summary>
    public long PasswordChecks => Interlocked.Read(ref _passwordChecks);

    /// <summary>Whether a registration has no credentials a station must prove: profile 0, no password, or auto-registered.</summary>
    public static bool HasNoCredentials(StationRecord station)
    {
        ArgumentNullException.ThrowIfNull(station);
        return station.SecurityProfile == 0 || station.AutoRegistered || (station.SecurityProfile is 1 or 2 && station.PasswordHash is null);
    }

    /// <summary>
    /// Outside development mode, logs a warning naming how many registered stations have no credentials: they are
    /// refused until an operator sets a password (or profile 3). The host calls it at start, after the migrations.
    /// </summary>
    public async Task<int> WarnOfStationsWithoutCredentialsAsync(CancellationToken cancellationToken = default)
    {
        if (options.AcceptUnknown)
        {
            return 0;
        }

        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var count = await db.Stations.CountAsync(s => s.SecurityProfile == 0 || s.AutoRegistered || ((s.SecurityProfile == 1 || s.SecurityProfile == 2) && s.PasswordHash == null), cancellationToken).ConfigureAwait(false);
        if (count > 0)
        {
            logger.LogWarning(
                "{Count} registered stations have no credentials (security profile 0, no password, or auto-registered with --accept-unknown) and are refused outside development mode; "
                + "give each a password with PUT /api/stations/{{stationId}} {{\"securityProfile\": 1, \"password\": \"...\"}} (or security profile 3 with a client certificate)",
                count);
        }

        return count;
    }

    /// <summary>Whether the station may connect; the reason is logged when not.</summary>
    public async ValueTask<bool> AdmitAsync(OcppConnectRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        StationRecord? station;
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            // Every connection attempt runs this lookup: compiled, it is a good part cheaper when a crowd connects at once.
            station = await CompiledQueries.FindStation(db, request.StationId).ConfigureAwait(false);
        }

        // One hash whenever a password was sent, whatever the station: unknown, disabled or without a hash alike. A01:
        // during a password update the previous one is checked too, until the station connects with the new one.
        var passwordMatches = false;
        var matchedPrevious = false;
        if (request.Password is not null)
        {
            Interlocked.Increment(ref _passwordChecks);
            var stored = station?.PasswordHash;
            passwordMatches = PasswordHasher.Verify(request.Password, stored ?? DummyHash.Value) && stored is not null;
            if (!passwordMatches && station?.PreviousPasswordHash is { } previous)
            {
                Interlocked.Increment(ref _passwordChecks);
                passwordMatches = matchedPrevious = PasswordHasher.Verify(request.Password, previous);
            }
        }

        if (station is null)
        {
            if (!options.AcceptUnknown)
            {
                return Refuse(request, RefusalReasons.Unknown, "it is not registered (register it through the API, or run with --accept-unknown for development)");
            }

            station = await writer.ExecuteForStationAsync(request.StationId, async db =>
            {
                var existing = await CompiledQueries.FindStation(db, request.StationId).ConfigureAwait(false);
                if (existing is not null)
                {
                    return existing;
                }

                var created = new StationRecord { Id = request.StationId, SecurityProfile = 0, AutoRegistered = true, CreatedAt = time.GetUtcNow() };
                await db.Statements<StationRecord>().InsertRowAsync(created).ConfigureAwait(false);
                return created;
            }).ConfigureAwait(false);
            logger.LogInformation("Registered unknown station {StationId} (accept-unknown)", request.StationId);
        }

        if (!station.Enabled)
        {
            return Refuse(request, RefusalReasons.Disabled, "it is disabled");
        }

        if (!options.AcceptUnknown && HasNoCredentials(station))
        {
            return Refuse(request, RefusalReasons.NoCredentials, "it has no credentials (security profile 0, no password, or auto-registered in development mode); set a password through the API");
        }

        if (station.SecurityProfile >= 1 && station.SecurityProfile <= 2 && !passwordMatches)
        {
            return request.Password is null
                ? Refuse(request, RefusalReasons.NoPassword, "it sent no password")
                : Refuse(request, RefusalReasons.WrongPassword, "its password is wrong");
        }

        if (station.SecurityProfile >= 2 && !request.IsTls)
        {
            return Refuse(request, RefusalReasons.ProfileTooLow, $"it is registered for security profile {station.SecurityProfile}, which needs TLS");
        }

        // SP3 identity binding: the client certificate (chain checked at the TLS handshake) names this station, is in its
        // validity by the CSMS's clock, and is not one the CSMS revoked.
        if (station.SecurityProfile == 3)
        {
            var certificate = request.ClientCertificate;
            var name = certificate?.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false);
            if (certificate is null || name != station.Id)
            {
                return Refuse(request, RefusalReasons.BadCertificate, certificate is null
                    ? "security profile 3 needs a client certificate whose common name is the station identity; it sent none"
                    : $"security profile 3 needs a client certificate whose common name is the station identity; it presented one of '{name}' (serial {certificate.SerialNumber})");
            }

            var now = time.GetUtcNow();
            if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
            {
                return Refuse(request, RefusalReasons.BadCertificate, $"its client certificate {certificate.SerialNumber} is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}, not now", InvalidCertificateType);
            }

            if (await Certificates.StationCertificates.IsRevokedAsync(database, Certificates.StationCertificates.Fingerprint(certificate)).ConfigureAwait(false))
            {
                return Refuse(request, RefusalReasons.BadCertificate, $"its client certificate {certificate.SerialNumber} is revoked", InvalidCertificateType);
            }
        }

        if (passwordMatches && !matchedPrevious && station.PreviousPasswordHash is not null)
        {
            station = await ForgetPreviousPasswordAsync(station).ConfigureAwait(false);
        }

        request.Admission = station;
        return true;
    }

    // A01: the station connected with its new password, so the one it replaced is no longer accepted.
    private async Task<StationRecord> ForgetPreviousPasswordAsync(StationRecord station)
    {
        var forgotten = station.PreviousPasswordHash;
        await writer.ExecuteForStationAsync(station.Id, async db =>
        {
            var stored = await db.Stations.FindAsync([station.Id]).ConfigureAwait(false);
            if (stored is not null && stored.PreviousPasswordHash == forgotten)
            {
                stored.PreviousPasswordHash = null;
            }
        }).ConfigureAwait(false);
        logger.LogInformation("Station {StationId} connected with its new password; the previous one is no longer accepted (A01)", station.Id);
        var updated = station.Clone();
        updated.PreviousPasswordHash = null;
        return updated;
    }

    private bool Refuse(OcppConnectRequest request, string metricReason, string reason, string type = FailedToAuthenticateType)
    {
        metrics?.ConnectionRefused(metricReason);
        logger.LogWarning("Security event {Type}: refused station {StationId} from {Remote}: {Reason}", type, request.StationId, request.RemoteAddress, reason);
        failures.Fail(request.StationId, request.RemoteAddress);
        securityEvents.Record(type, request.StationId, request.RemoteAddress, "Refused: " + reason);
        return false;
    }
}
