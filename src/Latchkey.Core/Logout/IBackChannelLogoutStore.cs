namespace Latchkey.Logout;

/// <summary>
/// Which clients each browser session signed into, and the durable queue of logout notices owed to them
/// (OpenID Connect Back-Channel Logout 1.0). Every method is atomic on every backend; several nodes may share one
/// store, and a claim (a lease) gives a notice to exactly one of them at a time.
/// </summary>
public interface IBackChannelLogoutStore
{
    /// <summary>Records that session <paramref name="sessionId"/> (a public id) signed into <paramref name="clientId"/>; once per pair.</summary>
    /// <param name="sessionId">The session's public id (the ID token's <c>sid</c>).</param>
    /// <param name="userId">The session's account.</param>
    /// <param name="clientId">The client that got a code.</param>
    /// <param name="now">When.</param>
    /// <param name="expiresAt">When the session ends at the latest; the record is pruned after it.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task RecordSignInAsync(string sessionId, string userId, string clientId, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Turns the sign-ins of session <paramref name="sessionId"/> into queued notices, due at <paramref name="now"/>, in one step.</summary>
    /// <returns>How many notices were queued.</returns>
    Task<int> EnqueueForSessionAsync(string sessionId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Turns the sign-ins of every session of <paramref name="userId"/> but <paramref name="exceptSessionId"/> into queued notices.</summary>
    /// <returns>How many notices were queued.</returns>
    Task<int> EnqueueForUserAsync(string userId, string? exceptSessionId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> notices due at <paramref name="now"/> and not leased: each gets
    /// <paramref name="leaseUntil"/> and one more attempt; no other caller can claim them until the lease ends.
    /// </summary>
    Task<IReadOnlyList<LogoutNotice>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes a notice claimed with <paramref name="notice"/>'s lease (delivered, or given up).</summary>
    /// <returns><see langword="false"/> when the lease was lost.</returns>
    Task<bool> DeleteAsync(LogoutNotice notice, CancellationToken cancellationToken);

    /// <summary>Releases a notice claimed with <paramref name="notice"/>'s lease and makes it due at <paramref name="nextAttemptAt"/>.</summary>
    /// <returns><see langword="false"/> when the lease was lost.</returns>
    Task<bool> RescheduleAsync(LogoutNotice notice, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>Deletes the sign-in records of sessions that have ended by expiry at <paramref name="now"/>.</summary>
    /// <returns>How many records were deleted.</returns>
    Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
