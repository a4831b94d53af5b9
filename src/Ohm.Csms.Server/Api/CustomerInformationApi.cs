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
/// Block N, customer information: ask a station to report (N09) and/or clear (N10) what it holds about a customer,
/// and read a request back with the data the station reported, assembled. A clear by idToken also erases what the
/// CSMS holds about the token, and the answer says what.
/// </summary>
internal static class CustomerInformationApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/stations/{stationId}/customer-information").WithTags("Customer information");
        var request = group.MapPost("/", RequestAsync).WithName("requestCustomerInformation")
            .WithSummary("N09/N10 Ask the station to report and/or clear what it holds about a customer (by idToken, customerCertificate or customerIdentifier)")
            .WithDescription("The CSMS chooses the requestId. When the station accepts a report (or a clear, after which it reports what it cleared), "
                + "the answer waits at most Api:CommandTimeoutSeconds for its last NotifyCustomerInformation part and carries the data assembled in seqNo order. "
                + "A clear by idToken also erases the CSMS's own data about the token (its id-token store entries, local-list memberships, the token in "
                + "its transactions, their events and reservations, which keep their energy and times, a security event's techInfo that names it, and the messages stored as received that name it); "
                + "erased says how many of each.");
        request.ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        foreach (var status in ApiResults.CallProblems)
        {
            request.ProducesProblem(status);
        }

        group.MapGet("/{requestId:int}", GetAsync).WithName("getCustomerInformation")
            .WithSummary("A customer information request with its answer and the data the station reported so far, assembled in seqNo order")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>An idToken: its value (at most 36 characters) and type (Central, eMAID, ISO14443, ISO15693, KeyCode, Local, MacAddress, NoAuthorization).</summary>
    internal sealed record CustomerTokenView
    {
        public required string IdToken { get; init; }

        public required IdTokenEnumType Type { get; init; }
    }

    /// <summary>A customer certificate's hash data: hashAlgorithm SHA256, SHA384 or SHA512, issuerNameHash and issuerKeyHash (at most 128 characters), serialNumber (at most 40).</summary>
    internal sealed record CustomerCertificateView
    {
        public required HashAlgorithmEnumType HashAlgorithm { get; init; }

        public required string IssuerNameHash { get; init; }

        public required string IssuerKeyHash { get; init; }

        public required string SerialNumber { get; init; }
    }

    /// <summary>
    /// A customer information request: <c>report</c> and/or <c>clear</c> (at least one), and exactly one of <c>idToken</c>,
    /// <c>customerCertificate</c> or <c>customerIdentifier</c> (at most 64 characters).
    /// </summary>
    internal sealed record CustomerInformationBody
    {
        public bool Report { get; init; }

        public bool Clear { get; init; }

        public CustomerTokenView? IdToken { get; init; }

        public CustomerCertificateView? CustomerCertificate { get; init; }

        public string? CustomerIdentifier { get; init; }
    }

    /// <summary>What the CSMS erased of its own data about the idToken, per kind.</summary>
    internal sealed record ErasedView(
        DateTimeOffset At, int IdTokens, int Transactions, int TransactionEvents, int Reservations, int LocalListMemberships, int SecurityEvents, int StationMessages);

    /// <summary>One NotifyCustomerInformation part as received.</summary>
    internal sealed record CustomerInformationPartView(int SeqNo, bool Tbc, DateTimeOffset GeneratedAt, DateTimeOffset ReceivedAt, string Data);

    /// <summary>
    /// A customer information request: whom it is about, the station's <c>status</c> (Accepted, Rejected, Invalid; null
    /// for a report the CSMS did not ask for), the parts received, whether the last one arrived (<c>complete</c>), the
    /// <c>data</c> of the parts in seqNo order, and what the CSMS erased (null when it erased nothing).
    /// </summary>
    internal sealed record CustomerInformationView(
        int RequestId, string StationId, bool Report, bool Clear, CustomerTokenView? IdToken, CustomerCertificateView? CustomerCertificate, string? CustomerIdentifier,
        string? Status, string? StatusReason, DateTimeOffset RequestedAt, int PartsReceived, bool Complete, DateTimeOffset? CompletedAt, string Data,
        CustomerInformationPartView[] Parts, ErasedView? Erased);

    private static CustomerInformationView View(CustomerInformationRecord r, string data, IEnumerable<CustomerInformationPartRecord> parts)
    {
        var certificate = r.CustomerCertificate is { } c ? JsonSerializer.Deserialize(c, OcppJsonContext.Default.CertificateHashDataType) : null;
        return new(
            r.RequestId, r.StationId, r.Report, r.Clear,
            r.IdToken is { } t ? new CustomerTokenView { IdToken = t, Type = IdTokenEnumTypeSchema.FromWire(r.IdTokenType ?? "Central") } : null,
            certificate is { } h ? new CustomerCertificateView { HashAlgorithm = h.HashAlgorithm, IssuerNameHash = h.IssuerNameHash, IssuerKeyHash = h.IssuerKeyHash, SerialNumber = h.SerialNumber } : null,
            r.CustomerIdentifier, r.Status, r.StatusReason, r.RequestedAt, r.PartsReceived, r.Complete, r.CompletedAt, data,
            [.. parts.Select(p => new CustomerInformationPartView(p.SeqNo, p.Tbc, p.GeneratedAt, p.ReceivedAt, p.Data))],
            r.ErasedAt is { } at
                ? new ErasedView(at, r.ErasedIdTokens, r.ErasedTransactions, r.ErasedTransactionEvents, r.ErasedReservations, r.ErasedLocalListMemberships, r.ErasedSecurityEvents, r.ErasedStationMessages)
                : null);
    }

    private static ValidationProblem? Validate(CustomerInformationBody body)
    {
        if (!body.Report && !body.Clear)
        {
            return ApiResults.Invalid("report", "set report, clear or both to true");
        }

        var named = (body.IdToken is null ? 0 : 1) + (body.CustomerCertificate is null ? 0 : 1) + (body.CustomerIdentifier is null ? 0 : 1);
        if (named != 1)
        {
            return ApiResults.Invalid("idToken", "name the customer by exactly one of idToken, customerCertificate or customerIdentifier");
        }

        if (body.IdToken is { } token && (string.IsNullOrEmpty(token.IdToken) || token.IdToken.Length > 36 || !Enum.IsDefined(token.Type)))
        {
            return ApiResults.Invalid("idToken", "idToken is 1 to 36 characters and type one of " + string.Join(", ", Enum.GetValues<IdTokenEnumType>().Select(v => v.ToWire())));
        }

        if (body.CustomerIdentifier is { Length: 0 or > 64 })
        {
            return ApiResults.Invalid("customerIdentifier", "is 1 to 64 characters long");
        }

        if (body.CustomerCertificate is { } c && (!Enum.IsDefined(c.HashAlgorithm) || c.IssuerNameHash is not { Length: > 0 and <= 128 }
            || c.IssuerKeyHash is not { Length: > 0 and <= 128 } || c.SerialNumber is not { Length: > 0 and <= 40 }))
        {
            return ApiResults.Invalid("customerCertificate", "hashAlgorithm is SHA256, SHA384 or SHA512, issuerNameHash and issuerKeyHash 1 to 128 characters, serialNumber 1 to 40");
        }

        return null;
    }

    private static async Task<Results<Ok<CustomerInformationView>, ValidationProblem, ProblemHttpResult>> RequestAsync(
        string stationId, CustomerInformationBody body, CustomerInformation block, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        if (Validate(body) is { } invalid)
        {
            return invalid;
        }

        var query = new CustomerInformation.Query(
            body.Report,
            body.Clear,
            body.IdToken is { } t ? new IdTokenType { IdToken = t.IdToken, Type = t.Type } : null,
            body.CustomerCertificate is { } c
                ? new CertificateHashDataType { HashAlgorithm = c.HashAlgorithm, IssuerNameHash = c.IssuerNameHash, IssuerKeyHash = c.IssuerKeyHash, SerialNumber = c.SerialNumber }
                : null,
            body.CustomerIdentifier);
        return await ApiResults.CallAsync<Results<Ok<CustomerInformationView>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async timeout =>
            {
                var record = await block.RequestAsync(stationId, query, timeout).ConfigureAwait(false);
                var stored = await block.FindAsync(stationId, record.RequestId, CancellationToken.None).ConfigureAwait(false);
                return TypedResults.Ok(stored is null ? View(record, "", []) : View(stored.Record, stored.Data, stored.Parts));
            }, p => p, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<CustomerInformationView>, ProblemHttpResult>> GetAsync(
        string stationId, int requestId, CustomerInformation block, CsmsDatabase database, CancellationToken ct)
    {
        if (await block.FindAsync(stationId, requestId, ct).ConfigureAwait(false) is { } stored)
        {
            return TypedResults.Ok(View(stored.Record, stored.Data, stored.Parts));
        }

        return await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false)
            ? ApiResults.NotFound($"Station '{stationId}' has no customer information request {requestId}.")
            : ApiResults.StationNotFound(stationId);
    }
}
