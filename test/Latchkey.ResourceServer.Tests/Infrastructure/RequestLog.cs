using System.Collections.Concurrent;

namespace Latchkey.ResourceServer.Tests.Infrastructure;

/// <summary>
/// Counts the requests the resource server's key cache sends to Latchkey, by path. It sits in the cache's
/// named HttpClient, so it sees attempts that fail to connect too.
/// </summary>
public sealed class RequestLog
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Requests for the JWKS.</summary>
    public int Jwks => Count("/.well-known/jwks.json");

    /// <summary>Requests for the discovery document (each fetch of the keys starts with one).</summary>
    public int Metadata => Count("/.well-known/oauth-authorization-server");

    public int Count(string path) => _counts.GetValueOrDefault(path);

    public DelegatingHandler CreateHandler() => new CountingHandler(this);

    private sealed class CountingHandler(RequestLog log) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            log._counts.AddOrUpdate(request.RequestUri!.AbsolutePath, 1, (_, n) => n + 1);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
