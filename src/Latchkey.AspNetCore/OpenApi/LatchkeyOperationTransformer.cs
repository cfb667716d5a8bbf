using System.Globalization;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.Routing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace Latchkey.AspNetCore.OpenApi;

/// <summary>
/// Completes the operations of Latchkey's endpoints from their metadata where the generator cannot: the operation id,
/// the security requirements, the bodies and query parameters that the endpoints read by hand, the refusals every endpoint
/// of a kind shares (authentication, CSRF token, origin, JSON body), and a <c>default</c> response in the shape of
/// the endpoint's errors. Operations of the host's own endpoints are left as they are.
/// </summary>
internal sealed class LatchkeyOperationTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var metadata = new EndpointMetadataCollection(context.Description.ActionDescriptor.EndpointMetadata);
        if (metadata.GetMetadata<LatchkeyEndpointMetadata>() is not { } marker || context.Document is not { } document)
        {
            return;
        }

        var method = context.Description.HttpMethod ?? HttpMethods.Get;
        if (metadata.GetMetadata<OperationIdMetadata>() is { } id)
        {
            // One endpoint that takes GET and POST is two operations, which need two ids.
            var methods = metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            operation.OperationId = methods is { Count: > 1 } ? id.OperationId + char.ToUpperInvariant(method[0]) + method[1..].ToLowerInvariant() : id.OperationId;
        }

        var body = metadata.GetMetadata<RequestBodyMetadata>();
        if (body is not null && HttpMethods.IsGet(method))
        {
            operation.Parameters = await QueryParametersAsync(body.BodyType, context, cancellationToken);
        }
        else if (body is not null)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    [body.ContentType] = new() { Schema = await SchemaReferenceAsync(body.BodyType, context, cancellationToken) },
                },
            };
        }

        var credentials = CredentialsOf(metadata);
        var unsafeMethod = !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));
        var csrf = unsafeMethod && metadata.GetMetadata<CsrfTokenRequired>() is not null;
        operation.Security = SecurityRequirements(credentials, csrf, document);

        DescribeResponses(operation, metadata);
        var (errorType, errorContentType) = marker.OAuthErrors ? (typeof(OAuthError), "application/json") : (typeof(LatchkeyProblem), LatchkeyProblems.ContentType);
        var errorSchema = await SchemaReferenceAsync(errorType, context, cancellationToken);
        var refusals = new Refusals(operation, errorSchema, errorContentType);
        if (!marker.OAuthErrors)
        {
            if ((credentials & EndpointCredentials.Optional) == 0 && (credentials & (EndpointCredentials.Session | EndpointCredentials.Bearer)) != 0)
            {
                refusals.Add(LatchkeyErrors.Unauthenticated);
                if ((credentials & EndpointCredentials.Bearer) != 0)
                {
                    refusals.Add(LatchkeyErrors.InvalidToken);
                }
            }

            if (csrf)
            {
                refusals.Add(LatchkeyErrors.CsrfTokenInvalid);
            }

            if (marker.CheckOrigin && unsafeMethod)
            {
                refusals.Add(LatchkeyErrors.OriginNotAllowed);
            }

            if (metadata.GetMetadata<RecentAuthenticationRequired>() is not null)
            {
                refusals.Add(LatchkeyErrors.ReauthenticationRequired);
            }

            if (body is { ContentType: "application/json" })
            {
                refusals.Add(LatchkeyErrors.MalformedJson);
                refusals.Add(LatchkeyErrors.PayloadTooLarge);
                refusals.Add(LatchkeyErrors.UnsupportedMediaType);
            }
        }

        refusals.AddDefault(marker.OAuthErrors
            ? "Any other error, as an RFC 6749 §5.2 error object (docs/errors.md#oauth-endpoint-errors)."
            : "Any other error, as an RFC 9457 problem with a stable `code` (docs/errors.md).");
        operation.Responses = Sorted(operation.Responses!);
    }

    // The generator names a declared response by its status alone; the declaration says what it means.
    private static void DescribeResponses(OpenApiOperation operation, EndpointMetadataCollection metadata)
    {
        foreach (var declared in metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>())
        {
            var status = declared.StatusCode.ToString(CultureInfo.InvariantCulture);
            if (declared.Description is { } description && operation.Responses?.GetValueOrDefault(status) is OpenApiResponse response)
            {
                response.Description = description;
            }
        }
    }

    // Statuses in order, then default: the order of the metadata is the order of the calls that declared it.
    private static OpenApiResponses Sorted(OpenApiResponses responses)
    {
        var sorted = new OpenApiResponses();
        foreach (var (status, response) in responses.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            sorted.Add(status, response);
        }

        return sorted;
    }

    private static EndpointCredentials CredentialsOf(EndpointMetadataCollection metadata)
    {
        if (metadata.GetMetadata<CredentialsMetadata>() is { } declared)
        {
            return declared.Credentials;
        }

        // Without a declaration, the authorization decides: Latchkey's default scheme takes a session or a bearer token.
        var authorized = metadata.GetMetadata<IAuthorizeData>() is not null && metadata.GetMetadata<IAllowAnonymous>() is null;
        return authorized ? EndpointCredentials.Session | EndpointCredentials.Bearer : EndpointCredentials.None;
    }

    // Alternatives, as OpenAPI lists them: the session (with its CSRF token where checked), a bearer token, the client,
    // or nothing when the credentials are optional.
    private static List<OpenApiSecurityRequirement>? SecurityRequirements(EndpointCredentials credentials, bool csrf, OpenApiDocument document)
    {
        if (credentials == EndpointCredentials.None)
        {
            return null;
        }

        var requirements = new List<OpenApiSecurityRequirement>();
        if ((credentials & EndpointCredentials.Session) != 0)
        {
            var session = Requirement(document, LatchkeySecuritySchemes.Session);
            if (csrf)
            {
                session[new OpenApiSecuritySchemeReference(LatchkeySecuritySchemes.CsrfToken, document)] = [];
            }

            requirements.Add(session);
        }

        if ((credentials & EndpointCredentials.Bearer) != 0)
        {
            requirements.Add(Requirement(document, LatchkeySecuritySchemes.Bearer));
        }

        if ((credentials & EndpointCredentials.Client) != 0)
        {
            requirements.Add(Requirement(document, LatchkeySecuritySchemes.Client));
        }

        if ((credentials & EndpointCredentials.Optional) != 0)
        {
            requirements.Add([]);
        }

        return requirements;
    }

    private static OpenApiSecurityRequirement Requirement(OpenApiDocument document, string scheme) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };

    // The members of the parameters type, each a query parameter with its own schema.
    private static async Task<List<IOpenApiParameter>> QueryParametersAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
        var parameters = new List<IOpenApiParameter>();
        foreach (var (name, member) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Required = schema.Required?.Contains(name) == true,
                Description = member.Description,
                Schema = member,
            });
        }

        return parameters;
    }

    // The error shape as a component, so that every operation refers to the one schema.
    private static async Task<IOpenApiSchema> SchemaReferenceAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        var id = type.Name;
        if (document.Components?.Schemas?.ContainsKey(id) != true)
        {
            document.AddComponent(id, (IOpenApiSchema)await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
        }

        return new OpenApiSchemaReference(id, document);
    }

    /// <summary>Adds error codes to an operation's responses, one response per status, merged with those it declared.</summary>
    private sealed class Refusals(OpenApiOperation operation, IOpenApiSchema schema, string contentType)
    {
        private OpenApiResponses Responses => operation.Responses ??= [];

        public void Add(string code)
        {
            var status = LatchkeyProblems.StatusOf(code).ToString(CultureInfo.InvariantCulture);
            var line = $"`{code}`: {LatchkeyProblems.TitleOf(code)}";
            if (Responses.TryGetValue(status, out var existing) && existing is OpenApiResponse response)
            {
                if (response.Description?.Contains($"`{code}`", StringComparison.Ordinal) != true)
                {
                    response.Description = string.IsNullOrEmpty(response.Description) ? line : response.Description + " " + line;
                }

                return;
            }

            Responses[status] = Response(line);
        }

        public void AddDefault(string description) => Responses["default"] = Response(description);

        private OpenApiResponse Response(string description) => new()
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { [contentType] = new() { Schema = schema } },
        };
    }
}
