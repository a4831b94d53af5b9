using System.Globalization;
using System.Text;
using Ohm.Csms.Queries;

namespace Ohm.Csms.Console.Components.Transactions;

/// <summary>Transactions as CSV (RFC 4180): invariant culture, ISO-8601 UTC times, fields quoted where they need it.</summary>
public static class TransactionCsv
{
    /// <summary>The header line's fields.</summary>
    public static readonly string[] Columns =
    [
        "stationId", "transactionId", "state", "evseId", "connectorId", "idToken", "idTokenType", "authorizationStatus", "chargingState",
        "stoppedReason", "remoteStartId", "startedAt", "endedAt", "energyWh", "eventCount", "lastSeqNo",
    ];

    /// <summary>The header line, with its CRLF.</summary>
    public static string Header() => string.Join(',', Columns) + "\r\n";

    /// <summary>One transaction's line, with its CRLF.</summary>
    public static string Row(TransactionView t)
    {
        ArgumentNullException.ThrowIfNull(t);
        string?[] fields =
        [
            t.StationId, t.TransactionId, t.State, Number(t.EvseId), Number(t.ConnectorId), t.IdToken, t.IdTokenType, t.AuthorizationStatus, t.ChargingState,
            t.StoppedReason, Number(t.RemoteStartId), Time(t.StartedAt), Time(t.EndedAt), t.EnergyWh?.ToString(CultureInfo.InvariantCulture),
            Number(t.EventCount), Number(t.LastSeqNo),
        ];
        return string.Join(',', fields.Select(Quote)) + "\r\n";
    }

    /// <summary>A field as CSV: quoted, with its quotes doubled, when it holds a comma, a quote or a line break.</summary>
    public static string Quote(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return string.Empty;
        }

        return field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : new StringBuilder(field.Length + 2).Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();
    }

    /// <summary>A time as ISO 8601 in UTC, to the millisecond.</summary>
    public static string? Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string? Number(int? n) => n?.ToString(CultureInfo.InvariantCulture);
}
