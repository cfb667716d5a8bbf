using System.Security.Cryptography;
using Latchkey.Sessions;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.Tests;

/// <summary>The in-memory session tier never holds more than <see cref="SessionOptions.CacheMaxEntries"/> sessions.</summary>
public sealed class SessionCacheBoundTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly SessionOptions _options = new() { CacheMaxEntries = 100, CacheMaxAge = TimeSpan.FromSeconds(30) };

    [Fact]
    public void Set_BeyondCacheMaxEntriesOfLiveSessions_KeepsTheBoundAndServesTheRestFromTheStore()
    {
        var cache = new SessionCache(Options.Create(_options));
        var sessions = Enumerable.Range(0, 150).Select(_ => NewSession()).ToArray();

        foreach (var session in sessions)
        {
            cache.Set(session, Now);
        }

        Assert.Equal(100, cache.Count);
        Assert.True(cache.TryGet(sessions[0].IdHash, Now, out _));
        Assert.False(cache.TryGet(sessions[^1].IdHash, Now, out _));
    }

    [Fact]
    public void Set_WhenFullOfEntriesPastMaxAge_PrunesThemAndCachesTheNewOne()
    {
        var cache = new SessionCache(Options.Create(_options));
        for (var i = 0; i < 100; i++)
        {
            cache.Set(NewSession(), Now);
        }

        var later = Now + _options.CacheMaxAge;
        var fresh = NewSession();
        cache.Set(fresh, later);

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(fresh.IdHash, later, out _));
    }

    private static Session NewSession() => new(
        RandomNumberGenerator.GetBytes(32), Guid.NewGuid().ToString("N"), "user", Now, Now, Now.AddMinutes(30), Now.AddHours(24), null, null);
}
