namespace Latchkey.Sessions;

/// <summary>Session lifetimes (configuration section <c>Latchkey:Sessions</c>).</summary>
public sealed class SessionOptions
{
    /// <summary>A session ends after this long without activity (sliding).</summary>
    /// <value>The default value is 30 minutes.</value>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after login, whatever the activity.</summary>
    /// <value>The default value is 24 hours.</value>
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Activity is written to the store at most this often per session, so that a busy session does not
    /// cost a write per request. The idle timeout therefore slides in steps of this size: a session may
    /// end up to this much earlier than <see cref="IdleTimeout"/> after the last request.
    /// </summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan TouchInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often expired sessions are deleted from the store.</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a node serves a session from memory before reading it from the store again. Revocations
    /// reach every node at once through the broadcast; this bounds the staleness if one is lost. Zero
    /// turns the in-memory tier off.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan CacheMaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most sessions a node holds in memory.</summary>
    /// <value>The default value is 100000.</value>
    public int CacheMaxEntries { get; set; } = 100_000;

    /// <summary>
    /// How recent the sign-in behind a request must be for a sensitive action (password or email change, account
    /// deletion, second-factor changes, ending other sessions); older ones answer <c>reauthentication_required</c>.
    /// Signing in again (a new session) renews it.
    /// </summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan ReauthWindow { get; set; } = TimeSpan.FromMinutes(5);
}
