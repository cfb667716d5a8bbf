using System.Security.Cryptography;
using Latchkey.Revocation;
using Latchkey.Sessions;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.Tests;

/// <summary>Revocations reach the in-memory session tier at once, and a store read in flight cannot bring a revoked session back.</summary>
public sealed class SessionCacheRevocationTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly SessionCache _cache = new(Options.Create(new SessionOptions()));

    [Fact]
    public void Apply_SessionRevocationAmongManyCachedSessions_DropsThatSessionOnly()
    {
        var sessions = Enumerable.Range(0, 1000).Select(_ => NewSession("user")).ToArray();
        foreach (var session in sessions)
        {
            _cache.Set(session, Now);
        }

        _cache.Apply(Revoked(sessions[500]));

        Assert.False(_cache.TryGet(sessions[500].IdHash, Now, out _));
        Assert.Equal(999, _cache.Count);
        Assert.True(_cache.TryGet(sessions[499].IdHash, Now, out _));
    }

    [Fact]
    public void Set_OfASessionReadBeforeItsRevocationArrived_KeepsNothing()
    {
        var session = NewSession("user");
        var readAt = _cache.Version;

        // The revocation arrives while the request is still reading the store.
        _cache.Apply(Revoked(session));
        _cache.Set(session, Now, readAt);

        Assert.False(_cache.TryGet(session.IdHash, Now, out _));
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public void Set_AfterATouchReplacedTheEntry_RevocationStillFindsIt()
    {
        var session = NewSession("user");
        _cache.Set(session, Now);
        _cache.Set(session with { LastSeenAt = Now.AddMinutes(1) }, Now.AddMinutes(1));

        _cache.Apply(Revoked(session));

        Assert.False(_cache.TryGet(session.IdHash, Now.AddMinutes(1), out _));
    }

    [Fact]
    public void Apply_UserGeneration_DropsEverySessionOfThatUserOnly()
    {
        var mine = Enumerable.Range(0, 3).Select(_ => NewSession("me")).ToArray();
        var other = NewSession("other");
        foreach (var session in mine.Append(other))
        {
            _cache.Set(session, Now);
        }

        _cache.Apply(new RevocationEntry(RevocationKind.UserGeneration, "me", 2, Now.AddHours(1)));

        Assert.All(mine, s => Assert.False(_cache.TryGet(s.IdHash, Now, out _)));
        Assert.True(_cache.TryGet(other.IdHash, Now, out _));
    }

    private static RevocationEntry Revoked(Session session) => new(RevocationKind.Session, session.PublicId, 0, Now.AddHours(1));

    private static Session NewSession(string userId) => new(
        RandomNumberGenerator.GetBytes(32), Guid.NewGuid().ToString("N"), userId, Now, Now, Now.AddMinutes(30), Now.AddHours(24), null, null);
}
