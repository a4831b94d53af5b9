using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Blocks;
using Ohm.Csms.Queries;
using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Block O, each station's display messages: set one (in one or several languages; one OCPP message per language),
/// list those the station holds as it last told the CSMS, ask the station for its report and wait for it, clear one.
/// </summary>
internal static class DisplayMessagesApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var messages = api.MapGroup("/stations/{stationId}/display-messages").WithTags("Display messages");
        var set = messages.MapPost("/", SetAsync).WithName("setDisplayMessage")
            .WithSummary("O01/O02/O06 Set (or replace, by id) a display message, in one or several languages")
            .WithDescription("Each language becomes one SetDisplayMessage with its own id: the first takes id (or the next free id when left out), "
                + "the others the id their language had in this message before, or new ids. They are sent in order and the first the station "
                + "does not accept stops the rest. status is Accepted when every language was; otherwise the station's answer to the one refused.");
        var list = messages.MapGet("/", ListAsync).WithName("listDisplayMessages")
            .WithSummary("The display messages the station holds, as it last reported or accepted them, by id");
        var report = messages.MapPost("/report", ReportAsync).WithName("reportDisplayMessages")
            .WithSummary("O03/O04 Ask the station for its display messages (all, or by ids, priority, state) and wait for its report")
            .WithDescription("The report is stored: an unfiltered one replaces what the CSMS knew; a filtered one updates the messages it names and "
                + "removes those of its filter the station no longer holds. Waits at most Api:CommandTimeoutSeconds for the last part.");
        var clear = messages.MapDelete("/{messageId:int}", ClearAsync).WithName("clearDisplayMessage")
            .WithSummary("O05 Clear a display message (every language of it when it was set in several)");
        foreach (var builder in new[] { set, report, clear })
        {
            builder.ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
            foreach (var status in ApiResults.CallProblems)
            {
                builder.ProducesProblem(status);
            }
        }

        list.ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// A display message to set: <c>id</c> (left out: the CSMS chooses), <c>priority</c> AlwaysFront, InFront or NormalCycle,
    /// <c>state</c> Charging, Faulted, Idle or Unavailable (left out: any), the window <c>startDateTime</c>-<c>endDateTime</c>,
    /// <c>transactionId</c> (O02: shown during that transaction, removed when it ends), <c>display</c>, and <c>messages</c>, one per language.
    /// </summary>
    internal sealed record DisplayMessageBody
    {
        public int? Id { get; init; }

        public required MessagePriorityEnumType Priority { get; init; }

        public MessageStateEnumType? State { get; init; }

        public DateTimeOffset? StartDateTime { get; init; }

        public DateTimeOffset? EndDateTime { get; init; }

        public string? TransactionId { get; init; }

        public DisplayComponentView? Display { get; init; }

        public required DisplayContentView[] Messages { get; init; }
    }

    /// <summary>The station's answer to the message of one language, with its statusInfo when it gave one.</summary>
    internal sealed record DisplayLanguageResult(int Id, string? Language, string Status, string? ReasonCode, string? AdditionalInfo);

    /// <summary>What setting a message gave: its id (that of its first language), the overall status and each language's answer (those not sent are left out).</summary>
    internal sealed record DisplayMessageSet(int Id, string Status, DisplayLanguageResult[] Results);

    /// <summary>Which messages a report asks for (all criteria given must hold; none: every message), and optionally its requestId.</summary>
    internal sealed record DisplayReportRequest
    {
        public int[]? Ids { get; init; }

        public MessagePriorityEnumType? Priority { get; init; }

        public MessageStateEnumType? State { get; init; }

        public int? RequestId { get; init; }
    }

    /// <summary>A report: its requestId, the station's status (Accepted, or Unknown when no message matches) and the messages reported.</summary>
    internal sealed record DisplayReportView(int RequestId, string Status, DisplayMessageView[] Messages);

    /// <summary>What clearing gave: each message cleared and the station's answer (Accepted, Unknown).</summary>
    internal sealed record DisplayClearView(DisplayClearResult[] Results);

    /// <summary>The station's answer to clearing one message.</summary>
    internal sealed record DisplayClearResult(int Id, string Status);

    private static ValidationProblem? Validate(DisplayMessageBody body)
    {
        if (body.Id is < 0)
        {
            return ApiResults.Invalid("id", "must be 0 or more");
        }

        if (!Enum.IsDefined(body.Priority) || (body.State is { } s && !Enum.IsDefined(s)))
        {
            return ApiResults.Invalid(Enum.IsDefined(body.Priority) ? "state" : "priority", "is not one of the OCPP values");
        }

        if (body.StartDateTime is { } start && body.EndDateTime is { } end && end <= start)
        {
            return ApiResults.Invalid("endDateTime", "must be after startDateTime");
        }

        if (body.TransactionId is { Length: 0 or > 36 })
        {
            return ApiResults.Invalid("transactionId", "is 1 to 36 characters long");
        }

        if (body.Display is { } display && (string.IsNullOrEmpty(display.Name) || display.Name.Length > 50 || display.Instance is { Length: 0 or > 50 }
            || display.EvseId is <= 0 || (display.ConnectorId is not null && display.EvseId is null) || display.ConnectorId is <= 0))
        {
            return ApiResults.Invalid("display", "name is 1 to 50 characters, instance 1 to 50 when given, evseId above 0, connectorId above 0 and only with an evseId");
        }

        if (body.Messages.Length == 0)
        {
            return ApiResults.Invalid("messages", "give at least one message (one per language)");
        }

        for (var i = 0; i < body.Messages.Length; i++)
        {
            var m = body.Messages[i];
            if (!Enum.IsDefined(m.Format))
            {
                return ApiResults.Invalid($"messages[{i}].format", "is not one of ASCII, HTML, URI, UTF8");
            }

            if (string.IsNullOrEmpty(m.Content) || m.Content.Length > 512)
            {
                return ApiResults.Invalid($"messages[{i}].content", "is 1 to 512 characters long");
            }

            if (m.Language is { Length: 0 or > 8 })
            {
                return ApiResults.Invalid($"messages[{i}].language", "is 1 to 8 characters long (an RFC 5646 tag such as en or nl-BE)");
            }
        }

        if (body.Messages.Length > 1 && body.Messages.GroupBy(m => m.Language ?? "", StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
        {
            return ApiResults.Invalid("messages", "with several messages, each is in another language");
        }

        return null;
    }

    private static async Task<Results<Ok<DisplayMessageSet>, ValidationProblem, ProblemHttpResult>> SetAsync(
        string stationId, DisplayMessageBody body, DisplayMessage block, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        if (Validate(body) is { } invalid)
        {
            return invalid;
        }

        var template = new MessageInfoType
        {
            Id = body.Id ?? 0,
            Priority = body.Priority,
            State = body.State,
            StartDateTime = body.StartDateTime,
            EndDateTime = body.EndDateTime,
            TransactionId = body.TransactionId,
            Display = body.Display is { } d
                ? new ComponentType { Name = d.Name, Instance = d.Instance, Evse = d.EvseId is { } e ? new EVSEType { Id = e, ConnectorId = d.ConnectorId } : null }
                : null,
            Message = new MessageContentType { Format = body.Messages[0].Format, Content = body.Messages[0].Content, Language = body.Messages[0].Language },
        };
        var contents = body.Messages.Select(m => new MessageContentType { Format = m.Format, Language = m.Language, Content = m.Content }).ToList();
        return await ApiResults.CallAsync<Results<Ok<DisplayMessageSet>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async t =>
            {
                var (id, results) = await block.SetInLanguagesAsync(stationId, body.Id, template, contents, t).ConfigureAwait(false);
                var status = results.FirstOrDefault(r => r.Status != DisplayMessageStatusEnumType.Accepted)?.Status ?? DisplayMessageStatusEnumType.Accepted;
                return TypedResults.Ok(new DisplayMessageSet(
                    id, status.ToWire(), [.. results.Select(r => new DisplayLanguageResult(r.Id, r.Language, r.Status.ToWire(), r.StatusInfo?.ReasonCode, r.StatusInfo?.AdditionalInfo))]));
            }, p => p, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<Page<DisplayMessageView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string stationId,
        [Description("AlwaysFront, InFront or NormalCycle; leave it out for all")] string? priority,
        [Description("Charging, Faulted, Idle or Unavailable; leave it out for all")] string? state,
        [Description(Paging.CursorHelp)] string? cursor,
        [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit,
        DisplayMessageQueries queries,
        CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        if (priority is not null && !MessagePriorityEnumTypeSchema.TryFromWire(priority, out _))
        {
            return ApiResults.Invalid("priority", "must be one of AlwaysFront, InFront, NormalCycle");
        }

        if (state is not null && !MessageStateEnumTypeSchema.TryFromWire(state, out _))
        {
            return ApiResults.Invalid("state", "must be one of Charging, Faulted, Idle, Unavailable");
        }

        if (await queries.ListAsync(stationId, priority, state, after, 0, take, ct).ConfigureAwait(false) is not { } found)
        {
            return ApiResults.StationNotFound(stationId);
        }

        return TypedResults.Ok(Paging.Of(found.Rows, take, found.Total, m => m, m => Paging.Key(m.Id)));
    }

    private static async Task<Results<Ok<DisplayReportView>, ValidationProblem, ProblemHttpResult>> ReportAsync(
        string stationId, DisplayReportRequest body, DisplayMessage block, ApiOptions options, CsmsDatabase database, TimeProvider time, CancellationToken ct)
    {
        if ((body.Priority is { } p && !Enum.IsDefined(p)) || (body.State is { } s && !Enum.IsDefined(s)))
        {
            return ApiResults.Invalid(body.Priority is { } q && !Enum.IsDefined(q) ? "priority" : "state", "is not one of the OCPP values");
        }

        if (body.Ids is { } ids && ids.Any(i => i < 0))
        {
            return ApiResults.Invalid("ids", "each is 0 or more");
        }

        if (body.RequestId is < 0)
        {
            return ApiResults.Invalid("requestId", "must be 0 or more");
        }

        var filter = new DisplayMessage.Filter(body.Ids, body.Priority, body.State);
        return await ApiResults.CallAsync<Results<Ok<DisplayReportView>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async t =>
            {
                var report = await block.GetAsync(stationId, filter, body.RequestId, t).ConfigureAwait(false);
                return TypedResults.Ok(new DisplayReportView(report.RequestId, report.Status.ToWire(), [.. report.Messages.Select(m => DisplayMessageQueries.View(m, null, DisplayMessage.FromReport, time.GetUtcNow()))]));
            }, p => p, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<DisplayClearView>, ValidationProblem, ProblemHttpResult>> ClearAsync(
        string stationId, int messageId, DisplayMessage block, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        if (messageId < 0)
        {
            return ApiResults.Invalid("messageId", "must be 0 or more");
        }

        return await ApiResults.CallAsync<Results<Ok<DisplayClearView>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async t =>
            {
                var results = await block.ClearGroupAsync(stationId, messageId, t).ConfigureAwait(false);
                return TypedResults.Ok(new DisplayClearView([.. results.Select(r => new DisplayClearResult(r.Id, r.Response.Status.ToWire()))]));
            }, p => p, ct).ConfigureAwait(false);
    }
}
