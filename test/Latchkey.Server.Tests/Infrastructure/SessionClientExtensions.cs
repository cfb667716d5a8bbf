using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>Small steps that the session tests repeat.</summary>
public static partial class SessionClientExtensions
{
    /// <summary>The session cookie's name over plain HTTP.</summary>
    public const string CookieName = "latchkey_session";

    /// <summary>The raw session id in the client's cookie.</summary>
    public static string CookieValue(this LatchkeyTestClient client)
    {
        var cookie = client.Cookie ?? throw new InvalidOperationException("The client holds no session cookie.");
        return cookie[(cookie.IndexOf('=', StringComparison.Ordinal) + 1)..];
    }

    /// <summary>A value shaped like a session id (43 base64url characters) that the server never issued.</summary>
    public static string ForgedSessionId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A value shaped like a CSRF token that belongs to no session.</summary>
    public static string ForgedCsrfToken() => ForgedSessionId();

    /// <summary>The status of <c>GET /api/me</c> with the client's cookie: 200 while its session lives.</summary>
    public static async Task<HttpStatusCode> MeStatusAsync(this LatchkeyTestClient client)
    {
        using var response = await client.GetAsync("api/me");
        return response.StatusCode;
    }

    /// <summary>The status of <c>GET /api/me</c> with exactly this cookie (<c>name=value</c>).</summary>
    public static async Task<HttpStatusCode> MeStatusWithCookieAsync(this LatchkeyTestServer server, string cookie)
    {
        using var client = server.CreateClient();
        client.Cookie = cookie;
        return await client.MeStatusAsync();
    }

    /// <summary>Another client logged in as the same account; <paramref name="userAgent"/> names it in listings.</summary>
    public static async Task<LatchkeyTestClient> LoginAsNewClientAsync(this LatchkeyTestServer server, string email, string? userAgent = null)
    {
        var client = server.CreateClient();
        if (userAgent is not null)
        {
            client.Http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        }

        using var response = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return client;
    }

    /// <summary>Sends an unsafe request with exactly the given <c>X-CSRF-Token</c> (none when null) and optional Origin.</summary>
    public static async Task<HttpResponseMessage> SendWithCsrfTokenAsync(
        this LatchkeyTestClient client, HttpMethod method, string path, string? csrfToken, object? json = null, string? origin = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        if (csrfToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-CSRF-Token", csrfToken);
        }

        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        return await client.SendAsync(request, csrf: false);
    }

    /// <summary>The public ids of the caller's sessions, from <c>GET /api/sessions</c>.</summary>
    public static async Task<string[]> SessionIdsAsync(this LatchkeyTestClient client)
    {
        using var response = await client.GetAsync("api/sessions");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await response.ReadJsonArrayAsync();
        return [.. list.Select(s => s!["id"]!.GetValue<string>())];
    }

    /// <summary>The public id of the client's own session, from <c>GET /api/session</c>.</summary>
    public static async Task<string> CurrentSessionIdAsync(this LatchkeyTestClient client)
    {
        using var response = await client.GetAsync("api/session");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonObjectAsync();
        return body["session"]!["id"]!.GetValue<string>();
    }

    /// <summary>Asserts that the response clears the session cookie: an empty value that expired in the past.</summary>
    public static void AssertClearsSessionCookie(HttpResponseMessage response, DateTimeOffset now)
    {
        var setCookie = LatchkeyTestClient.SessionSetCookie(response);
        Assert.NotNull(setCookie);
        Assert.StartsWith(CookieName + "=;", setCookie, StringComparison.Ordinal);
        var expires = ExpiresAttribute().Match(setCookie);
        Assert.True(expires.Success, $"No expiry in: {setCookie}");
        var when = DateTimeOffset.Parse(expires.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.True(when < now, $"The cookie expires at {when:O}, not before {now:O}.");
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("expires=([^;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ExpiresAttribute();
}
