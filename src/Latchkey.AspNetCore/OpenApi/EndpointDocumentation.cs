using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.OpenApi;

/// <summary>
/// What an endpoint says about itself for the OpenAPI document, beyond the framework's own metadata: its operation id,
/// its credentials, the body or parameters it reads by hand, and the error codes it answers. All of it is endpoint metadata,
/// read when the document is generated and never on a request.
/// </summary>
internal static class EndpointDocumentation
{
    public const string FormContentType = "application/x-www-form-urlencoded";

    /// <summary>The operation id (unique in the document) and the one-line summary.</summary>
    public static TBuilder Documented<TBuilder>(this TBuilder builder, string operationId, string summary, string? description = null)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new OperationIdMetadata(operationId)).WithSummary(summary);
        return description is null ? builder : builder.WithDescription(description);
    }

    /// <summary>The credentials the endpoint takes, when they are not what its authorization says.</summary>
    public static TBuilder Credentials<TBuilder>(this TBuilder builder, EndpointCredentials credentials)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new CredentialsMetadata(credentials));

    // Request bodies are Latchkey's own metadata, not the framework's Accepts: routing reads IAcceptsMetadata on every
    // request and would answer a request with another content type 415 before the endpoint, which answers it in its own
    // words (a problem on /api, invalid_request on /oauth).

    /// <summary>A JSON request body of <typeparamref name="TBody"/>.</summary>
    public static RouteHandlerBuilder AcceptsJson<TBody>(this RouteHandlerBuilder builder) where TBody : notnull =>
        builder.WithMetadata(new RequestBodyMetadata(typeof(TBody), "application/json"));

    /// <summary>
    /// The OAuth parameters of <typeparamref name="TParameters"/>: a form body on POST and, when the endpoint also takes
    /// GET, the query of a GET.
    /// </summary>
    public static RouteHandlerBuilder AcceptsOAuthParameters<TParameters>(this RouteHandlerBuilder builder) where TParameters : notnull =>
        builder.WithMetadata(new RequestBodyMetadata(typeof(TParameters), FormContentType));

    /// <summary>The query parameters of a GET that reads them by hand: the members of <typeparamref name="TQuery"/>.</summary>
    public static RouteHandlerBuilder AcceptsQuery<TQuery>(this RouteHandlerBuilder builder) where TQuery : notnull =>
        builder.WithMetadata(new RequestBodyMetadata(typeof(TQuery), FormContentType));

    /// <summary>The problem codes the endpoint answers (other than the ones any endpoint may), one response per status.</summary>
    public static RouteHandlerBuilder Refuses(this RouteHandlerBuilder builder, params string[] codes) => builder.Refuses<LatchkeyProblem>(codes);

    /// <summary>As <see cref="Refuses(RouteHandlerBuilder, string[])"/>, with a problem shape that has more members.</summary>
    public static RouteHandlerBuilder Refuses<TProblem>(this RouteHandlerBuilder builder, params string[] codes) where TProblem : LatchkeyProblem
    {
        foreach (var status in codes.GroupBy(LatchkeyProblems.StatusOf))
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status.Key, typeof(TProblem), [LatchkeyProblems.ContentType])
            {
                Description = string.Join(" ", status.Select(code => $"`{code}`: {LatchkeyProblems.TitleOf(code)}")),
            });
        }

        return builder;
    }

    /// <summary>The RFC 6749 §5.2 errors the endpoint answers (other than the ones any OAuth endpoint may), one response per status.</summary>
    public static RouteHandlerBuilder RefusesOAuth(this RouteHandlerBuilder builder, params string[] errors)
    {
        foreach (var status in errors.GroupBy(OAuthResponses.StatusFor))
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status.Key, typeof(OAuthError), ["application/json"])
            {
                Description = string.Join(", ", status.Select(error => $"`{error}`")),
            });
        }

        return builder;
    }

    /// <summary>An RFC 6749 §5.2 error response of <paramref name="status"/>, described in words.</summary>
    public static RouteHandlerBuilder RefusesOAuth(this RouteHandlerBuilder builder, int status, string description) =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(OAuthError), ["application/json"]) { Description = description });

    /// <summary>A response without a body, or with one that is no JSON (a redirect, an HTML page), described in words.</summary>
    public static RouteHandlerBuilder Answers(this RouteHandlerBuilder builder, int status, string description, string? contentType = null) =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, contentType is null ? typeof(void) : typeof(string), contentType is null ? null : [contentType])
        {
            Description = description,
        });
}

/// <summary>The operation id an endpoint asked for; not an endpoint name, which a host mapping Latchkey twice would duplicate.</summary>
internal sealed record OperationIdMetadata(string OperationId);

/// <summary>The credentials an endpoint takes (<see cref="EndpointDocumentation.Credentials"/>).</summary>
internal sealed record CredentialsMetadata(EndpointCredentials Credentials);

/// <summary>The request body an endpoint reads by hand: its shape and media type; on a GET, its members are the query.</summary>
internal sealed record RequestBodyMetadata(Type BodyType, string ContentType);
