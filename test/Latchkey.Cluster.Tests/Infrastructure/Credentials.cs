using System.Text.Json.Nodes;

namespace Latchkey.Cluster.Tests.Infrastructure;

/// <summary>A browser's login: the session cookie (<c>name=value</c>) and its CSRF token.</summary>
public sealed record BrowserSession(string Cookie, string CsrfToken, string UserId, string Email);

/// <summary>An access token and its refresh token, from a token response.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken)
{
    /// <summary>Reads a token response body.</summary>
    public static TokenPair From(JsonObject body) =>
        new(body["access_token"]!.GetValue<string>(), body["refresh_token"]!.GetValue<string>());
}
