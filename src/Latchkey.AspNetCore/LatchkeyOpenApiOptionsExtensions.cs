using Latchkey.AspNetCore.OpenApi;

namespace Microsoft.AspNetCore.OpenApi;

/// <summary>Describes Latchkey's endpoints in an OpenAPI document made by Microsoft.AspNetCore.OpenApi.</summary>
public static class LatchkeyOpenApiOptionsExtensions
{
    /// <summary>
    /// Adds what Latchkey's endpoints cannot say through endpoint metadata alone: the security schemes (session cookie
    /// with its CSRF token, bearer JWT, HTTP Basic for clients) and each operation's requirements among them, its
    /// operation id, the query parameters of the OAuth endpoints, the refusals it shares with its kind, and a
    /// <c>default</c> error response (problem details on <c>/api</c>, RFC 6749 error objects on <c>/oauth</c>).
    /// </summary>
    /// <remarks>
    /// <c>builder.Services.AddOpenApi(o => o.AddLatchkeyTransformers())</c>, then <c>app.MapOpenApi()</c>. The
    /// transformers key on the metadata that <c>MapLatchkey</c> puts on its endpoints, so they follow Latchkey under
    /// any prefix and leave the host's own operations alone.
    /// </remarks>
    public static OpenApiOptions AddLatchkeyTransformers(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options
            .AddDocumentTransformer(new LatchkeySecuritySchemes())
            .AddOperationTransformer(new LatchkeyOperationTransformer())
            .AddSchemaTransformer(new LatchkeySchemaTransformer());
    }
}
