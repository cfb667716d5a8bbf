using System.Net;
using System.Net.Sockets;
using System.Text;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Server.Tests.Tokens;
using Latchkey.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Tests.Security;

/// <summary>
/// Unauthenticated requests cannot make the server do unbounded work: the host sets Kestrel's limits,
/// oversized credentials are refused before any parsing, and nothing here answers 5xx.
/// </summary>
public sealed class BoundedResourceTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public void Host_SetsKestrelLimitsExplicitly()
    {
        var limits = _server.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(64 * 1024, limits.MaxRequestBodySize);
        Assert.Equal(32 * 1024, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(8 * 1024, limits.MaxRequestLineSize);
    }

    [Theory]
    [InlineData("api/accounts", "application/json")]
    [InlineData("api/session", "application/json")]
    [InlineData("oauth/token", "application/x-www-form-urlencoded")]
    [InlineData("oauth/revoke", "application/x-www-form-urlencoded")]
    public async Task Post_ChunkedBodyBeyondKestrelLimit_IsRefusedWith4xxNot5xx(string path, string contentType)
    {
        using var client = _server.CreateClient();
        using var content = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes("token=" + new string('a', 100 * 1024))));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.Http.SendAsync(request);

        var status = (int)response.StatusCode;
        Assert.True(status is 400 or 413, $"{path}: {status} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Request_WithHeadersBeyondLimit_Returns431BeforeLatchkeyRuns()
    {
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.Add("X-Padding", new string('a', 40 * 1024));

        using var response = await client.Http.SendAsync(request);

        // Kestrel answers this itself, with an empty body (docs/errors.md says so).
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Request_WithRequestLineBeyondLimit_Returns414BeforeLatchkeyRuns()
    {
        using var client = _server.CreateClient();

        using var response = await client.Http.GetAsync("api/me?" + new string('a', 9 * 1024));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }

    [Fact]
    public async Task Me_WithBearerTokenOverMaxTokenLength_Returns401InvalidToken()
    {
        using var client = _server.CreateClient();
        var (_, token) = await client.SignUpForTokenAsync();

        // A genuine token padded past the 4096-character default: refused for its size, unread.
        using var response = await client.Http.GetWithBearerAsync("api/me", token + new string('A', 4097 - token.Length));

        await OAuthAssert.IsInvalidTokenAsync(response);
    }

    [Fact]
    public async Task Me_WithSessionCookieOverFourKilobytes_IsTreatedAsNoSession()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var cookie = client.CookieValue();

        var status = await _server.MeStatusWithCookieAsync($"{SessionClientExtensions.CookieName}={cookie}{new string('A', 5 * 1024)}");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task Login_ManyConnectionsSendingHeadersSlowly_DoNotStopOthers()
    {
        // Slow clients hold a connection each, not a thread or a hashing slot; a normal login still answers.
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 50; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(_server.BaseAddress.Host, _server.BaseAddress.Port);
                await socket.SendAsync(Encoding.ASCII.GetBytes("POST /api/session HTTP/1.1\r\nHost: x\r\n"));
                sockets.Add(socket);
            }

            using var client = _server.CreateClient();
            var email = TestData.NewEmail();
            await client.RegisterAsync(email);
            using var login = await client.LoginAsync(email);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
