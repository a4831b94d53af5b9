using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// The API's JSON options and its OpenAPI document (<c>/openapi/v1.json</c>), generated from the same options so that
/// the document says what the API does: request bodies refuse unknown fields, numbers in quotes and nulls in non-nullable fields, a
/// constructor parameter without a default is required, every operation under /api needs the API key.
/// </summary>
internal static class ApiDocument
{
    /// <summary>The name of the API-key security scheme in the document.</summary>
    public const string ApiKeyScheme = "ApiKey";

    public static IServiceCollection AddApiDocument(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict; // a number in quotes is a wrong-typed field
            o.SerializerOptions.RespectNullableAnnotations = true;
            o.SerializerOptions.RespectRequiredConstructorParameters = true;
        });
        services.AddOpenApi(o =>
        {
            // Health, metrics, the document itself and the reference page are not the operator API.
            o.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Ohm CSMS operator API";
                document.Info.Description = "Stations, id tokens, transactions and commands of the Ohm CSMS. Lists are pages of {items, total, next}: "
                    + $"pass next as cursor for the following page; limit is {Paging.DefaultLimit} by default and at most {Paging.MaxLimit}. "
                    + "Every error is an application/problem+json ProblemDetails whose detail names the field or the problem.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyFilter.Header,
                    Description = "The key configured as Api:Key. In development mode (Api:AllowLoopbackWithoutKey) loopback requests need none.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] });
                return Task.CompletedTask;
            });
        });
        return services;
    }
}
