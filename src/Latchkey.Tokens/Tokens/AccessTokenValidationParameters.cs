namespace Latchkey.Tokens;

/// <summary>What a valid access token must say.</summary>
/// <param name="Issuer">The exact expected <c>iss</c>.</param>
/// <param name="Audience">The audience that <c>aud</c> must contain.</param>
/// <param name="ClockSkew">Tolerance for <c>exp</c>, <c>nbf</c> and <c>iat</c>.</param>
/// <param name="MaxTokenLength">Longer tokens are refused unparsed.</param>
public sealed record AccessTokenValidationParameters(string Issuer, string Audience, TimeSpan ClockSkew, int MaxTokenLength = 8192);
