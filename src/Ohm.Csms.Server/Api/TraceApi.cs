using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// The message trace: every frame in and out of the traced stations is logged (category Ohm.Csms.Trace, Information)
/// until the trace is switched off or expires.
/// </summary>
internal static class TraceApi
{
    private const int MaxStationIdLength = 48;

    public static void Map(RouteGroupBuilder api)
    {
        var trace = api.MapGroup("/trace").WithTags("Trace");
        trace.MapGet("/", Get).WithName("getTrace").WithSummary("What the message trace logs now: all stations, a set, or nothing, and until when");
        trace.MapPut("/", Put).WithName("setTrace")
            .WithSummary("Switch the message trace on for some stations ({\"stations\":[...]}) or all ({\"all\":true}) for minutes (default 60, at most 10080)");
        trace.MapDelete("/", Delete).WithName("stopTrace").WithSummary("Switch the message trace off");
        var station = api.MapGroup("/stations/{stationId}/trace").WithTags("Trace");
        station.MapPut("/", PutStationAsync).WithName("traceStation").WithSummary("Add a registered station to the message trace for minutes (default 60)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        station.MapDelete("/", DeleteStationAsync).WithName("stopStationTrace").WithSummary("Take a station out of the message trace")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The trace's state: <see cref="All"/> stations, or those in <see cref="Stations"/>, until <see cref="Until"/> (null: off).</summary>
    internal sealed record TraceView(bool On, bool All, IReadOnlyList<string> Stations, DateTimeOffset? Until);

    /// <summary>Body of PUT /api/trace: <see cref="Stations"/> or <see cref="All"/>, and optionally <see cref="Minutes"/>.</summary>
    internal sealed record TraceRequest
    {
        /// <summary>The station ids to trace (registered or not yet: a station can be traced from its first connection).</summary>
        public IReadOnlyList<string>? Stations { get; init; }

        /// <summary>Trace every station instead.</summary>
        public bool? All { get; init; }

        /// <summary>How long the trace stays on (default 60, at most 10080).</summary>
        public int? Minutes { get; init; }
    }

    /// <summary>Optional body of PUT /api/stations/{id}/trace.</summary>
    internal sealed record StationTraceRequest
    {
        /// <summary>How long the station stays in the trace (default 60, at most 10080).</summary>
        public int? Minutes { get; init; }
    }

    private static TraceView View(MessageTraceState state) =>
        new(!state.IsOff, state.All, [.. state.Stations.Order(StringComparer.Ordinal)], state.IsOff ? null : state.Until);

    private static Ok<TraceView> Get(MessageTrace trace) => TypedResults.Ok(View(trace.State));

    private static Results<Ok<TraceView>, ValidationProblem> Put(TraceRequest request, MessageTrace trace)
    {
        if (Duration(request.Minutes) is not { } duration)
        {
            return ApiResults.Invalid("minutes", $"must be between 1 and {(int)MessageTrace.MaxDuration.TotalMinutes}");
        }

        var all = request.All ?? false;
        if (all && request.Stations is { Count: > 0 })
        {
            return ApiResults.Invalid("stations", "give either stations or all: true, not both");
        }

        if (all)
        {
            return TypedResults.Ok(View(trace.TraceAll(duration)));
        }

        if (request.Stations is not { Count: > 0 } stations)
        {
            return ApiResults.Invalid("stations", "name at least one station id, or give all: true");
        }

        if (stations.FirstOrDefault(s => string.IsNullOrWhiteSpace(s) || s.Length > MaxStationIdLength) is { } bad)
        {
            return ApiResults.Invalid("stations", $"'{bad}' is not a station id (1 to {MaxStationIdLength} characters)");
        }

        return TypedResults.Ok(View(trace.TraceStations(stations, duration)));
    }

    private static Ok<TraceView> Delete(MessageTrace trace) => TypedResults.Ok(View(trace.Stop()));

    private static async Task<Results<Ok<TraceView>, ProblemHttpResult, ValidationProblem>> PutStationAsync(
        string stationId, StationTraceRequest? request, MessageTrace trace, CsmsDatabase database, CancellationToken ct)
    {
        if (Duration(request?.Minutes) is not { } duration)
        {
            return ApiResults.Invalid("minutes", $"must be between 1 and {(int)MessageTrace.MaxDuration.TotalMinutes}");
        }

        if (!await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        return TypedResults.Ok(View(trace.Add(stationId, duration)));
    }

    private static async Task<Results<Ok<TraceView>, ProblemHttpResult>> DeleteStationAsync(string stationId, MessageTrace trace, CsmsDatabase database, CancellationToken ct)
    {
        if (!await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        return TypedResults.Ok(View(trace.Remove(stationId)));
    }

    private static TimeSpan? Duration(int? minutes) =>
        minutes switch
        {
            null => MessageTrace.DefaultDuration,
            { } m when m >= 1 && m <= MessageTrace.MaxDuration.TotalMinutes => TimeSpan.FromMinutes(m),
            _ => null,
        };
}
