using Ohm.Csms.Certificates;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block A, Security, on the CSMS side: security events are stored and flagged; station CSRs are checked and signed (<see cref="StationCertificates"/>).</summary>
public sealed class Security(StationMessageStore messages, StationCertificates certificates, BackgroundWork background, CsmsWriter writer, TimeProvider time, CsmsMetrics? metrics = null)
{
    // A04 Security Event Notification: stored in the security-event log (flagged critical per Part 2's appendix) and
    // among the station's messages, before it is acknowledged.
    public async ValueTask<SecurityEventNotificationResponse> SecurityEventNotificationAsync(SecurityEventNotificationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var critical = SecurityEventTypes.IsCritical(request.Type);
        var record = new SecurityEventRecord
        {
            Source = SecurityEventRecord.FromStation,
            Type = request.Type,
            Critical = critical,
            StationId = context.StationId,
            TechInfo = request.TechInfo,
            Timestamp = request.Timestamp.ToUniversalTime(),
            LastAt = request.Timestamp.ToUniversalTime(),
            ReceivedAt = time.GetUtcNow(),
        };
        await Task.WhenAll(
            messages.StoreAsync(context, cancellationToken),
            writer.ExecuteForStationAsync(context.StationId, db =>
            {
                db.SecurityEvents.Add(record);
                return Task.CompletedTask;
            }, cancellationToken)).ConfigureAwait(false);
        metrics?.SecurityEvent(SecurityEventRecord.FromStation, request.Type, critical);
        return new SecurityEventNotificationResponse();
    }

    // A02/A03 Update Charging Station Certificate (and the V2G certificate of M): a CSR that passes the checks (signature,
    // CN = identity, O = organisation, key strength) is Accepted and signed after the answer, then sent in CertificateSigned;
    // any other is Rejected with the reason and a security event. A repeat gets a new certificate.
    public async ValueTask<SignCertificateResponse> SignCertificateAsync(SignCertificateRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var (csr, refusal) = await certificates.CheckAsync(context.StationId, request, cancellationToken).ConfigureAwait(false);
        if (csr is null)
        {
            return new SignCertificateResponse
            {
                Status = GenericStatusEnumType.Rejected,
                StatusInfo = new StatusInfoType { ReasonCode = refusal!.ReasonCode, AdditionalInfo = refusal.Detail.Length > 512 ? refusal.Detail[..512] : refusal.Detail },
            };
        }

        background.Start($"A02 CertificateSigned for {context.StationId}", t => certificates.IssueAsync(csr, t));
        return new SignCertificateResponse { Status = GenericStatusEnumType.Accepted };
    }
}
