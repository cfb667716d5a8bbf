using Latchkey.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Latchkey.AspNetCore.Routing;

/// <summary>
/// The last route of a Latchkey group: answers what the group does not map, 405 with <c>Allow</c> when
/// another method of the same path is mapped and 404 otherwise. ASP.NET Core's own 404 and 405 carry no
/// endpoint metadata; this route carries the group's, so the unknown paths and wrong methods under the
/// group keep the origin check, <c>no-store</c> and problem details wherever the group is mapped.
/// </summary>
internal sealed class GroupFallback
{
    private readonly LatchkeyEndpointMetadata _marker;
    private (TemplateMatcher Matcher, IReadOnlyList<string> Methods)[]? _routes;

    private GroupFallback(LatchkeyEndpointMetadata marker) => _marker = marker;

    public static void Map(RouteGroupBuilder group, LatchkeyEndpointMetadata marker)
    {
        var fallback = new GroupFallback(marker);

        // Any method, and ordered after every other route, so it only runs when nothing else matched.
        group.Map("/{**path}", fallback.AnswerAsync)
            .WithOrder(int.MaxValue)
            .WithDisplayName("Latchkey fallback")
            .WithMetadata(fallback)
            .AllowAnonymous()
            .ExcludeFromDescription();
    }

    private Task AnswerAsync(HttpContext context)
    {
        var routes = _routes ??= Routes(context.RequestServices.GetService(typeof(EndpointDataSource)) as EndpointDataSource);
        var allowed = new List<string>();
        foreach (var (matcher, methods) in routes)
        {
            if (matcher.TryMatch(context.Request.Path, new RouteValueDictionary()))
            {
                allowed.AddRange(methods.Where(m => !allowed.Contains(m, StringComparer.OrdinalIgnoreCase)));
            }
        }

        if (allowed.Count == 0)
        {
            return LatchkeyProblems.Write(context, LatchkeyErrors.NotFound);
        }

        context.Response.Headers.Allow = string.Join(", ", allowed);
        return LatchkeyProblems.Write(context, LatchkeyErrors.MethodNotAllowed);
    }

    // The group's own routes, found by their marker; built on the first miss, when mapping is long done.
    private (TemplateMatcher, IReadOnlyList<string>)[] Routes(EndpointDataSource? endpoints) =>
        endpoints is null
            ? []
            : [.. endpoints.Endpoints.OfType<RouteEndpoint>()
                .Where(e => ReferenceEquals(e.Metadata.GetMetadata<LatchkeyEndpointMetadata>(), _marker) && e.Metadata.GetMetadata<GroupFallback>() is null)
                .Select(e => (e, Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods))
                .Where(r => r.Methods is { Count: > 0 })
                .Select(r => (new TemplateMatcher(new RouteTemplate(r.e.RoutePattern), new RouteValueDictionary()), r.Methods!))];
}
