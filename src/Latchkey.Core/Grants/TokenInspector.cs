using System.Text.Json;
using Latchkey.AccessTokens;
using Latchkey.RefreshTokens;
using Latchkey.Revocation;
using Latchkey.Security;
using Microsoft.Extensions.Options;
using Latchkey.Tokens;

namespace Latchkey.Grants;

/// <summary>
/// Recognises a token of either kind for revocation (RFC 7009) and introspection (RFC 7662): refresh
/// tokens by their prefix and the store, access tokens by full validation.
/// </summary>
public sealed class TokenInspector
{
    private readonly AccessTokenValidator _validator;
    private readonly RefreshTokenService _refreshTokens;
    private readonly RevocationService _revocation;
    private readonly IIssuerProvider _issuer;
    private readonly IOptions<TokenOptions> _options;

    /// <summary>Creates the inspector.</summary>
    public TokenInspector(
        AccessTokenValidator validator, RefreshTokenService refreshTokens, RevocationService revocation, IIssuerProvider issuer, IOptions<TokenOptions> options)
    {
        _validator = validator;
        _refreshTokens = refreshTokens;
        _revocation = revocation;
        _issuer = issuer;
        _options = options;
    }

    /// <summary>Revokes <paramref name="token"/> if it is a live token of this server; anything else is ignored.</summary>
    public async Task RevokeAsync(string token, RequestOrigin origin, CancellationToken cancellationToken)
    {
        if (RefreshTokenService.IsWellFormed(token))
        {
            await _refreshTokens.RevokeAsync(token, origin, cancellationToken).ConfigureAwait(false);
            return;
        }

        var result = _validator.Validate(token, Parameters());
        if (result.IsValid)
        {
            await _revocation.RevokeAccessTokenAsync(result.Token!.JwtId, result.Token.ExpiresAt + _options.Value.ClockSkew, origin, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Describes <paramref name="token"/>; unknown, expired, revoked and foreign tokens are inactive.</summary>
    public async Task<Introspection> IntrospectAsync(string token, CancellationToken cancellationToken)
    {
        if (RefreshTokenService.IsWellFormed(token))
        {
            var live = await _refreshTokens.FindLiveAsync(token, cancellationToken).ConfigureAwait(false);
            if (live is not { } found)
            {
                return Introspection.Inactive;
            }

            return new Introspection(true, "refresh_token", found.Family.UserId, found.Family.ClientId, found.Family.Scope,
                found.Family.CreatedAt, found.ExpiresAt, _issuer.Issuer, null, null, RefreshTokenService.SessionIdOf(found.Family.FamilyId));
        }

        var result = _validator.Validate(token, Parameters());
        if (!result.IsValid)
        {
            return Introspection.Inactive;
        }

        var access = result.Token!;
        return new Introspection(true, "Bearer", access.Subject, access.ClientId, access.Scope, access.IssuedAt, access.ExpiresAt,
            access.Issuer, _issuer.Audience, access.JwtId, access.SessionId);
    }

    private AccessTokenValidationParameters Parameters()
    {
        var options = _options.Value;
        return new AccessTokenValidationParameters(_issuer.Issuer, _issuer.Audience, options.ClockSkew, options.MaxTokenLength);
    }
}

/// <summary>An RFC 7662 introspection response.</summary>
public sealed record Introspection(
    bool Active, string? TokenType, string? Subject, string? ClientId, string? Scope, DateTimeOffset? IssuedAt, DateTimeOffset? ExpiresAt,
    string? Issuer, string? Audience, string? JwtId, string? SessionId)
{
    /// <summary>The answer for anything not active: only <c>active: false</c> (RFC 7662 §2.2).</summary>
    public static Introspection Inactive { get; } = new(false, null, null, null, null, null, null, null, null, null, null);

    /// <summary>Writes the members of the response object.</summary>
    public void Write(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteBoolean("active", Active);
        if (!Active)
        {
            return;
        }

        WriteIfPresent(writer, "token_type", TokenType);
        WriteIfPresent(writer, "sub", Subject);
        WriteIfPresent(writer, "client_id", ClientId);
        WriteIfPresent(writer, "scope", Scope);
        WriteIfPresent(writer, "iss", Issuer);
        WriteIfPresent(writer, "aud", Audience);
        WriteIfPresent(writer, "jti", JwtId);
        WriteIfPresent(writer, "sid", SessionId);
        if (IssuedAt is { } iat)
        {
            writer.WriteNumber("iat", iat.ToUnixTimeSeconds());
        }

        if (ExpiresAt is { } exp)
        {
            writer.WriteNumber("exp", exp.ToUnixTimeSeconds());
        }
    }

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
