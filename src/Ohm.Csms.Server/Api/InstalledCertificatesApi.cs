using System.ComponentModel;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Block M from the operator's side: the certificates installed on a station. M03 asks the station for them (and stores
/// its answer), M05 installs a CA certificate given as PEM, M04 deletes one by its hash data or by its stored id; what
/// the CSMS last learnt is listed without asking the station.
/// </summary>
internal static class InstalledCertificatesApi
{
    private const string Tag = "Certificates";

    public static void Map(RouteGroupBuilder api)
    {
        var installed = api.MapGroup("/stations/{stationId}/certificates/installed").WithTags(Tag);
        var list = installed.MapGet("", GetAsync).WithName("getInstalledCertificateIds")
            .WithSummary("M03 Ask the station for its installed certificates (GetInstalledCertificateIds), optionally of some types; the stored list of those types becomes its answer")
            .WithDescription("Answers the station's status (Accepted, or NotFound when it has none of the types) and the certificates as now stored, with their ids "
                + "and, where the CSMS installed them, subject, notAfter and PEM.");
        var install = installed.MapPost("", InstallAsync).WithName("installCertificate")
            .WithSummary("M05 Install a CA certificate on the station (InstallCertificate): V2GRootCertificate, MORootCertificate, CSMSRootCertificate or ManufacturerRootCertificate")
            .WithDescription("The certificate must be one PEM X.509 certificate (400 otherwise). Answers the station's status; on Accepted the certificate is stored for the station.");
        var deleteByHash = installed.MapDelete("", DeleteByHashAsync).WithName("deleteCertificate")
            .WithSummary("M04 Delete a certificate from the station by its hash data (DeleteCertificate); the stored one goes when the station deleted it or has no such certificate");
        var deleteById = installed.MapDelete("/{certificateId:long}", DeleteByIdAsync).WithName("deleteStoredCertificate")
            .WithSummary("M04 Delete a stored certificate from the station (DeleteCertificate with its stored hash data)");
        installed.MapGet("/stored", StoredAsync).WithName("getStoredInstalledCertificates")
            .WithSummary("The certificates installed on the station as the CSMS last learnt them (M03 answers, accepted M05 installs, less M04 deletions), without asking the station")
            .ProducesProblem(StatusCodes.Status404NotFound);
        foreach (var status in ApiResults.CallProblems)
        {
            list.ProducesProblem(status);
            install.ProducesProblem(status);
            deleteByHash.ProducesProblem(status);
            deleteById.ProducesProblem(status);
        }
    }

    /// <summary>Hash data of a certificate (OCPP CertificateHashDataType).</summary>
    internal sealed record HashDataView(string HashAlgorithm, string IssuerNameHash, string IssuerKeyHash, string SerialNumber);

    /// <summary>A certificate stored as installed on a station; <c>source</c> is Reported (M03) or Installed (M05, with subject, notAfter and PEM).</summary>
    internal sealed record InstalledView(
        long Id, string StationId, string CertificateType, HashDataView HashData, IReadOnlyList<HashDataView>? ChildCertificateHashData,
        string Source, string? Subject, DateTimeOffset? NotAfter, string? Pem, DateTimeOffset UpdatedAt);

    /// <summary>The station's GetInstalledCertificateIds answer and the certificates of the types asked for as now stored.</summary>
    internal sealed record InstalledListView(string StationId, string Status, string? ReasonCode, string? AdditionalInfo, IReadOnlyList<InstalledView> Certificates);

    /// <summary>The certificate to install: its use and the certificate as PEM.</summary>
    internal sealed record InstallBody(
        [property: Description("V2GRootCertificate, MORootCertificate, CSMSRootCertificate or ManufacturerRootCertificate")] string? CertificateType,
        [property: Description("One X.509 certificate, PEM")] string? Certificate);

    /// <summary>The station's InstallCertificate answer, and the stored certificate when it accepted.</summary>
    internal sealed record InstallView(string StationId, string Status, string? ReasonCode, string? AdditionalInfo, InstalledView? Certificate);

    /// <summary>The station's DeleteCertificate answer, the hash data sent, and how many stored certificates went with it.</summary>
    internal sealed record DeleteView(string StationId, string Status, string? ReasonCode, string? AdditionalInfo, HashDataView HashData, int RemovedFromStore);

    // M03
    private static async Task<Results<Ok<InstalledListView>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string stationId, [Description("only certificates of these types (GetCertificateIdUseEnumType); all when left out")] string[]? certificateType,
        InstalledCertificates certificates, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        var types = new List<GetCertificateIdUseEnumType>();
        foreach (var wire in certificateType ?? [])
        {
            if (!GetCertificateIdUseEnumTypeSchema.TryFromWire(wire, out var type))
            {
                return ApiResults.Invalid("certificateType", "must be V2GRootCertificate, MORootCertificate, CSMSRootCertificate, V2GCertificateChain or ManufacturerRootCertificate");
            }

            types.Add(type);
        }

        return await ApiResults.CallAsync<Results<Ok<InstalledListView>, ValidationProblem, ProblemHttpResult>>(stationId, options, database, async t =>
        {
            var response = await certificates.GetAsync(stationId, types, t).ConfigureAwait(false);
            var wires = types.Select(x => x.ToWire()).ToHashSet(StringComparer.Ordinal);
            var stored = await certificates.StoredAsync(stationId, t).ConfigureAwait(false);
            return TypedResults.Ok(new InstalledListView(stationId, response.Status.ToWire(), response.StatusInfo?.ReasonCode, response.StatusInfo?.AdditionalInfo,
                [.. stored.Where(r => wires.Count == 0 || wires.Contains(r.CertificateType)).Select(View)]));
        }, p => p, ct).ConfigureAwait(false);
    }

    // M05
    private static async Task<Results<Ok<InstallView>, ValidationProblem, ProblemHttpResult>> InstallAsync(
        string stationId, InstallBody body, InstalledCertificates certificates, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        if (body.CertificateType is not { } wire || !InstallCertificateUseEnumTypeSchema.TryFromWire(wire, out var type))
        {
            return ApiResults.Invalid("certificateType", "is required: V2GRootCertificate, MORootCertificate, CSMSRootCertificate or ManufacturerRootCertificate");
        }

        if (body.Certificate is not { Length: > 0 } pem)
        {
            return ApiResults.Invalid("certificate", "is required: one X.509 certificate as PEM");
        }

        var parsed = new X509Certificate2Collection();
        try
        {
            parsed.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            return ApiResults.Invalid("certificate", "is not a PEM X.509 certificate: " + ex.Message);
        }

        if (parsed.Count != 1)
        {
            return ApiResults.Invalid("certificate", $"must hold exactly one PEM certificate (holds {parsed.Count})");
        }

        using var certificate = parsed[0];
        if (certificate.ExportCertificatePem().Length > InstalledCertificates.MaxCertificateLength)
        {
            return ApiResults.Invalid("certificate", $"is longer as PEM than InstallCertificate carries ({InstalledCertificates.MaxCertificateLength} characters)");
        }

        return await ApiResults.CallAsync<Results<Ok<InstallView>, ValidationProblem, ProblemHttpResult>>(stationId, options, database, async t =>
        {
            var outcome = await certificates.InstallAsync(stationId, type, certificate, t).ConfigureAwait(false);
            var info = outcome.Response.StatusInfo;
            return TypedResults.Ok(new InstallView(stationId, outcome.Response.Status.ToWire(), info?.ReasonCode, info?.AdditionalInfo, outcome.Stored is { } s ? View(s) : null));
        }, p => p, ct).ConfigureAwait(false);
    }

    // M04
    private static async Task<Results<Ok<DeleteView>, ValidationProblem, ProblemHttpResult>> DeleteByHashAsync(
        string stationId, [Description("SHA256, SHA384 or SHA512")] string? hashAlgorithm, [Description("hex, at most 128 characters")] string? issuerNameHash,
        [Description("hex, at most 128 characters")] string? issuerKeyHash, [Description("hex, at most 40 characters")] string? serialNumber,
        InstalledCertificates certificates, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        if (hashAlgorithm is null || !HashAlgorithmEnumTypeSchema.TryFromWire(hashAlgorithm, out var algorithm))
        {
            return ApiResults.Invalid("hashAlgorithm", "is required: SHA256, SHA384 or SHA512");
        }

        if ((Hex("issuerNameHash", issuerNameHash, 128) ?? Hex("issuerKeyHash", issuerKeyHash, 128) ?? Hex("serialNumber", serialNumber, 40)) is { } bad)
        {
            return bad;
        }

        var hash = new CertificateHashDataType { HashAlgorithm = algorithm, IssuerNameHash = issuerNameHash!, IssuerKeyHash = issuerKeyHash!, SerialNumber = serialNumber! };
        return await DeleteAsync(stationId, hash, certificates, options, database, ct).ConfigureAwait(false);
    }

    // M04
    private static async Task<Results<Ok<DeleteView>, ValidationProblem, ProblemHttpResult>> DeleteByIdAsync(
        string stationId, long certificateId, InstalledCertificates certificates, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        if (await certificates.FindAsync(stationId, certificateId, ct).ConfigureAwait(false) is not { } record)
        {
            return await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false)
                ? ApiResults.NotFound($"Station '{stationId}' has no stored installed certificate {certificateId}.")
                : ApiResults.StationNotFound(stationId);
        }

        return await DeleteAsync(stationId, InstalledCertificates.HashData(record), certificates, options, database, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<InstalledView[]>, ProblemHttpResult>> StoredAsync(string stationId, InstalledCertificates certificates, CsmsDatabase database, CancellationToken ct)
    {
        if (!await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        return TypedResults.Ok((await certificates.StoredAsync(stationId, ct).ConfigureAwait(false)).Select(View).ToArray());
    }

    private static Task<Results<Ok<DeleteView>, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        string stationId, CertificateHashDataType hash, InstalledCertificates certificates, ApiOptions options, CsmsDatabase database, CancellationToken ct) =>
        ApiResults.CallAsync<Results<Ok<DeleteView>, ValidationProblem, ProblemHttpResult>>(stationId, options, database, async t =>
        {
            var outcome = await certificates.DeleteAsync(stationId, hash, t).ConfigureAwait(false);
            var info = outcome.Response.StatusInfo;
            return TypedResults.Ok(new DeleteView(stationId, outcome.Response.Status.ToWire(), info?.ReasonCode, info?.AdditionalInfo,
                View(InstalledCertificates.Normalized(hash)), outcome.Removed));
        }, p => p, ct);

    private static ValidationProblem? Hex(string field, string? value, int maxLength) =>
        value is { Length: > 0 } && value.Length <= maxLength && value.All(char.IsAsciiHexDigit)
            ? null
            : ApiResults.Invalid(field, $"is required: hexadecimal, at most {maxLength} characters");

    private static HashDataView View(CertificateHashDataType hash) => new(hash.HashAlgorithm.ToWire(), hash.IssuerNameHash, hash.IssuerKeyHash, hash.SerialNumber);

    private static InstalledView View(InstalledCertificateRecord r) => new(
        r.Id, r.StationId, r.CertificateType, new HashDataView(r.HashAlgorithm, r.IssuerNameHash, r.IssuerKeyHash, r.SerialNumber),
        r.ChildHashDataJson is { } json ? JsonSerializer.Deserialize<List<HashDataView>>(json, JsonOptions) : null,
        r.Source, r.Subject, r.NotAfter, r.Pem, r.UpdatedAt);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
