namespace Latchkey.Logout;

/// <summary>A queued back-channel logout: session <paramref name="SessionId"/> of <paramref name="UserId"/> has ended for <paramref name="ClientId"/>.</summary>
/// <param name="SessionId">The session's public id (<c>sid</c>).</param>
/// <param name="ClientId">The client to tell.</param>
/// <param name="UserId">The account (<c>sub</c>).</param>
/// <param name="CreatedAt">When the session ended.</param>
/// <param name="Attempts">Delivery attempts begun so far (a claim counts as one).</param>
/// <param name="NextAttemptAt">When it is next due.</param>
/// <param name="LeaseUntil">Until when the node that claimed it owns it; also the token that proves the claim.</param>
public sealed record LogoutNotice(
    string SessionId, string ClientId, string UserId, DateTimeOffset CreatedAt, int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset LeaseUntil);
