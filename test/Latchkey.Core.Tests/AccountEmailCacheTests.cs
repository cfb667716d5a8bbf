using Latchkey.Accounts;
using Latchkey.Sessions;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.Tests;

/// <summary>The in-memory account emails behind <c>GET /api/me</c> keep the session cache's age and size bounds.</summary>
public sealed class AccountEmailCacheTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly SessionOptions _options = new() { CacheMaxEntries = 100, CacheMaxAge = TimeSpan.FromSeconds(30) };

    [Fact]
    public void TryGet_OneTickBeforeAndAtCacheMaxAge_ServesThenMisses()
    {
        var cache = new AccountEmailCache(Options.Create(_options));
        cache.Set("account", "ada@example.com", Now);

        Assert.True(cache.TryGet("account", Now + _options.CacheMaxAge - TimeSpan.FromTicks(1), out var email));
        Assert.Equal("ada@example.com", email);
        Assert.False(cache.TryGet("account", Now + _options.CacheMaxAge, out _));
    }

    [Fact]
    public void Set_BeyondCacheMaxEntries_KeepsTheBoundUntilEntriesAge()
    {
        var cache = new AccountEmailCache(Options.Create(_options));
        for (var i = 0; i < 150; i++)
        {
            cache.Set($"account-{i}", $"user{i}@example.com", Now);
        }

        Assert.True(cache.TryGet("account-0", Now, out _));
        Assert.False(cache.TryGet("account-149", Now, out _));

        var later = Now + _options.CacheMaxAge;
        cache.Set("account-new", "new@example.com", later);
        Assert.True(cache.TryGet("account-new", later, out _));
    }

    [Fact]
    public void Set_WithCacheMaxAgeZero_KeepsNothing()
    {
        var cache = new AccountEmailCache(Options.Create(new SessionOptions { CacheMaxAge = TimeSpan.Zero }));
        cache.Set("account", "ada@example.com", Now);

        Assert.False(cache.TryGet("account", Now, out _));
    }
}
