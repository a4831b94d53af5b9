namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// A CustomerInformation request (N09 report, N10 clear) the CSMS sent to a station, with the station's answer, the
/// NotifyCustomerInformation parts that arrived for it (<see cref="CustomerInformationPartRecord"/>) and, for a clear by
/// idToken, what the CSMS erased of its own data. A NotifyCustomerInformation for a requestId the CSMS did not send gets
/// a record too, without a <see cref="Status"/>.
/// </summary>
public sealed class CustomerInformationRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    /// <summary>The requestId sent, which the station's NotifyCustomerInformation parts carry.</summary>
    public int RequestId { get; set; }

    /// <summary>Whether the station was asked to report what it holds about the customer (N09).</summary>
    public bool Report { get; set; }

    /// <summary>Whether the station was asked to clear what it holds about the customer (N10).</summary>
    public bool Clear { get; set; }

    /// <summary>The customer's idToken, when the request named one.</summary>
    public string? IdToken { get; set; }

    /// <summary>The idToken's type in its wire spelling.</summary>
    public string? IdTokenType { get; set; }

    /// <summary>The customer's vendor-specific identifier, when the request named one.</summary>
    public string? CustomerIdentifier { get; set; }

    /// <summary>The customer certificate's hash data (hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber) as JSON, when the request named one.</summary>
    public string? CustomerCertificate { get; set; }

    /// <summary>The station's answer (Accepted, Rejected, Invalid); null before it answered, or for a report the CSMS did not ask for.</summary>
    public string? Status { get; set; }

    /// <summary>The station's statusInfo reasonCode and additionalInfo, when it gave them.</summary>
    public string? StatusReason { get; set; }

    /// <summary>When the CSMS erased its own data about the idToken (N10, a clear by idToken); null when it did not.</summary>
    public DateTimeOffset? ErasedAt { get; set; }

    /// <summary>Entries of the id-token store removed.</summary>
    public int ErasedIdTokens { get; set; }

    /// <summary>Transactions that lost the token (they keep their energy and times).</summary>
    public int ErasedTransactions { get; set; }

    /// <summary>Stored TransactionEvents that lost the token.</summary>
    public int ErasedTransactionEvents { get; set; }

    /// <summary>Reservations that lost the token.</summary>
    public int ErasedReservations { get; set; }

    /// <summary>Local-list memberships the token was taken out of (the lists are then updated on their stations).</summary>
    public int ErasedLocalListMemberships { get; set; }

    /// <summary>Security events whose techInfo named the token, which lost their techInfo.</summary>
    public int ErasedSecurityEvents { get; set; }

    /// <summary>Messages stored as received whose payload named the token, removed.</summary>
    public int ErasedStationMessages { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    /// <summary>How many NotifyCustomerInformation parts arrived.</summary>
    public int PartsReceived { get; set; }

    /// <summary>Whether the last part (tbc false) arrived.</summary>
    public bool Complete { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One NotifyCustomerInformation part: its seqNo, whether more follow, and its data.</summary>
public sealed class CustomerInformationPartRecord
{
    public long Id { get; set; }

    public long CustomerInformationId { get; set; }

    public CustomerInformationRecord? Request { get; set; }

    public int SeqNo { get; set; }

    public bool Tbc { get; set; }

    /// <summary>The part's data (at most 512 characters).</summary>
    public required string Data { get; set; }

    /// <summary>When the station generated the part, by its clock.</summary>
    public DateTimeOffset GeneratedAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
