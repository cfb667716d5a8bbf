using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>Requests to the OAuth endpoints: form bodies, HTTP Basic client authentication, and the common grants.</summary>
public static class OAuth
{
    /// <summary>The client declared by <see cref="TokenServerFixture"/>.</summary>
    public const string ClientId = "svc";

    /// <summary>Its secret.</summary>
    public const string ClientSecret = "svc-secret-of-sixteen-plus";

    /// <summary>Its scopes.</summary>
    public const string ClientScopes = "read write";

    /// <summary>Adds <see cref="ClientId"/> to <paramref name="settings"/>.</summary>
    public static void AddClient(IDictionary<string, string> settings)
    {
        settings["Latchkey:Clients:0:ClientId"] = ClientId;
        settings["Latchkey:Clients:0:ClientSecret"] = ClientSecret;
        settings["Latchkey:Clients:0:Scopes"] = ClientScopes;

        // The password grant is allowed only to clients that list it (issue 13, point 7).
        settings["Latchkey:Clients:0:GrantTypes"] = "client_credentials password";
    }

    /// <summary>POSTs <paramref name="form"/> form-encoded (repeated names allowed), optionally with HTTP Basic credentials.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(
        this LatchkeyTestClient client, string path, IEnumerable<(string Name, string Value)> form, (string Id, string Secret)? basic = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))),
        };
        if (basic is { } credentials)
        {
            request.Headers.Authorization = BasicHeader(credentials.Id, credentials.Secret);
        }

        return await client.Http.SendAsync(request);
    }

    /// <summary>RFC 6749 §2.3.1 Basic credentials: each part form-urlencoded, joined by a colon, base64-encoded.</summary>
    public static AuthenticationHeaderValue BasicHeader(string id, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WebUtility.UrlEncode(id) + ":" + WebUtility.UrlEncode(secret))));

    /// <summary>The password grant as it is answered.</summary>
    public static Task<HttpResponseMessage> PasswordGrantAsync(this LatchkeyTestClient client, string username, string password = TestData.Password, string? scope = null)
    {
        var form = new List<(string, string)> { ("grant_type", "password"), ("username", username), ("password", password) };
        if (scope is not null)
        {
            form.Add(("scope", scope));
        }

        return client.PostFormAsync("oauth/token", form);
    }

    /// <summary>The refresh grant as it is answered.</summary>
    public static Task<HttpResponseMessage> RefreshAsync(this LatchkeyTestClient client, string refreshToken) =>
        client.PostFormAsync("oauth/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]);

    /// <summary>The client-credentials grant for <see cref="ClientId"/> by HTTP Basic.</summary>
    public static Task<HttpResponseMessage> ClientCredentialsAsync(this LatchkeyTestClient client, string? scope = null)
    {
        var form = new List<(string, string)> { ("grant_type", "client_credentials") };
        if (scope is not null)
        {
            form.Add(("scope", scope));
        }

        return client.PostFormAsync("oauth/token", form, (ClientId, ClientSecret));
    }

    /// <summary>Revokes <paramref name="token"/> without client authentication; fails the test unless it answers 200.</summary>
    public static async Task RevokeAsync(this LatchkeyTestClient client, string token)
    {
        using var response = await client.PostFormAsync("oauth/revoke", [("token", token)]);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Revoke answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Introspects <paramref name="token"/> as <see cref="ClientId"/>; fails the test unless it answers 200.</summary>
    public static async Task<JsonObject> IntrospectAsync(this LatchkeyTestClient client, string token)
    {
        using var response = await client.PostFormAsync("oauth/introspect", [("token", token)], (ClientId, ClientSecret));
        var body = await response.ReadJsonObjectAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Introspection answered {(int)response.StatusCode}: {body.ToJsonString()}");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return body;
    }

    /// <summary>Registers an account and runs the password grant; fails the test unless both succeed.</summary>
    public static async Task<TokenPair> SignUpWithTokensAsync(this LatchkeyTestClient client, string? email = null)
    {
        email ??= TestData.NewEmail();
        var id = (await client.RegisterAsync(email))["id"]!.GetValue<string>();
        var pair = await client.LoginWithTokensAsync(email);
        return pair with { UserId = id, Email = email };
    }

    /// <summary>Runs the password grant for an existing account; fails the test unless it answers 200.</summary>
    public static async Task<TokenPair> LoginWithTokensAsync(this LatchkeyTestClient client, string email, string password = TestData.Password)
    {
        using var response = await client.PasswordGrantAsync(email, password);
        return await TokenPair.ReadAsync(response) with { Email = email };
    }

    /// <summary>Refreshes; fails the test unless it answers 200.</summary>
    public static async Task<TokenPair> RefreshOkAsync(this LatchkeyTestClient client, TokenPair pair)
    {
        using var response = await client.RefreshAsync(pair.RefreshToken!);
        return await TokenPair.ReadAsync(response) with { UserId = pair.UserId, Email = pair.Email };
    }

    /// <summary><c>GET /api/me</c> with only the bearer token (no cookie).</summary>
    public static Task<HttpResponseMessage> MeAsync(this LatchkeyTestClient client, string accessToken) =>
        client.SendAsync(HttpMethod.Get, "api/me", csrf: false, bearer: accessToken, cookie: false);

    /// <summary>Whether <paramref name="accessToken"/> is accepted by <c>GET /api/me</c>; anything but 200 or a bearer 401 fails the test.</summary>
    public static async Task<bool> IsAcceptedAsync(this LatchkeyTestClient client, string accessToken)
    {
        using var response = await client.MeAsync(accessToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return true;
        }

        await OAuthAssert.IsInvalidTokenAsync(response);
        return false;
    }
}

/// <summary>A token response: what the tests use of it, and the raw body.</summary>
public sealed record TokenPair(string AccessToken, string? RefreshToken, JsonObject Body)
{
    public string? UserId { get; init; }

    public string? Email { get; init; }

    /// <summary>Reads a 200 token response; fails the test otherwise.</summary>
    public static async Task<TokenPair> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected a token response, got {(int)response.StatusCode}: {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        return new TokenPair(body["access_token"]!.GetValue<string>(), body["refresh_token"]?.GetValue<string>(), body);
    }
}

/// <summary>Assertions on OAuth error answers and bearer refusals.</summary>
public static class OAuthAssert
{
    /// <summary>Asserts an RFC 6749 §5.2 error: the status, JSON with <c>error</c>, never cached.</summary>
    public static async Task<JsonObject> IsErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {error}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(error, body["error"]?.GetValue<string>());
        return body;
    }

    /// <summary>Asserts the RFC 6750 refusal of a presented bearer token: 401, <c>WWW-Authenticate: Bearer error="invalid_token"</c>.</summary>
    public static async Task IsInvalidTokenAsync(HttpResponseMessage response)
    {
        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal("error=\"invalid_token\"", challenge.Parameter);
    }

    /// <summary>Asserts a 200 token response that must not be cached.</summary>
    public static void IsNotCached(HttpResponseMessage response) =>
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
}

/// <summary>Reads a compact JWS without verifying it.</summary>
public static class Jwt
{
    /// <summary>The header and payload of <paramref name="token"/>.</summary>
    public static (JsonObject Header, JsonObject Payload) Decode(string token)
    {
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        return (Part(parts[0]), Part(parts[1]));
    }

    /// <summary>The payload of <paramref name="token"/>.</summary>
    public static JsonObject Payload(string token) => Decode(token).Payload;

    private static JsonObject Part(string segment) =>
        JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(segment))!.AsObject();
}
