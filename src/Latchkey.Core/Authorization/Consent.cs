namespace Latchkey.Authorization;

/// <summary>What an account has allowed a client: the scopes, and since when.</summary>
/// <param name="UserId">The account.</param>
/// <param name="ClientId">The client.</param>
/// <param name="Scope">The consented scopes, space-separated.</param>
/// <param name="GrantedAt">When consent was first given.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record Consent(string UserId, string ClientId, string Scope, DateTimeOffset GrantedAt, DateTimeOffset UpdatedAt);
