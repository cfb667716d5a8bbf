using Latchkey.Diagnostics;
using Latchkey.Logout;
using Latchkey.Revocation;
using Latchkey.Security;
using Latchkey.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Sessions;

/// <summary>Creates, validates, lists and ends sessions, and applies the idle and absolute timeouts.</summary>
public sealed class SessionManager
{
    /// <summary>Bytes of randomness in a session id (256 bits; the contract asks for at least 128).</summary>
    public const int IdBytes = 32;

    /// <summary>Length of a session id as base64url text.</summary>
    public const int IdLength = 43;

    /// <summary>
    /// The longest user agent kept with a session, in UTF-16 code units: longer ones keep their first
    /// characters (browser, version and platform come first), never half a surrogate pair, and an empty
    /// one is none. Every session store keeps exactly what this leaves, so the bound that holds a Redis
    /// session within 300 bytes is applied here, once, for every backend.
    /// </summary>
    public const int MaxUserAgentLength = 256;

    private readonly ISessionStore _store;
    private readonly TimeProvider _time;
    private readonly IOptions<SessionOptions> _options;
    private readonly ILogger<SessionManager> _logger;
    private readonly RevocationService _revocation;
    private readonly SessionCache _cache;
    private readonly SecurityAudit _audit;
    private readonly BackChannelLogout? _backChannelLogout;
    private readonly LatchkeyMetrics? _metrics;

    /// <summary>Creates the manager; with <c>backChannelLogout</c>, the clients a session signed into are told when it ends.</summary>
    public SessionManager(
        ISessionStore store, SessionCache cache, RevocationService revocation, TimeProvider time, IOptions<SessionOptions> options,
        SecurityAudit audit, ILogger<SessionManager> logger, BackChannelLogout? backChannelLogout = null, LatchkeyMetrics? metrics = null)
    {
        _metrics = metrics;
        _backChannelLogout = backChannelLogout;
        _audit = audit;
        _store = store;
        _cache = cache;
        _revocation = revocation;
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <summary>Starts a new session for <paramref name="userId"/>, signed in with a password alone.</summary>
    public Task<NewSession> CreateAsync(string userId, RequestOrigin origin, CancellationToken cancellationToken) =>
        CreateAsync(userId, origin, AuthenticationMethods.Password, cancellationToken);

    /// <summary>
    /// Starts a new session for <paramref name="userId"/> with a fresh random id; it keeps the origin's address and
    /// user agent, and <paramref name="methods"/>: how the user proved who they are.
    /// </summary>
    public async Task<NewSession> CreateAsync(string userId, RequestOrigin origin, AuthenticationMethods methods, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(origin);
        var options = _options.Value;
        var now = StoredTime.Truncate(_time.GetUtcNow());
        var rawId = RandomTokens.Create(IdBytes);
        var absolute = now + options.AbsoluteTimeout;
        var session = new Session(
            SecretHash.Compute(rawId),
            RandomTokens.Create(16),
            userId,
            now,
            now,
            Min(now + options.IdleTimeout, absolute),
            absolute,
            KeptUserAgent(origin.UserAgent),
            Truncate(origin.ClientIp, 64),
            methods);
        await _store.CreateAsync(session, cancellationToken).ConfigureAwait(false);
        _metrics?.SessionStarted();
        _audit.SessionStarted(session.PublicId, userId, origin.ClientIp);
        return new NewSession(session, rawId, CsrfTokens.For(rawId));
    }

    /// <summary>
    /// Looks up the session whose id is <paramref name="rawId"/>, ends it if it has expired, and
    /// records activity at most once per <see cref="SessionOptions.TouchInterval"/>.
    /// </summary>
    /// <param name="rawId">The session id from the cookie.</param>
    /// <param name="recordActivity">
    /// Whether this request counts as activity; false for a request about to be refused (a failed
    /// CSRF check), which must change nothing, not even the idle timeout.
    /// </param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The live session, or <see langword="null"/>.</returns>
    public ValueTask<Session?> ValidateAsync(string? rawId, bool recordActivity, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(rawId))
        {
            return ValueTask.FromResult<Session?>(null);
        }

        if (_store is IStoreAvailability { IsAvailable: false })
        {
            return ValueTask.FromException<Session?>(new StoreUnavailableException("The session store is disconnected."));
        }

        Span<byte> idHash = stackalloc byte[SecretHash.Size];
        SecretHash.Compute(rawId, idHash);
        var now = _time.GetUtcNow();

        // The in-memory tier first: a live cached session that needs no touch is answered without I/O or
        // allocation. A cached session that looks expired is read again, since another node may have
        // recorded activity that this node has not seen.
        _cache.TryGet(idHash, now, out var cached);
        if (cached is not null && cached.IsLiveAt(now) && !(recordActivity && IsTouchDue(cached, now)))
        {
            return new ValueTask<Session?>(cached);
        }

        return ValidateSlowAsync(idHash.ToArray(), cached, now, recordActivity, cancellationToken);
    }

    /// <summary>Lists the live sessions of a user.</summary>
    public Task<IReadOnlyList<Session>> ListAsync(string userId, CancellationToken cancellationToken) =>
        _store.ListForUserAsync(userId, _time.GetUtcNow(), cancellationToken);

    /// <summary>Ends the session (logout) and the access tokens minted from it.</summary>
    public Task<bool> EndAsync(Session session, RequestOrigin origin, CancellationToken cancellationToken) =>
        EndAsync(session, SecurityAudit.SessionEnd.Logout, origin, cancellationToken);

    /// <summary>
    /// Ends the session whose raw id is <paramref name="rawId"/>, if there is one: at login, the session the
    /// client's cookie named is replaced by a new one.
    /// </summary>
    public async Task<bool> EndByRawIdAsync(string? rawId, RequestOrigin origin, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(rawId))
        {
            return false;
        }

        var idHash = SecretHash.Compute(rawId!);
        var session = await _store.FindAsync(idHash, cancellationToken).ConfigureAwait(false);
        return session is not null && await EndAsync(session, SecurityAudit.SessionEnd.ReplacedAtLogin, origin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends one of the user's sessions by its public id.</summary>
    /// <returns>The ended session, or <see langword="null"/> when the user has no such session.</returns>
    public Task<Session?> EndByPublicIdAsync(string userId, string publicId, RequestOrigin origin, CancellationToken cancellationToken) =>
        EndByPublicIdAsync(userId, publicId, SecurityAudit.SessionEnd.RevokedByOwner, origin, cancellationToken);

    /// <summary>Ends one of the user's sessions by its public id, for the reason the audit trail records.</summary>
    /// <returns>The ended session, or <see langword="null"/> when the user has no such session.</returns>
    public async Task<Session?> EndByPublicIdAsync(string userId, string publicId, SecurityAudit.SessionEnd reason, RequestOrigin origin, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(publicId) || publicId.Length > 64)
        {
            return null;
        }

        var ended = await _store.DeleteByPublicIdAsync(userId, publicId, cancellationToken).ConfigureAwait(false);
        if (ended is not null)
        {
            _cache.Remove(ended.IdHash);
            _metrics?.SessionsEnded(1);
            _audit.SessionEnded(ended.PublicId, userId, reason, origin.ClientIp);
            await _revocation.RevokeSessionTokensAsync(ended.PublicId, origin, cancellationToken).ConfigureAwait(false);
            await NotifyClientsAsync(ended.PublicId).ConfigureAwait(false);
        }

        return ended;
    }

    /// <summary>Ends every session of the user, except <paramref name="keep"/> when given.</summary>
    public async Task<int> EndAllForUserAsync(string userId, Session? keep, RequestOrigin origin, CancellationToken cancellationToken)
    {
        var count = await _store.DeleteAllForUserAsync(userId, keep?.IdHash, cancellationToken).ConfigureAwait(false);
        _cache.RemoveUser(userId);
        _metrics?.SessionsEnded(count);
        _audit.AllSessionsEnded(userId, count, keep?.PublicId, origin.ClientIp);
        if (_backChannelLogout is not null)
        {
            await _backChannelLogout.SessionsEndedAsync(userId, keep?.PublicId).ConfigureAwait(false);
        }

        return count;
    }

    /// <summary>Deletes expired sessions (and the record of the clients they signed into).</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        _cache.Prune(now);
        var count = await _store.PruneAsync(now, cancellationToken).ConfigureAwait(false);
        _metrics?.SessionsEnded(count);
        if (_backChannelLogout is not null)
        {
            await _backChannelLogout.PruneAsync(cancellationToken).ConfigureAwait(false);
        }

        return count;
    }

    /// <summary>Whether a cookie value has the shape of a session id; anything else is refused without a lookup.</summary>
    public static bool IsWellFormed(string? rawId)
    {
        if (rawId is null || rawId.Length != IdLength)
        {
            return false;
        }

        foreach (var c in rawId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private async Task<bool> EndAsync(Session session, SecurityAudit.SessionEnd reason, RequestOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        _cache.Remove(session.IdHash);
        var ended = await _store.DeleteAsync(session.IdHash, cancellationToken).ConfigureAwait(false);
        if (ended)
        {
            _metrics?.SessionsEnded(1);
            _audit.SessionEnded(session.PublicId, session.UserId, reason, origin.ClientIp);
        }

        // Access tokens minted from the session end with it.
        await _revocation.RevokeSessionTokensAsync(session.PublicId, origin, cancellationToken).ConfigureAwait(false);
        await NotifyClientsAsync(session.PublicId).ConfigureAwait(false);
        return ended;
    }

    // OpenID Connect Back-Channel Logout 1.0: the clients this session signed into are told, off the request path.
    private Task NotifyClientsAsync(string publicId) =>
        _backChannelLogout is null ? Task.CompletedTask : _backChannelLogout.SessionEndedAsync(publicId);

    // The store lookup (a miss or a stale entry in the tier) and the touch (at most once per TouchInterval).
    private async ValueTask<Session?> ValidateSlowAsync(byte[] idHash, Session? cached, DateTimeOffset now, bool recordActivity, CancellationToken cancellationToken)
    {
        // What a concurrent revocation removes meanwhile must not come back from this lookup (SessionCache.Set).
        var version = _cache.Version;
        var session = cached;
        if (session is null || !session.IsLiveAt(now))
        {
            session = await _store.FindAsync(idHash, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                _cache.Remove(idHash);
                return null;
            }

            if (!session.IsLiveAt(now))
            {
                _cache.Remove(idHash);
                if (await _store.DeleteAsync(idHash, cancellationToken).ConfigureAwait(false))
                {
                    _metrics?.SessionsEnded(1);
                }

                Log.SessionExpired(_logger, session.PublicId);
                return null;
            }

            _cache.Set(session, now, version);
        }

        if (recordActivity && IsTouchDue(session, now))
        {
            var options = _options.Value;
            var seen = StoredTime.Truncate(now);
            var idle = Min(seen + options.IdleTimeout, session.AbsoluteExpiresAt);
            if (!await _store.TouchAsync(idHash, seen, idle, cancellationToken).ConfigureAwait(false))
            {
                _cache.Remove(idHash);
                return null;
            }

            session = session with { LastSeenAt = seen, IdleExpiresAt = idle };
            _cache.Set(session, now, version);
        }

        return session;
    }

    private bool IsTouchDue(Session session, DateTimeOffset now) => now - session.LastSeenAt >= _options.Value.TouchInterval;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>The user agent as a session keeps it (see <see cref="MaxUserAgentLength"/>).</summary>
    public static string? KeptUserAgent(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent))
        {
            return null;
        }

        if (userAgent.Length <= MaxUserAgentLength)
        {
            return userAgent;
        }

        var length = char.IsHighSurrogate(userAgent[MaxUserAgentLength - 1]) ? MaxUserAgentLength - 1 : MaxUserAgentLength;
        return userAgent[..length];
    }

    private static string? Truncate(string? value, int max) =>
        value is null ? null : value.Length <= max ? value : value[..max];
}
