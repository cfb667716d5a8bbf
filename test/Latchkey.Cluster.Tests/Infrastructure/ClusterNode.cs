using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Latchkey.Testing;

namespace Latchkey.Cluster.Tests.Infrastructure;

/// <summary>
/// One server process of a <see cref="LatchkeyCluster"/> and an HTTP client for it. Credentials are
/// passed per request, so that a cookie or token obtained on one node can be presented to any other.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly ServerProcess _process;
    private readonly HttpClient _http;

    internal ClusterNode(string name, ServerProcess process)
    {
        Name = name;
        _process = process;
        _http = new HttpClient(new SecretRecordingHandler(process.Secrets, new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }))
        {
            BaseAddress = process.BaseAddress,
            Timeout = TimeSpan.FromSeconds(15),
        };
    }

    /// <summary>A, B, C…</summary>
    public string Name { get; }

    /// <summary>Where the node listens.</summary>
    public Uri BaseAddress => _process.BaseAddress;

    /// <summary>Whether the process is gone.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last part of what the process wrote, for failure messages.</summary>
    public string OutputTail(int characters = 4000)
    {
        var output = _process.Output;
        return output.Length <= characters ? output : output[^characters..];
    }

    /// <summary>Kills the process without warning.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>
    /// Sends a request with the given credentials (a session's cookie and, for unsafe methods, its CSRF
    /// token; or a bearer token), and any other <paramref name="cookie"/> (such as the device cookie).
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, BrowserSession? session = null, string? bearer = null, object? json = null, string? userAgent = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        if (session is not null)
        {
            request.Headers.Add("Cookie", session.Cookie);
            if (method != HttpMethod.Get)
            {
                request.Headers.Add("X-CSRF-Token", session.CsrfToken);
            }
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        return await _http.SendAsync(request);
    }

    /// <summary>POSTs a form to an OAuth endpoint.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, params (string Name, string Value)[] form)
    {
        using var content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));
        return await _http.PostAsync(path, content);
    }

    /// <summary>Creates an account; fails unless it answers 201. Returns its id.</summary>
    public async Task<string> RegisterAsync(string email, string password = TestData.Password)
    {
        using var response = await SendAsync(HttpMethod.Post, "api/accounts", json: new { email, password });
        var body = await ExpectAsync(response, HttpStatusCode.Created, "registration");
        return body["id"]!.GetValue<string>();
    }

    /// <summary>Logs in; fails unless it answers 200.</summary>
    public async Task<BrowserSession> LoginAsync(string email, string password = TestData.Password, string? userAgent = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "api/session", json: new { email, password }, userAgent: userAgent);
        var body = await ExpectAsync(response, HttpStatusCode.OK, "login");
        var setCookie = LatchkeyTestClient.SessionSetCookie(response) ?? throw new InvalidOperationException("The login set no session cookie.");
        return new BrowserSession(setCookie.Split(';')[0], body["csrfToken"]!.GetValue<string>(), body["user"]!["id"]!.GetValue<string>(), email);
    }

    /// <summary>Registers an account and logs it in.</summary>
    public async Task<BrowserSession> SignUpAndLoginAsync(string? email = null)
    {
        email ??= TestData.NewEmail();
        await RegisterAsync(email);
        return await LoginAsync(email);
    }

    /// <summary>The status of <c>GET /api/me</c> with the session's cookie.</summary>
    public async Task<HttpStatusCode> MeStatusAsync(BrowserSession session)
    {
        using var response = await SendAsync(HttpMethod.Get, "api/me", session);
        return response.StatusCode;
    }

    /// <summary>The status of <c>GET /api/me</c> with a bearer token.</summary>
    public async Task<HttpStatusCode> MeStatusAsync(string accessToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "api/me", bearer: accessToken);
        return response.StatusCode;
    }

    /// <summary>The password grant; fails unless it answers 200.</summary>
    public async Task<TokenPair> PasswordGrantAsync(string email, string password = TestData.Password)
    {
        using var response = await PostFormAsync("oauth/token", ("grant_type", "password"), ("username", email), ("password", password));
        return TokenPair.From(await ExpectAsync(response, HttpStatusCode.OK, "password grant"));
    }

    /// <summary>The refresh grant, as answered.</summary>
    public Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        PostFormAsync("oauth/token", ("grant_type", "refresh_token"), ("refresh_token", refreshToken));

    /// <summary>The refresh grant; fails unless it answers 200.</summary>
    public async Task<TokenPair> RefreshOkAsync(string refreshToken)
    {
        using var response = await RefreshAsync(refreshToken);
        return TokenPair.From(await ExpectAsync(response, HttpStatusCode.OK, "refresh"));
    }

    /// <summary>RFC 7009 revocation; fails unless it answers 200.</summary>
    public async Task RevokeTokenAsync(string token)
    {
        using var response = await PostFormAsync("oauth/revoke", ("token", token));
        await ExpectAsync(response, HttpStatusCode.OK, "token revocation", json: false);
    }

    /// <summary>The JWKS document as the node serves it.</summary>
    public async Task<string> JwksAsync()
    {
        using var response = await _http.GetAsync(".well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The status of <c>/readyz</c>.</summary>
    public async Task<HttpStatusCode> ReadyStatusAsync()
    {
        using var response = await _http.GetAsync("readyz");
        return response.StatusCode;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
    }

    private async Task<JsonObject> ExpectAsync(HttpResponseMessage response, HttpStatusCode status, string what, bool json = true)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what} on node {Name} answered {(int)response.StatusCode}: {text}");
        return json ? JsonNode.Parse(text)!.AsObject() : [];
    }
}
