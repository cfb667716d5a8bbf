using System.Net;
using Latchkey.Logout;

namespace Latchkey.AspNetCore.Logout;

/// <summary>
/// POSTs logout tokens as <c>application/x-www-form-urlencoded</c> <c>logout_token=…</c> (Back-Channel Logout 1.0 §2.5).
/// Redirects are not followed and no cookies are kept: the registered URI is the only place a token goes.
/// </summary>
internal sealed class HttpBackChannelLogoutSender : IBackChannelLogoutSender, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        // The delivery service bounds each attempt with its own timeout.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <inheritdoc />
    public async Task<bool> SendAsync(Uri uri, string logoutToken, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent([new("logout_token", logoutToken)]);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        request.Headers.CacheControl = new() { NoStore = true };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.PartialContent;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
