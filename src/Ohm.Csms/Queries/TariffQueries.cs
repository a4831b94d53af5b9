using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Queries;

/// <summary>A tariff: its id, current version, whether it is the default, and its prices.</summary>
public sealed record TariffView(long Id, int Version, bool IsDefault, TariffDefinition Tariff, DateTimeOffset UpdatedAt);

/// <summary>A version of a tariff.</summary>
public sealed record TariffVersionView(int Version, TariffDefinition Tariff, DateTimeOffset CreatedAt);

/// <summary>An assignment: where a tariff applies (a token group, an EVSE or a station).</summary>
public sealed record TariffAssignmentView(long Id, long TariffId, string? GroupIdToken, string? StationId, int? EvseId);

/// <summary>
/// Block I's stored tariffs, read and written for the API and the console alike: every change makes a new version, a
/// delete keeps the versions for the transactions that used them, and the assignments say where a tariff applies.
/// </summary>
public sealed class TariffQueries(CsmsDatabase database, CsmsWriter writer, TimeProvider time)
{
    /// <summary>Why a tariff cannot be stored: the field and what is wrong; null when it is valid.</summary>
    public static (string Field, string Message)? Check(TariffDefinition tariff)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        if (tariff.Currency is not { Length: 3 } || !tariff.Currency.All(char.IsAsciiLetterUpper))
        {
            return ("tariff.currency", "must be an ISO 4217 code (three capital letters)");
        }

        if (tariff.EnergyPerKwh < 0 || tariff.TimePerHour < 0 || tariff.IdlePerHour < 0 || tariff.SessionFee < 0 || tariff.IdleGraceMinutes < 0 || tariff.TaxPercent is < 0 or > 100)
        {
            return ("tariff", "prices, fee, grace and tax must not be negative (tax at most 100)");
        }

        if (tariff.MinCost is { } min && tariff.MaxCost is { } max && min > max)
        {
            return ("tariff.minCost", "must not exceed maxCost");
        }

        if (!TariffCalculator.IsZone(tariff.TimeZone))
        {
            return ("tariff.timeZone", $"'{tariff.TimeZone}' is not an IANA time zone");
        }

        return tariff.Periods.Any(p => p.From == p.To || p.EnergyPerKwh < 0 || p.TimePerHour < 0 || p.IdlePerHour < 0)
            ? ("tariff.periods", "a period needs from different from to and prices that are not negative")
            : null;
    }

    /// <summary>The view of a stored tariff.</summary>
    public static TariffView View(TariffRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.Id, record.Version, record.IsDefault, TariffCost.Parse(record.Definition), record.UpdatedAt);
    }

    /// <summary>
    /// Tariffs not deleted, by id, after <paramref name="after"/> (a keyset cursor), skipping <paramref name="skip"/>: at most
    /// <paramref name="take"/> + 1 rows (the one more says there is a next page) and how many there are in all.
    /// </summary>
    public async Task<(List<TariffView> Rows, int Total)> ListAsync(long? after, int skip, int take, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        var query = db.Tariffs.AsNoTracking().Where(t => !t.Deleted);
        var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        if (after is { } a)
        {
            query = query.Where(t => t.Id > a);
        }

        var rows = await query.OrderBy(t => t.Id).Skip(skip).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return ([.. rows.Select(View)], total);
    }

    /// <summary>A tariff not deleted, or null.</summary>
    public async Task<TariffView?> GetAsync(long id, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        var t = await db.Tariffs.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id && !t.Deleted, cancellationToken).ConfigureAwait(false);
        return t is null ? null : View(t);
    }

    /// <summary>Adds a tariff (version 1); when it is the default, no other one is any more. Check it first.</summary>
    public async Task<TariffView> CreateAsync(TariffDefinition tariff, bool isDefault, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var json = TariffCost.Write(tariff);
        var record = await writer.ExecuteAsync(async db =>
        {
            if (isDefault)
            {
                await db.Tariffs.Where(t => t.IsDefault).ExecuteUpdateAsync(u => u.SetProperty(t => t.IsDefault, false), CancellationToken.None).ConfigureAwait(false);
            }

            var t = new TariffRecord { Version = 1, Definition = json, IsDefault = isDefault, CreatedAt = now, UpdatedAt = now };
            db.Tariffs.Add(t);
            await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
            db.TariffVersions.Add(new TariffVersionRecord { TariffId = t.Id, Version = 1, Definition = json, CreatedAt = now });
            return t;
        }, cancellationToken).ConfigureAwait(false);
        return View(record);
    }

    /// <summary>Replaces a tariff's prices as a new version (running transactions keep theirs); null when there is no such tariff. Check it first.</summary>
    public async Task<TariffView?> UpdateAsync(long id, TariffDefinition tariff, bool? isDefault, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var json = TariffCost.Write(tariff);
        var record = await writer.ExecuteAsync(async db =>
        {
            var t = await db.Tariffs.FirstOrDefaultAsync(t => t.Id == id && !t.Deleted, CancellationToken.None).ConfigureAwait(false);
            if (t is null)
            {
                return null;
            }

            if (isDefault == true)
            {
                await db.Tariffs.Where(o => o.IsDefault && o.Id != id).ExecuteUpdateAsync(u => u.SetProperty(o => o.IsDefault, false), CancellationToken.None).ConfigureAwait(false);
            }

            t.Version++;
            t.Definition = json;
            t.IsDefault = isDefault ?? t.IsDefault;
            t.UpdatedAt = now;
            db.TariffVersions.Add(new TariffVersionRecord { TariffId = t.Id, Version = t.Version, Definition = json, CreatedAt = now });
            return t;
        }, cancellationToken).ConfigureAwait(false);
        return record is null ? null : View(record);
    }

    /// <summary>Deletes a tariff and its assignments (its versions stay); false when there is no such tariff.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await writer.ExecuteAsync(async db =>
        {
            var t = await db.Tariffs.FirstOrDefaultAsync(t => t.Id == id && !t.Deleted, CancellationToken.None).ConfigureAwait(false);
            if (t is null)
            {
                return false;
            }

            t.Deleted = true;
            t.IsDefault = false;
            t.UpdatedAt = now;
            db.TariffAssignments.RemoveRange(await db.TariffAssignments.Where(a => a.TariffId == id).ToListAsync(CancellationToken.None).ConfigureAwait(false));
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every version of a tariff (deleted ones too), or null when there never was such a tariff.</summary>
    public async Task<TariffVersionView[]?> VersionsAsync(long id, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        if (!await db.Tariffs.AnyAsync(t => t.Id == id, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var rows = await db.TariffVersions.AsNoTracking().Where(v => v.TariffId == id).OrderBy(v => v.Version).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(v => new TariffVersionView(v.Version, TariffCost.Parse(v.Definition), v.CreatedAt))];
    }

    /// <summary>Where a tariff applies, or null when there is no such tariff.</summary>
    public async Task<TariffAssignmentView[]?> AssignmentsAsync(long id, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        if (!await db.Tariffs.AnyAsync(t => t.Id == id && !t.Deleted, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var rows = await db.TariffAssignments.AsNoTracking().Where(a => a.TariffId == id).OrderBy(a => a.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(View)];
    }

    /// <summary>The assignments of the tariffs <paramref name="tariffIds"/>, by tariff.</summary>
    public async Task<ILookup<long, TariffAssignmentView>> AssignmentsOfAsync(IReadOnlyCollection<long> tariffIds, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        var rows = await db.TariffAssignments.AsNoTracking().Where(a => tariffIds.Contains(a.TariffId)).OrderBy(a => a.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(View).ToLookup(a => a.TariffId);
    }

    /// <summary>Why an assignment cannot be made from these fields; null when it can.</summary>
    public static (string Field, string Message)? CheckAssignment(string? groupIdToken, string? stationId, int? evseId) =>
        (groupIdToken is null) == (stationId is null) || (evseId is not null && stationId is null)
            ? ("groupIdToken", "give either groupIdToken, or stationId (with evseId for an EVSE)")
            : null;

    /// <summary>What assigning gave: the assignment, or why not.</summary>
    public enum AssignOutcome
    {
        /// <summary>Assigned.</summary>
        Done,

        /// <summary>No such tariff.</summary>
        NoTariff,

        /// <summary>No such station.</summary>
        NoStation,

        /// <summary>A tariff is already assigned there.</summary>
        Conflict,
    }

    /// <summary>Applies a tariff to a token group, an EVSE or a station (check the fields first).</summary>
    public async Task<(TariffAssignmentView? Assignment, AssignOutcome Outcome)> AssignAsync(long id, string? groupIdToken, string? stationId, int? evseId, CancellationToken cancellationToken)
    {
        var outcome = await writer.ExecuteAsync<(TariffAssignmentRecord? Row, AssignOutcome Outcome)>(async db =>
        {
            if (!await db.Tariffs.AnyAsync(t => t.Id == id && !t.Deleted, CancellationToken.None).ConfigureAwait(false))
            {
                return (null, AssignOutcome.NoTariff);
            }

            if (stationId is { } station && !await db.Stations.AnyAsync(s => s.Id == station, CancellationToken.None).ConfigureAwait(false))
            {
                return (null, AssignOutcome.NoStation);
            }

            if (await db.TariffAssignments.AnyAsync(a => a.GroupIdToken == groupIdToken && a.StationId == stationId && a.EvseId == evseId, CancellationToken.None).ConfigureAwait(false))
            {
                return (null, AssignOutcome.Conflict);
            }

            var row = new TariffAssignmentRecord { TariffId = id, GroupIdToken = groupIdToken, StationId = stationId, EvseId = evseId };
            db.TariffAssignments.Add(row);
            return (row, AssignOutcome.Done);
        }, cancellationToken).ConfigureAwait(false);
        return (outcome.Row is { } r ? View(r) : null, outcome.Outcome);
    }

    /// <summary>Removes an assignment; false when there is none with that id.</summary>
    public Task<bool> UnassignAsync(long assignmentId, CancellationToken cancellationToken) =>
        writer.ExecuteAsync(async db => await db.TariffAssignments.Where(a => a.Id == assignmentId).ExecuteDeleteAsync(CancellationToken.None).ConfigureAwait(false) > 0, cancellationToken);

    private static TariffAssignmentView View(TariffAssignmentRecord a) => new(a.Id, a.TariffId, a.GroupIdToken, a.StationId, a.EvseId);
}
