using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Certificates;
using Ohm.Csms.Queries;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// The certificates the CSMS issued to stations (A02/A03): listed per station and across the fleet by expiry, renewed
/// (TriggerMessage SignChargingStationCertificate / SignV2GCertificate) one station or all that expire soon, revoked
/// (SP3 connections with a revoked certificate are refused), and the CA certificates stations install.
/// </summary>
internal static class CertificatesApi
{
    private const string Tag = "Certificates";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/stations/{stationId}/certificates", ListOfStationAsync).WithTags(Tag).WithName("listStationCertificates")
            .WithSummary("A02/A03 The certificates the CSMS issued to a station, newest first, with the station's CertificateSigned answer and any revocation")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/certificates", ListAsync).WithTags(Tag).WithName("listCertificates")
            .WithSummary("The certificates the CSMS issued, newest first; filter by station and by expiry within N days");
        var renew = api.MapPost("/stations/{stationId}/certificates/renew", RenewAsync).WithTags(Tag).WithName("renewStationCertificate")
            .WithSummary("A03 Ask a station to renew its certificate (TriggerMessage SignChargingStationCertificate, or SignV2GCertificate); answers the station's TriggerMessage status")
            .WithDescription("The body may be left out; certificateType is ChargingStationCertificate (default) or V2GCertificate. The station then sends SignCertificate, "
                + "which the CSMS checks, signs and answers with CertificateSigned.");
        foreach (var status in ApiResults.CallProblems)
        {
            renew.ProducesProblem(status);
        }

        api.MapPost("/certificates/renew", RenewExpiringAsync).WithTags(Tag).WithName("renewExpiringCertificates")
            .WithSummary("A03 Ask every connected station whose newest charging-station certificate expires within N days to renew it; answers per station what happened");
        api.MapPost("/certificates/{serialNumber}/revoke", RevokeAsync).WithTags(Tag).WithName("revokeCertificate")
            .WithSummary("Revoke an issued certificate: an SP3 connection that presents it is refused from now on")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/certificates/ca", (BuiltInCertificateAuthority ca) => TypedResults.Ok(CaView.Of(ca.Stations))).WithTags(Tag).WithName("getCsmsRootCertificate")
            .WithSummary("The CSMS root (the station CA) with its PEM: what stations install as CSMSRootCertificate, and what their SP3 certificates chain to");
        api.MapGet("/certificates/v2g-ca", (BuiltInCertificateAuthority ca) => TypedResults.Ok(CaView.Of(ca.V2g))).WithTags(Tag).WithName("getV2gCaCertificate")
            .WithSummary("The CA of the V2G certificates the CSMS signs, with its PEM");
    }

    /// <summary>The body of a renewal: which certificate (ChargingStationCertificate, the default, or V2GCertificate).</summary>
    internal sealed record RenewBody(string? CertificateType = null);

    /// <summary>What the station answered to the renewal's TriggerMessage.</summary>
    internal sealed record RenewView(string StationId, string Status, string? ReasonCode, string? AdditionalInfo);

    /// <summary>The body of a fleet renewal: the window, in days, of the certificates to renew.</summary>
    internal sealed record RenewExpiringBody(int? ExpiringWithinDays);

    /// <summary>Per station what the fleet renewal did: the TriggerMessage status, or NotConnected, Timeout, CallError.</summary>
    internal sealed record RenewExpiringView(int ExpiringWithinDays, IReadOnlyList<RenewView> Stations);

    /// <summary>The body of a revocation.</summary>
    internal sealed record RevokeBody(string? Reason = null);

    private static CertificateView View(IssuedCertificateRecord c) => CertificateView.Of(c);

    private static async Task<Results<Ok<Page<CertificateView>>, ValidationProblem, ProblemHttpResult>> ListOfStationAsync(
        string stationId, CsmsDatabase database, CertificateQueries certificates,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        if (!await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        return await PageAsync(certificates, stationId, null, cursor, limit, ct).ConfigureAwait(false) switch
        {
            { Page: { } page } => TypedResults.Ok(page),
            var bad => bad.Problem!,
        };
    }

    private static async Task<Results<Ok<Page<CertificateView>>, ValidationProblem>> ListAsync(
        CertificateQueries certificates, string? stationId, [Description("only those whose notAfter is within this many days from now (0 or more)")] int? expiringWithinDays,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct) =>
        await PageAsync(certificates, stationId, expiringWithinDays, cursor, limit, ct).ConfigureAwait(false) switch
        {
            { Page: { } page } => TypedResults.Ok(page),
            var bad => bad.Problem!,
        };

    private static async Task<(Page<CertificateView>? Page, ValidationProblem? Problem)> PageAsync(
        CertificateQueries certificates, string? stationId, int? expiringWithinDays, string? cursor, int? limit, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return (null, bad);
        }

        if (expiringWithinDays is < 0 or > 36500)
        {
            return (null, ApiResults.Invalid("expiringWithinDays", "must be between 0 and 36500"));
        }

        var page = await certificates.ListAsync(stationId, expiringWithinDays, before, take, ct).ConfigureAwait(false);
        return (new Page<CertificateView>(page.Items, page.Total, page.NextKey is { } next ? Paging.Cursor(Paging.Key(next)) : null), null);
    }

    private static async Task<Results<Ok<RenewView>, ValidationProblem, ProblemHttpResult>> RenewAsync(
        string stationId, RenewBody? body, StationCertificates certificates, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        var type = CertificateSigningUseEnumType.ChargingStationCertificate;
        if (body?.CertificateType is { } wire && !CertificateSigningUseEnumTypeSchema.TryFromWire(wire, out type))
        {
            return ApiResults.Invalid("certificateType", "must be ChargingStationCertificate or V2GCertificate");
        }

        return await ApiResults.CallAsync<Results<Ok<RenewView>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async t =>
            {
                var response = await certificates.TriggerRenewalAsync(stationId, type, t).ConfigureAwait(false);
                return TypedResults.Ok(new RenewView(stationId, response.Status.ToWire(), response.StatusInfo?.ReasonCode, response.StatusInfo?.AdditionalInfo));
            }, p => p, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<RenewExpiringView>, ValidationProblem>> RenewExpiringAsync(
        RenewExpiringBody body, StationCertificates certificates, IStationCallRouter router, ApiOptions options, TimeProvider time, CancellationToken ct)
    {
        if (body.ExpiringWithinDays is not { } days || days is < 0 or > 36500)
        {
            return ApiResults.Invalid("expiringWithinDays", "is required, between 0 and 36500");
        }

        var expiring = await certificates.ExpiringAsync(CertificateSigningUseEnumType.ChargingStationCertificate, time.GetUtcNow().AddDays(days), ct).ConfigureAwait(false);
        var results = new List<RenewView>();
        foreach (var stationId in expiring)
        {
            if (!await router.IsConnectedAsync(stationId, ct).ConfigureAwait(false))
            {
                results.Add(new RenewView(stationId, "NotConnected", null, "The station is not connected; renew it when it is."));
                continue;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.CommandTimeoutSeconds));
            try
            {
                var response = await certificates.TriggerRenewalAsync(stationId, CertificateSigningUseEnumType.ChargingStationCertificate, timeout.Token).ConfigureAwait(false);
                results.Add(new RenewView(stationId, response.Status.ToWire(), response.StatusInfo?.ReasonCode, response.StatusInfo?.AdditionalInfo));
            }
            catch (Exception ex) when (ex is StationNotConnectedException or Ohm.Ocpp.Rpc.OcppConnectionClosedException)
            {
                results.Add(new RenewView(stationId, "NotConnected", null, ex.Message));
            }
            catch (Exception ex) when (ex is Ohm.Ocpp.Rpc.OcppCallTimeoutException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                results.Add(new RenewView(stationId, "Timeout", null, $"No answer within {options.CommandTimeoutSeconds} s (Api:CommandTimeoutSeconds)."));
            }
            catch (Exception ex) when (ex is Ohm.Ocpp.Rpc.OcppCallErrorException or Ohm.Ocpp.Rpc.OcppPayloadException)
            {
                results.Add(new RenewView(stationId, "CallError", null, ex.Message));
            }
        }

        return TypedResults.Ok(new RenewExpiringView(days, results));
    }

    private static async Task<Results<Ok<CertificateView>, ProblemHttpResult>> RevokeAsync(string serialNumber, RevokeBody? body, StationCertificates certificates, CancellationToken ct) =>
        await certificates.RevokeAsync(serialNumber, body?.Reason, ct).ConfigureAwait(false) is { } revoked
            ? TypedResults.Ok(View(revoked))
            : ApiResults.NotFound($"The CSMS issued no certificate with serial number '{serialNumber}'.");

    /// <summary>A certificate authority of the CSMS: its subject, validity, SHA-256 fingerprint and the certificate as PEM.</summary>
    internal sealed record CaView(string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Fingerprint, string Pem)
    {
        public static CaView Of(CertificateAuthority ca) => new(
            ca.Certificate.Subject, ca.Certificate.NotBefore.ToUniversalTime(), ca.Certificate.NotAfter.ToUniversalTime(),
            ca.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), ca.CertificatePem);
    }
}
