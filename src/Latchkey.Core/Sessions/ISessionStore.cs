namespace Latchkey.Sessions;

/// <summary>
/// Storage of sessions, keyed by the SHA-256 hash of the session id; no method ever sees a raw session
/// id. Each method is atomic on the session record it changes: a session is created whole, a touch is a
/// compare-and-set that never recreates a deleted session or moves activity backwards, and a delete
/// removes the record in one step, so concurrent touches and deletes cannot bring a revoked session
/// back. Methods that span several sessions (<see cref="DeleteAllForUserAsync"/>, <see cref="PruneAsync"/>)
/// delete every session that existed when they began; a session created meanwhile may survive them.
/// </summary>
/// <remarks>
/// A store keeps every field exactly as given, the user agent included (Core bounds it first, see
/// <see cref="SessionManager.MaxUserAgentLength"/>); an empty user agent may be read back as none.
/// </remarks>
public interface ISessionStore
{
    /// <summary>Inserts a new session.</summary>
    Task CreateAsync(Session session, CancellationToken cancellationToken);

    /// <summary>Finds a session by id hash, expired or not, or <see langword="null"/>.</summary>
    Task<Session?> FindAsync(byte[] idHash, CancellationToken cancellationToken);

    /// <summary>
    /// Records activity: sets the last-seen and idle-expiry times, unless the stored last-seen time is
    /// already as late. Never recreates a session deleted meanwhile.
    /// </summary>
    /// <returns><see langword="false"/> when the session no longer exists.</returns>
    Task<bool> TouchAsync(byte[] idHash, DateTimeOffset lastSeenAt, DateTimeOffset idleExpiresAt, CancellationToken cancellationToken);

    /// <summary>Lists the sessions of <paramref name="userId"/> that are live at <paramref name="now"/>, newest first.</summary>
    Task<IReadOnlyList<Session>> ListForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes one session by id hash.</summary>
    /// <returns><see langword="true"/> when a session was deleted.</returns>
    Task<bool> DeleteAsync(byte[] idHash, CancellationToken cancellationToken);

    /// <summary>Deletes the session of <paramref name="userId"/> named by <paramref name="publicId"/>.</summary>
    /// <returns>The deleted session, or <see langword="null"/> when the user has no such session.</returns>
    Task<Session?> DeleteByPublicIdAsync(string userId, string publicId, CancellationToken cancellationToken);

    /// <summary>Deletes every session of <paramref name="userId"/> except the one whose hash is <paramref name="exceptIdHash"/>.</summary>
    /// <returns>How many sessions were deleted.</returns>
    Task<int> DeleteAllForUserAsync(string userId, byte[]? exceptIdHash, CancellationToken cancellationToken);

    /// <summary>Deletes every session that has expired at <paramref name="now"/>.</summary>
    /// <returns>How many sessions were deleted.</returns>
    Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
