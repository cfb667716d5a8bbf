using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// Every answer that carries a credential or a CSRF token, or could (the errors of the same endpoints),
/// is never cached: <c>Cache-Control: no-store</c> and <c>Pragma: no-cache</c> (RFC 6749 §5.1 for the
/// token endpoint). Over HTTPS every answer has HSTS and the session cookie is <c>__Host-</c>-prefixed,
/// Secure, HttpOnly, <c>Path=/</c>, SameSite=Lax; over plain HTTP there is no HSTS (RFC 6797 §7.2).
/// </summary>
public sealed class CredentialResponseHeaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CredentialEndpoints_AllAnswers_AreNoStoreAndHstsOnlyOverHttps(bool https)
    {
        var options = new TestServerOptions { Https = https };
        OAuth.AddClient(options.Settings);
        await using var server = await LatchkeyTestServer.StartAsync(options);
        var answers = await SweepAsync(server);

        Assert.True(answers.Count > 30, $"Only {answers.Count} answers were swept.");
        foreach (var (name, response) in answers)
        {
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{name} ({(int)response.StatusCode}) has Cache-Control '{response.Headers.CacheControl}'.");
            Assert.True(response.Headers.Pragma.ToString() == "no-cache", $"{name} ({(int)response.StatusCode}) has Pragma '{response.Headers.Pragma}'.");
            var hsts = response.Headers.TryGetValues("Strict-Transport-Security", out var values) ? string.Join(",", values) : null;
            if (https)
            {
                Assert.True(hsts == "max-age=31536000", $"{name} over HTTPS has Strict-Transport-Security '{hsts}'.");
            }
            else
            {
                Assert.True(hsts is null, $"{name} over plain HTTP has Strict-Transport-Security '{hsts}'.");
            }

            response.Dispose();
        }

        using var discovery = await server.CreateClient().GetAsync(".well-known/openid-configuration");
        Assert.Equal(https, discovery.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData(false, "latchkey_session")]
    [InlineData(true, "__Host-latchkey_session")]
    public async Task SessionCookie_SetAndCleared_HasTheDocumentedAttributes(bool https, string name)
    {
        await using var server = await LatchkeyTestServer.StartAsync(new TestServerOptions { Https = https });
        using var client = server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var login = await client.LoginAsync(email);
        using var logout = await client.DeleteAsync("api/session");

        foreach (var response in (HttpResponseMessage[])[login, logout])
        {
            var setCookie = LatchkeyTestClient.SessionSetCookie(response);
            Assert.NotNull(setCookie);
            var attributes = setCookie.Split(';', StringSplitOptions.TrimEntries);
            Assert.StartsWith(name + "=", attributes[0], StringComparison.Ordinal);
            Assert.Contains("httponly", attributes, StringComparer.OrdinalIgnoreCase);
            Assert.Contains("path=/", attributes, StringComparer.OrdinalIgnoreCase);
            Assert.Contains("samesite=lax", attributes, StringComparer.OrdinalIgnoreCase);
            Assert.Equal(https, attributes.Contains("secure", StringComparer.OrdinalIgnoreCase));
            Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.OrdinalIgnoreCase));
        }
    }

    // Every credential endpoint, in its success and its error answers.
    private static async Task<List<(string Name, HttpResponseMessage Response)>> SweepAsync(LatchkeyTestServer server)
    {
        var answers = new List<(string, HttpResponseMessage)>();
        using var client = server.CreateClient();
        using var stranger = server.CreateClient();
        async Task<HttpResponseMessage> Keep(string name, Task<HttpResponseMessage> request)
        {
            var response = await request;
            await response.Content.LoadIntoBufferAsync();
            answers.Add((name, response));
            return response;
        }

        var email = TestData.NewEmail();
        await Keep("signup", client.PostJsonAsync("api/accounts", new { email, password = TestData.Password }, csrf: false));
        await Keep("signup taken", client.PostJsonAsync("api/accounts", new { email, password = TestData.Password }, csrf: false));
        await Keep("signup invalid", client.PostJsonAsync("api/accounts", new { email = "nope", password = "x" }, csrf: false));
        await Keep("signup wrong media type", client.SendAsync(RawRequests.Post("api/accounts", "{}"u8.ToArray(), "text/plain")));
        await Keep("login wrong password", client.LoginAsync(email, "not the right password"));
        await Keep("login empty", client.PostJsonAsync("api/session", new { email, password = "" }, csrf: false));
        await Keep("login", client.LoginAsync(email));
        await Keep("session", client.GetAsync("api/session"));
        await Keep("session without cookie", stranger.GetAsync("api/session"));
        await Keep("sessions", client.GetAsync("api/sessions"));
        await Keep("session token", client.PostJsonAsync("api/session/token", new { }));
        await Keep("session token without session", stranger.PostJsonAsync("api/session/token", new { }));
        await Keep("session token without CSRF token", client.SendAsync(HttpMethod.Post, "api/session/token", new { }, csrf: false));
        await Keep("password change refused", client.PostJsonAsync("api/account/password", new { currentPassword = "not the right password", newPassword = "a brand new passphrase" }));

        var pair = await TokenPair.ReadAsync(await Keep("password grant", client.PasswordGrantAsync(email)));
        await Keep("password grant wrong password", client.PasswordGrantAsync(email, "not the right password"));
        await Keep("password grant unknown user", client.PasswordGrantAsync(TestData.NewEmail()));
        var next = await TokenPair.ReadAsync(await Keep("refresh grant", client.RefreshAsync(pair.RefreshToken!)));
        await Keep("refresh grant reused", client.RefreshAsync(pair.RefreshToken!));
        await Keep("refresh grant missing token", client.PostFormAsync("oauth/token", [("grant_type", "refresh_token")]));
        await Keep("client credentials", client.ClientCredentialsAsync());
        await Keep("client credentials wrong secret", client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], (OAuth.ClientId, "a wrong secret of some length")));
        await Keep("client credentials without client", client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")]));
        await Keep("unsupported grant", client.PostFormAsync("oauth/token", [("grant_type", "urn:example:unknown")]));
        await Keep("missing grant type", client.PostFormAsync("oauth/token", []));
        await Keep("token endpoint JSON body", client.PostJsonAsync("oauth/token", new { grant_type = "password" }, csrf: false));
        await Keep("token endpoint GET", client.Http.GetAsync("oauth/token"));
        await Keep("introspection", client.PostFormAsync("oauth/introspect", [("token", next.AccessToken)], (OAuth.ClientId, OAuth.ClientSecret)));
        await Keep("introspection of refresh token", client.PostFormAsync("oauth/introspect", [("token", next.RefreshToken!)], (OAuth.ClientId, OAuth.ClientSecret)));
        await Keep("introspection without client", client.PostFormAsync("oauth/introspect", [("token", next.AccessToken)]));
        await Keep("introspection without token", client.PostFormAsync("oauth/introspect", [], (OAuth.ClientId, OAuth.ClientSecret)));
        await Keep("revocation", client.PostFormAsync("oauth/revoke", [("token", next.RefreshToken!)]));
        await Keep("revocation without token", client.PostFormAsync("oauth/revoke", []));
        await Keep("me with bearer", client.MeAsync(next.AccessToken));
        await Keep("me with bad bearer", client.MeAsync(next.AccessToken + "x"));
        await Keep("password change", client.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = "a brand new passphrase" }));
        await Keep("logout", client.DeleteAsync("api/session"));
        await Keep("logout without session", client.DeleteAsync("api/session"));
        return answers;
    }
}
