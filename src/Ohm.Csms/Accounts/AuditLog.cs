using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Accounts;

/// <summary>How an audited call ended.</summary>
public static class AuditOutcomes
{
    /// <summary>The station answered with a CALLRESULT (whatever its status says).</summary>
    public const string Answered = "Answered";

    /// <summary>The station answered with a CALLERROR; the detail holds its code and description.</summary>
    public const string CallError = "CallError";

    /// <summary>The station did not answer within the call timeout.</summary>
    public const string Timeout = "Timeout";

    /// <summary>The station was not connected.</summary>
    public const string NotConnected = "NotConnected";

    /// <summary>The call failed otherwise (cancelled, the connection closed); the detail says how.</summary>
    public const string Failed = "Failed";
}

/// <summary>One audited call as the API and the console show it.</summary>
public sealed record AuditEntryView(long Id, DateTimeOffset At, string Account, string StationId, string Action, string Outcome, string? Detail);

/// <summary>The audit log: the calls operators made to stations, newest first.</summary>
public sealed class AuditLog(CsmsDatabase database, CsmsWriter writer, TimeProvider time)
{
    /// <summary>Records a call of <paramref name="account"/>.</summary>
    public Task RecordAsync(string account, string stationId, string action, string outcome, string? detail, CancellationToken cancellationToken = default)
    {
        var record = new AuditRecord
        {
            At = time.GetUtcNow(),
            Account = Cut(account, 64),
            StationId = Cut(stationId, 48),
            Action = Cut(action, 64),
            Outcome = outcome,
            Detail = detail is null ? null : Cut(detail, 1000),
        };
        return writer.ExecuteAsync(
            db =>
            {
                db.Audit.Add(record);
                return Task.CompletedTask;
            },
            cancellationToken);
    }

    /// <summary>
    /// A page of entries, newest first, older than <paramref name="beforeId"/> when given, of <paramref name="account"/>
    /// and <paramref name="stationId"/> when given, <paramref name="skip"/> entries skipped (the console's pages); with how many match in all.
    /// </summary>
    public async Task<(IReadOnlyList<AuditEntryView> Items, int Total)> PageAsync(string? account, string? stationId, long? beforeId, int limit, int skip = 0, CancellationToken cancellationToken = default)
    {
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            var query = db.Audit.AsNoTracking();
            if (account is { Length: > 0 })
            {
                query = query.Where(a => a.Account == account);
            }

            if (stationId is { Length: > 0 })
            {
                query = query.Where(a => a.StationId == stationId);
            }

            var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
            if (beforeId is { } before)
            {
                query = query.Where(a => a.Id < before);
            }

            var items = await query.OrderByDescending(a => a.Id).Skip(skip).Take(limit)
                .Select(a => new AuditEntryView(a.Id, a.At, a.Account, a.StationId, a.Action, a.Outcome, a.Detail))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return (items, total);
        }
    }

    private static string Cut(string value, int length) => value.Length <= length ? value : value[..length];
}
