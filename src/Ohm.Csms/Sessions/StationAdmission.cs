using Microsoft.Extensions.Logging;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Sessions;

/// <summary>
/// Decides before the WebSocket upgrade whether a station may connect (A00 security profiles, B registry): unknown,
/// disabled, a wrong password or a weaker security profile than registered are refused (401).
/// </summary>
public sealed class StationAdmission(CsmsDatabase database, CsmsWriter writer, CsmsOptions options, TimeProvider time, ILogger<StationAdmission> logger)
{
    /// <summary>The registered station that <paramref name="request"/> was admitted as.</summary>
    public static StationRecord? AdmittedStation(OcppConnectRequest request) => request?.Admission as StationRecord;

    /// <summary>Whether the station may connect; the reason is logged when not.</summary>
    public async ValueTask<bool> AdmitAsync(OcppConnectRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        StationRecord? station;
        await using (var db = database.CreateContext())
        {
            // Every connection attempt runs this lookup: compiled, it is a good part cheaper when a crowd connects at once.
            station = await CompiledQueries.FindStation(db, request.StationId).ConfigureAwait(false);
        }

        if (station is null)
        {
            if (!options.AcceptUnknown)
            {
                return Refuse(request, "it is not registered (register it through the API, or run with --accept-unknown for development)");
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
            return Refuse(request, "it is disabled");
        }

        if (station.SecurityProfile >= 1 && station.SecurityProfile <= 2 && (request.Password is null || !PasswordHasher.Verify(request.Password, station.PasswordHash)))
        {
            return Refuse(request, request.Password is null ? "it sent no password" : "its password is wrong");
        }

        if (station.SecurityProfile >= 2 && !request.IsTls)
        {
            return Refuse(request, $"it is registered for security profile {station.SecurityProfile}, which needs TLS");
        }

        if (station.SecurityProfile == 3 && request.ClientCertificate?.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false) != station.Id)
        {
            return Refuse(request, "security profile 3 needs a client certificate whose common name is the station identity");
        }

        request.Admission = station;
        return true;
    }

    private bool Refuse(OcppConnectRequest request, string reason)
    {
        logger.LogWarning("Refused station {StationId} from {Remote}: {Reason}", request.StationId, request.RemoteAddress, reason);
        return false;
    }
}
