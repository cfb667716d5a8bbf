namespace Latchkey.Sessions;

/// <summary>A server-side browser session as stored. It holds the hash of the session id, never the id.</summary>
/// <param name="IdHash">SHA-256 of the session id carried by the cookie.</param>
/// <param name="PublicId">A separate random handle that names the session in listings and revocation; it grants nothing.</param>
/// <param name="UserId">The account the session belongs to.</param>
/// <param name="CreatedAt">When the user logged in.</param>
/// <param name="LastSeenAt">The last recorded activity (written at most once per touch interval).</param>
/// <param name="IdleExpiresAt">When the session ends without further activity.</param>
/// <param name="AbsoluteExpiresAt">When the session ends whatever the activity.</param>
/// <param name="UserAgent">The login request's User-Agent, truncated.</param>
/// <param name="IpAddress">The login request's client address.</param>
/// <param name="Methods">How the user authenticated; the session's <see cref="CreatedAt"/> is when (a re-authentication starts a new session).</param>
public sealed record Session(
    byte[] IdHash,
    string PublicId,
    string UserId,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset IdleExpiresAt,
    DateTimeOffset AbsoluteExpiresAt,
    string? UserAgent,
    string? IpAddress,
    AuthenticationMethods Methods = AuthenticationMethods.Password)
{
    /// <summary>The earlier of the two expiry times.</summary>
    public DateTimeOffset ExpiresAt => IdleExpiresAt < AbsoluteExpiresAt ? IdleExpiresAt : AbsoluteExpiresAt;

    /// <summary>Whether the session is still live at <paramref name="now"/>; it ends exactly at its expiry.</summary>
    public bool IsLiveAt(DateTimeOffset now) => now < IdleExpiresAt && now < AbsoluteExpiresAt;
}
