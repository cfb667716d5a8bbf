namespace Latchkey.RefreshTokens;

/// <summary>
/// The refresh tokens descended from one login: they share the subject, client, scope and an absolute
/// expiry, and are revoked together.
/// </summary>
/// <param name="FamilyId">Random id; also the <c>sid</c> of access tokens minted from the family.</param>
/// <param name="UserId">The account.</param>
/// <param name="ClientId">The client the tokens were issued to.</param>
/// <param name="Scope">The granted scope.</param>
/// <param name="CreatedAt">The login.</param>
/// <param name="ExpiresAt">The absolute end of the family.</param>
/// <param name="AuthTime">When the user authenticated, for a family started from a browser session (code flow); else the family's start.</param>
/// <param name="Methods">How the user authenticated (<c>amr</c>); <see cref="Sessions.AuthenticationMethods.Password"/> for the password grant.</param>
public sealed record RefreshTokenFamily(
    string FamilyId, string UserId, string ClientId, string Scope, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? AuthTime = null, Sessions.AuthenticationMethods Methods = Sessions.AuthenticationMethods.Password);
