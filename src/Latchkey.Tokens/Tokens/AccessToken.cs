namespace Latchkey.Tokens;

/// <summary>The claims of a validated access token (RFC 9068).</summary>
/// <param name="Issuer"><c>iss</c>.</param>
/// <param name="Subject"><c>sub</c>: an account id, or the client id for client-credentials tokens.</param>
/// <param name="ClientId"><c>client_id</c>.</param>
/// <param name="Scope"><c>scope</c>, space-separated; empty when none.</param>
/// <param name="JwtId"><c>jti</c>.</param>
/// <param name="IssuedAt"><c>iat</c>.</param>
/// <param name="ExpiresAt"><c>exp</c>.</param>
/// <param name="SessionId"><c>sid</c>: the browser session or refresh-token family the token came from, if any.</param>
/// <param name="Generation">The subject's token generation when issued (<c>lk_gen</c>); see <see cref="AccessTokenClaimNames.Generation"/>.</param>
/// <param name="AuthTime"><c>auth_time</c>: when the user behind the token last authenticated, if the token says.</param>
/// <param name="Acr"><c>acr</c>: the authentication context class, if the token says.</param>
/// <param name="Amr"><c>amr</c>: the authentication methods (RFC 8176), space-separated; empty when the token names none.</param>
public sealed record AccessToken(
    string Issuer,
    string Subject,
    string ClientId,
    string Scope,
    string JwtId,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string? SessionId,
    long Generation,
    DateTimeOffset? AuthTime = null,
    string? Acr = null,
    string Amr = "")
{
    /// <summary>Whether the token was issued to a service through the client-credentials grant.</summary>
    public bool IsClientToken => Subject == ClientId && SessionId is null && Generation == 0;
}
