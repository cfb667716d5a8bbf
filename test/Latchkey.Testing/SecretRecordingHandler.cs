namespace Latchkey.Testing;

/// <summary>
/// Tells a <see cref="SecretWatch"/> every secret a client sends or receives: credentials in request
/// headers and bodies, session cookies set by the server, and tokens in JSON answers.
/// </summary>
public sealed class SecretRecordingHandler(SecretWatch secrets, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        secrets.AddAuthorization(request.Headers.Authorization?.ToString());
        if (request.Headers.TryGetValues("Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                secrets.AddCookies(cookie);
            }
        }

        // Bodies already in memory only: reading any other content would buffer it and change how it is sent.
        if (request.Content is ByteArrayContent content)
        {
            secrets.AddBody(content.Headers.ContentType?.MediaType, await content.ReadAsStringAsync(cancellationToken));
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                secrets.AddCookies(setCookie);
            }
        }

        // Only bounded JSON answers are read here; a stream (the revocation feed) stays untouched.
        if (response.Content.Headers.ContentType?.MediaType is { } mediaType && mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            secrets.AddBody(mediaType, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        return response;
    }
}
