using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Oidc;

/// <summary>
/// The password grant is fenced (issue 13, point 7): only clients that list it in GrantTypes, within their scopes; the
/// default public client of the contract within Latchkey:Tokens:DefaultClientScopes.
/// </summary>
public sealed class PasswordGrantFencingTests(OidcServerFixture fixture) : IClassFixture<OidcServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Theory]
    [InlineData("profile")]
    [InlineData("email")]
    [InlineData("profile email")]
    [InlineData(null)]
    public async Task DefaultClient_WithinDefaultScopes_GetsTokens(string? scope)
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.PasswordGrantAsync(email, scope: scope);

        var pair = await TokenPair.ReadAsync(response);
        Assert.NotNull(pair.RefreshToken);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("profile admin")]
    [InlineData("openid")]
    [InlineData("read")]
    public async Task DefaultClient_BeyondDefaultScopes_IsInvalidScope(string scope)
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.PasswordGrantAsync(email, scope: scope);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task ConfidentialClient_NotListingPassword_IsUnauthorizedClient()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.PostFormAsync(
            "oauth/token", [("grant_type", "password"), ("username", email), ("password", TestData.Password), ("scope", "openid")], (Oidc.WebClient, Oidc.WebSecret));

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client");
    }

    [Fact]
    public async Task PublicClient_IsRefusedThePasswordGrant()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.PostFormAsync(
            "oauth/token", [("grant_type", "password"), ("username", email), ("password", TestData.Password), ("client_id", Oidc.SpaClient)]);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task ClientListingPassword_GetsTokensWithinItsScopes()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var allowed = await client.PostFormAsync(
            "oauth/token", [("grant_type", "password"), ("username", email), ("password", TestData.Password), ("scope", "read")], (OAuth.ClientId, OAuth.ClientSecret));
        await TokenPair.ReadAsync(allowed);
        using var beyond = await client.PostFormAsync(
            "oauth/token", [("grant_type", "password"), ("username", email), ("password", TestData.Password), ("scope", "profile")], (OAuth.ClientId, OAuth.ClientSecret));
        await OAuthAssert.IsErrorAsync(beyond, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task ClientCredentials_ForAClientThatDoesNotListIt_IsUnauthorizedClient()
    {
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], (Oidc.WebClient, Oidc.WebSecret));

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client");
    }
}
