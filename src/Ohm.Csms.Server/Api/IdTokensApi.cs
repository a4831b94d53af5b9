using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Queries;

namespace Ohm.Csms.Server.Api;

/// <summary>The id-token store (block C): create, read, update, delete, through <see cref="IdTokenStore"/>.</summary>
internal static class IdTokensApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/id-tokens").WithTags("Id tokens");
        tokens.MapGet("/", ListAsync).WithName("listIdTokens").WithSummary("Id tokens in the order they were added");
        tokens.MapGet("/{id:long}", GetAsync).WithName("getIdToken").WithSummary("One id token").ProducesProblem(StatusCodes.Status404NotFound);
        tokens.MapPost("/", CreateAsync).WithName("createIdToken")
            .WithSummary("Add an id token").WithDescription("409 when a token with the same idToken and type is in the store.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        tokens.MapPut("/{id:long}", UpdateAsync).WithName("updateIdToken")
            .WithSummary("Change an id token; what the body leaves out stays as it is")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        tokens.MapDelete("/{id:long}", DeleteAsync).WithName("deleteIdToken").WithSummary("Remove an id token").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<Page<IdTokenView>>, ValidationProblem>> ListAsync(
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, IdTokenStore store, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        var page = await store.ListAsync(take, after, ct).ConfigureAwait(false);
        return TypedResults.Ok(new Page<IdTokenView>(page.Items, page.Total, page.NextAfterId is { } next ? Paging.Cursor(Paging.Key(next)) : null));
    }

    private static async Task<Results<Ok<IdTokenView>, ProblemHttpResult>> GetAsync(long id, IdTokenStore store, CancellationToken ct)
    {
        var token = await store.GetAsync(id, ct).ConfigureAwait(false);
        return token is null ? ApiResults.NotFound($"No id token {id}.") : TypedResults.Ok(token);
    }

    private static async Task<Results<Created<IdTokenView>, ValidationProblem, ProblemHttpResult>> CreateAsync(IdTokenCreation creation, IdTokenStore store, CancellationToken ct)
    {
        var result = await store.CreateAsync(creation, ct).ConfigureAwait(false);
        return result.Error switch
        {
            IdTokenStoreError.None => TypedResults.Created($"/api/id-tokens/{result.Token!.Id}", result.Token),
            IdTokenStoreError.Conflict => ApiResults.Conflict("The id token exists", result.Message!),
            _ => ApiResults.Invalid(result.Field!, result.Message!),
        };
    }

    private static async Task<Results<Ok<IdTokenView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(long id, IdTokenBody body, IdTokenStore store, CancellationToken ct)
    {
        var result = await store.UpdateAsync(id, body, ct).ConfigureAwait(false);
        return result.Error switch
        {
            IdTokenStoreError.None => TypedResults.Ok(result.Token!),
            IdTokenStoreError.NotFound => ApiResults.NotFound(result.Message!),
            _ => ApiResults.Invalid(result.Field!, result.Message!),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, IdTokenStore store, CancellationToken ct) =>
        await store.DeleteAsync(id, ct).ConfigureAwait(false) ? TypedResults.NoContent() : ApiResults.NotFound($"No id token {id}.");
}
