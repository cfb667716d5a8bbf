using Latchkey.AccessTokens;
using System.Text.Json.Nodes;

namespace Latchkey.Cluster.Tests.Infrastructure;

/// <summary>A browser's login: the session cookie (<c>name=value</c>) and its CSRF token.</summary>
public sealed record BrowserSession(string Cookie, string CsrfToken, string UserId, string Email);

/// <summary>An access token and its refresh token, from a token response.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken)
{
    /// <summary>The access token's <c>jti</c> and <c>exp</c>, read from its payload.</summary>
    public (string Id, DateTimeOffset ExpiresAt) AccessTokenClaims()
    {
        var payload = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(AccessToken.Split('.')[1]))!;
        return (payload["jti"]!.GetValue<string>(), DateTimeOffset.FromUnixTimeSeconds(payload["exp"]!.GetValue<long>()));
    }

    /// <summary>Reads a token response body.</summary>
    public static TokenPair From(JsonObject body) =>
        new(body["access_token"]!.GetValue<string>(), body["refresh_token"]!.GetValue<string>());
}
