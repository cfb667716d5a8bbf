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
public sealed record RefreshTokenFamily(string FamilyId, string UserId, string ClientId, string Scope, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
