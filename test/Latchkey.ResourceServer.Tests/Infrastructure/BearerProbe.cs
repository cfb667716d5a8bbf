using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Latchkey.ResourceServer.Tests.Infrastructure;

/// <summary>
/// A startup filter that answers <c>GET /_probe/bearer</c> by running one bearer scheme's authentication on the
/// request as it came in, and keeps every result, so that tests can see the handler's own verdict (no result,
/// success, failure) and compare result objects across requests.
/// </summary>
public sealed class BearerProbe(string scheme) : IStartupFilter
{
    public const string Path = "/_probe/bearer";

    private readonly ConcurrentQueue<AuthenticateResult> _results = new();

    /// <summary>Every result so far, in order.</summary>
    public IReadOnlyList<AuthenticateResult> Results => [.. _results];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Map(Path, probe => probe.Run(async context =>
        {
            var result = await context.AuthenticateAsync(scheme);
            _results.Enqueue(result);
            var outcome = result.Succeeded ? "success" : result.None ? "none" : "failure";
            await context.Response.WriteAsJsonAsync(new ProbeAnswer(
                outcome,
                result.Failure?.Message,
                result.Principal?.Claims.Select(c => new ProbeClaim(c.Type, c.Value, c.Issuer)).ToArray() ?? []));
        }));
        next(app);
    };

    public sealed record ProbeAnswer(string Outcome, string? Failure, ProbeClaim[] Claims);

    public sealed record ProbeClaim(string Type, string Value, string Issuer);
}
