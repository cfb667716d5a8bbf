using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Latchkey.Samples.OidcWebApp;

/// <summary>
/// Validates a logout token as OpenID Connect Back-Channel Logout 1.0 §2.6 asks: a JWT signed with one of the
/// provider's keys (its JWKS, through the OpenID Connect handler's configuration), <c>iss</c> the provider,
/// <c>aud</c> this client, <c>iat</c> and <c>exp</c> present and current, a <c>jti</c> not seen before, an
/// <c>events</c> object with the back-channel logout event, a <c>sid</c> or a <c>sub</c>, and no <c>nonce</c>
/// (which tells it from an ID token).
/// </summary>
public sealed class LogoutTokenValidator(IOptionsMonitor<OpenIdConnectOptions> oidc, TimeProvider time)
{
    /// <summary>The event member a logout token's <c>events</c> claim must hold.</summary>
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seenIds = new(StringComparer.Ordinal);

    /// <summary>Validates <paramref name="logoutToken"/>; on success the session or user to sign out.</summary>
    public async Task<LogoutTokenResult> ValidateAsync(string logoutToken, CancellationToken cancellationToken)
    {
        var options = oidc.Get(OpenIdConnectDefaults.AuthenticationScheme);
        var configurationManager = options.ConfigurationManager
            ?? throw new InvalidOperationException("The OpenID Connect handler has no configuration manager.");
        var configuration = await configurationManager.GetConfigurationAsync(cancellationToken);
        var result = await _handler.ValidateTokenAsync(logoutToken, Parameters(options.ClientId!, configuration.Issuer, configuration.SigningKeys));
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The provider may have rotated its keys since they were fetched: fetch them once more.
            configurationManager.RequestRefresh();
            configuration = await configurationManager.GetConfigurationAsync(cancellationToken);
            result = await _handler.ValidateTokenAsync(logoutToken, Parameters(options.ClientId!, configuration.Issuer, configuration.SigningKeys));
        }

        if (!result.IsValid)
        {
            return LogoutTokenResult.Fail($"The logout token is not valid: {result.Exception?.GetType().Name ?? "refused"}.");
        }

        var token = (JsonWebToken)result.SecurityToken;
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedPayload));
        return Check(payload.RootElement);
    }

    private LogoutTokenResult Check(JsonElement payload)
    {
        var now = time.GetUtcNow();
        if (!payload.TryGetProperty("iat", out var iat) || iat.ValueKind != JsonValueKind.Number || !iat.TryGetInt64(out var issuedAt))
        {
            return LogoutTokenResult.Fail("The logout token has no iat.");
        }

        var issued = DateTimeOffset.FromUnixTimeSeconds(issuedAt);
        if (issued > now + ClockSkew || now - issued > MaxAge + ClockSkew)
        {
            return LogoutTokenResult.Fail("The logout token's iat is not current.");
        }

        if (!payload.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Object
            || !events.TryGetProperty(BackChannelLogoutEvent, out var logoutEvent) || logoutEvent.ValueKind != JsonValueKind.Object)
        {
            return LogoutTokenResult.Fail("The logout token has no back-channel logout event.");
        }

        if (payload.TryGetProperty("nonce", out _))
        {
            return LogoutTokenResult.Fail("A logout token must not carry a nonce.");
        }

        var sid = StringClaim(payload, "sid");
        var sub = StringClaim(payload, "sub");
        if (sid is null && sub is null)
        {
            return LogoutTokenResult.Fail("The logout token names neither a session (sid) nor a user (sub).");
        }

        if (StringClaim(payload, "jti") is not { } jti)
        {
            return LogoutTokenResult.Fail("The logout token has no jti.");
        }

        // A token is accepted once: remember its jti for as long as it could still pass the iat check.
        foreach (var (seen, at) in _seenIds)
        {
            if (now - at > MaxAge + ClockSkew + ClockSkew)
            {
                _seenIds.TryRemove(seen, out _);
            }
        }

        if (!_seenIds.TryAdd(jti, now))
        {
            return LogoutTokenResult.Fail("The logout token was already used.");
        }

        return LogoutTokenResult.Success(sid, sub);
    }

    private static TokenValidationParameters Parameters(string clientId, string issuer, IEnumerable<SecurityKey> keys) => new()
    {
        ValidIssuer = issuer,
        ValidAudience = clientId,
        IssuerSigningKeys = keys,
        // Back-Channel Logout 1.0 §2.4: explicitly typed "logout+jwt" (plain "JWT" still accepted); an access
        // token ("at+jwt") never passes, and an ID token ("JWT") fails on the events claim and its nonce.
        ValidTypes = ["logout+jwt", "JWT"],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = ClockSkew,
    };

    private static string? StringClaim(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}

/// <summary>The outcome of <see cref="LogoutTokenValidator.ValidateAsync"/>.</summary>
/// <param name="Error">Why the token was refused; null when it was accepted.</param>
/// <param name="SessionId">The session to end (<c>sid</c>), when the token names one.</param>
/// <param name="Subject">The user (<c>sub</c>), when the token names one.</param>
public sealed record LogoutTokenResult(string? Error, string? SessionId, string? Subject)
{
    /// <summary>An accepted token.</summary>
    public static LogoutTokenResult Success(string? sid, string? sub) => new(null, sid, sub);

    /// <summary>A refused token.</summary>
    public static LogoutTokenResult Fail(string error) => new(error, null, null);
}
