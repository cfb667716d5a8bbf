using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Latchkey.Server;

/// <summary>
/// Makes the server's OpenAPI document the same bytes on every node and every run, so that docs/openapi.json can be
/// compared with it: a fixed title and version, no <c>servers</c> (the generator would name the address that served the
/// request; without it, paths resolve against wherever the document was fetched), and paths, tags and schemas in
/// ordinal order rather than in mapping order.
/// </summary>
internal sealed class OpenApiDocumentShape : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Latchkey",
            Version = "v1",
            Description = "The HTTP API of the Latchkey authentication server. Errors on `/api` are RFC 9457 problems with a stable `code` "
                + "(docs/errors.md); errors on `/oauth` are RFC 6749 §5.2 error objects.",
        };
        document.Servers = null;

        var paths = new OpenApiPaths();
        foreach (var (path, item) in document.Paths.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            paths.Add(path, item);
        }

        document.Paths = paths;
        if (document.Tags is { } tags)
        {
            document.Tags = new SortedSet<OpenApiTag>(tags, Comparer<OpenApiTag>.Create((a, b) => string.CompareOrdinal(a.Name, b.Name)));
        }

        if (document.Components?.Schemas is { } schemas)
        {
            document.Components.Schemas = new SortedDictionary<string, IOpenApiSchema>(schemas, StringComparer.Ordinal);
        }

        return Task.CompletedTask;
    }
}
