using System.Diagnostics;
using Latchkey.Revocation;
using Latchkey.Security;
using Latchkey.Storage;
using Latchkey.Stores.PostgreSql;
using Latchkey.Stores.Redis;
using Latchkey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Latchkey.Stores.Tests;

/// <summary>
/// Revocation entries in PostgreSQL, copied to a real Redis: each entry is in the sorted set scored by
/// the expiry of the tokens it covers, the set expires with its last entry, a revocation made while
/// Redis is down succeeds and is copied when Redis returns, and a listing is the union of both.
/// Redis expires keys on its own clock, so these tests run on the real one.
/// </summary>
public sealed class RedisRevocationMirrorTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private RedisServer? _server;
    private RedisConnection? _connection;
    private PostgreSqlDatabase? _database;
    private RedisMirroredRevocationStore _store = null!;
    private PostgreSqlRevocationStore _durable = null!;

    private IDatabase Redis => _connection!.Database;

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _connection = new RedisConnection(_server.ConnectionString + ",allowAdmin=true", NullLogger<RedisConnection>.Instance);
        var postgreSql = await PostgreSqlServer.GetAsync();
        _database = new PostgreSqlDatabase(await postgreSql.CreateDatabaseAsync(), TimeProvider.System, NullLogger<PostgreSqlDatabase>.Instance);
        await _database.InitializeAsync(default);
        _durable = new PostgreSqlRevocationStore(_database);
        _store = NewStore(_durable);
    }

    public async Task DisposeAsync()
    {
        _database?.Dispose();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Add_CopiesEachEntryToRedis_ScoredByAndExpiringWithTheTokensItCovers()
    {
        var now = TimeProvider.System.GetUtcNow();
        var token = Entry(RevocationKind.AccessToken, RandomTokens.Create(16), 0, now.AddMinutes(10));
        var family = Entry(RevocationKind.Session, "rtf_" + RandomTokens.Create(16), 0, now.AddMinutes(11));
        var user = Entry(RevocationKind.UserGeneration, Guid.NewGuid().ToString(), 3, now.AddMinutes(12));

        foreach (var entry in new[] { token, family, user })
        {
            await _store.AddAsync(entry, default);
        }

        foreach (var entry in new[] { token, family, user })
        {
            Assert.Equal(entry.ExpiresAt.ToUnixTimeMilliseconds(), await Redis.SortedSetScoreAsync(RedisRevocationMirror.Key, RedisRevocationMirror.Member(entry)));
        }

        Assert.Equal($"1|0|{token.Id}", RedisRevocationMirror.Member(token));
        Assert.Equal($"3|3|{user.Id}", RedisRevocationMirror.Member(user));

        // The set lives exactly as long as its latest entry: PTTL is that expiry as seen by Redis now.
        var before = TimeProvider.System.GetUtcNow();
        var ttl = await Redis.ExecuteAsync("PTTL", RedisRevocationMirror.Key);
        var after = TimeProvider.System.GetUtcNow();
        output.WriteLine($"PTTL {(long)ttl} ms; the latest entry expires {(user.ExpiresAt - before).TotalMilliseconds:0} ms after the call.");
        Assert.InRange((long)ttl, (long)(user.ExpiresAt - after).TotalMilliseconds - 1, (long)(user.ExpiresAt - before).TotalMilliseconds + 1);

        // The durable store has each one too: it decides.
        Assert.Equal(3, (await _durable.ListLiveAsync(now, default)).Count);
    }

    [Fact]
    public async Task Entries_VanishFromRedis_OnceTheTokensTheyCoverHaveExpired()
    {
        var now = TimeProvider.System.GetUtcNow();
        var soon = Entry(RevocationKind.AccessToken, RandomTokens.Create(16), 0, now.AddSeconds(1));
        await _store.AddAsync(soon, default);
        Assert.True(await Redis.KeyExistsAsync(RedisRevocationMirror.Key));

        // Alone in the set, the entry goes with the key, which Redis expires by itself.
        await WaitUntilAsync(async () => !await Redis.KeyExistsAsync(RedisRevocationMirror.Key), "the set expired with its only entry");

        // Beside a later entry, an expired one is never listed and is dropped by the next write.
        var early = Entry(RevocationKind.AccessToken, RandomTokens.Create(16), 0, TimeProvider.System.GetUtcNow().AddSeconds(1));
        var late = Entry(RevocationKind.Session, RandomTokens.Create(16), 0, TimeProvider.System.GetUtcNow().AddMinutes(10));
        await _store.AddAsync(early, default);
        await _store.AddAsync(late, default);
        await WaitUntilAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() > early.ExpiresAt), "the early entry's expiry");

        var mirror = new RedisRevocationMirror(_connection!);
        Assert.Equal([late], await mirror.ListLiveAsync(TimeProvider.System.GetUtcNow()));
        await _store.AddAsync(Entry(RevocationKind.AccessToken, RandomTokens.Create(16), 0, late.ExpiresAt), default);
        Assert.Null(await Redis.SortedSetScoreAsync(RedisRevocationMirror.Key, RedisRevocationMirror.Member(early)));
        Assert.Equal(2, await Redis.SortedSetLengthAsync(RedisRevocationMirror.Key));
    }

    [Fact]
    public async Task Add_WhileRedisIsDown_SucceedsInTheDurableStore_AndIsCopiedWhenRedisReturns()
    {
        var before = Entry(RevocationKind.Session, RandomTokens.Create(16), 0, TimeProvider.System.GetUtcNow().AddMinutes(10));
        await _store.AddAsync(before, default);

        await _server!.KillAsync();
        var during = Entry(RevocationKind.AccessToken, RandomTokens.Create(16), 0, TimeProvider.System.GetUtcNow().AddMinutes(10));
        await _store.AddAsync(during, default);

        Assert.True(_store.IsBehind);
        Assert.Contains(during, await _durable.ListLiveAsync(TimeProvider.System.GetUtcNow(), default));

        // Nothing but the reconnect makes the copy: no listing, no pruning.
        await _server.RestartAsync();
        await WaitUntilAsync(
            async () => await TryScoreAsync(during) == during.ExpiresAt.ToUnixTimeMilliseconds(),
            "the entry revoked during the outage is in Redis");
        Assert.False(_store.IsBehind);
        Assert.Equal(before.ExpiresAt.ToUnixTimeMilliseconds(), await Redis.SortedSetScoreAsync(RedisRevocationMirror.Key, RedisRevocationMirror.Member(before)));
    }

    [Fact]
    public async Task ListLive_AfterRedisLostItsData_ReturnsTheDurableEntries_AndCopiesThemBack()
    {
        var now = TimeProvider.System.GetUtcNow();
        var kept = Entry(RevocationKind.UserGeneration, Guid.NewGuid().ToString(), 2, now.AddMinutes(10));
        await _store.AddAsync(kept, default);
        await Redis.ExecuteAsync("FLUSHALL");

        // Something only Redis has (written by a node whose durable write this store cannot see) is kept too.
        var onlyInRedis = Entry(RevocationKind.AccessToken, RandomTokens.Create(16), 0, now.AddMinutes(5));
        await new RedisRevocationMirror(_connection!).AddAsync([onlyInRedis], now);

        var listed = await _store.ListLiveAsync(now, default);

        Assert.Equal(2, listed.Count);
        Assert.Contains(kept, listed);
        Assert.Contains(onlyInRedis, listed);
        Assert.Equal(kept.ExpiresAt.ToUnixTimeMilliseconds(), await Redis.SortedSetScoreAsync(RedisRevocationMirror.Key, RedisRevocationMirror.Member(kept)));
    }

    [Fact]
    public async Task ListLive_WhenTheDurableStoreDoesNotAnswer_ReturnsTheRedisCopy_AndWhenNeitherDoes_Throws()
    {
        var now = TimeProvider.System.GetUtcNow();
        var entry = Entry(RevocationKind.Session, RandomTokens.Create(16), 0, now.AddMinutes(10));
        await _store.AddAsync(entry, default);
        var postgreSql = await PostgreSqlServer.GetAsync();
        using var missing = new PostgreSqlDatabase(
            $"Host=127.0.0.1;Port={postgreSql.Port};Username=postgres;Database=missing_{Guid.NewGuid():N};Timeout=2",
            TimeProvider.System,
            NullLogger<PostgreSqlDatabase>.Instance);
        var store = NewStore(new PostgreSqlRevocationStore(missing));

        Assert.Equal([entry], await store.ListLiveAsync(now, default));

        await _server!.KillAsync();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ListLiveAsync(now, default));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(10_000)]
    public async Task MemoryPerEntry_IsReported_AndStaysSmall(int count)
    {
        var now = TimeProvider.System.GetUtcNow();
        var entries = Enumerable.Range(0, count).Select(i => (i % 3) switch
        {
            0 => Entry(RevocationKind.AccessToken, RandomTokens.Create(16), 0, now.AddMinutes(10).AddMilliseconds(i)),
            1 => Entry(RevocationKind.Session, "rtf_" + RandomTokens.Create(16), 0, now.AddMinutes(10).AddMilliseconds(i)),
            _ => Entry(RevocationKind.UserGeneration, Guid.NewGuid().ToString(), 1 + (i % 7), now.AddMinutes(10).AddMilliseconds(i)),
        }).ToList();

        await new RedisRevocationMirror(_connection!).AddAsync(entries, now);

        Assert.Equal(count, await Redis.SortedSetLengthAsync(RedisRevocationMirror.Key));
        var bytes = (long)await Redis.ExecuteAsync("MEMORY", "USAGE", RedisRevocationMirror.Key, "SAMPLES", "0");
        var encoding = (string?)await Redis.ExecuteAsync("OBJECT", "ENCODING", RedisRevocationMirror.Key);
        output.WriteLine($"{count} entries ({encoding}): MEMORY USAGE {bytes} bytes, {(double)bytes / count:0.#} bytes per entry.");
        // Measured on Redis 7.0: 52 bytes per entry while the set is a listpack (up to 128 entries), 135
        // as a skiplist; a key per entry costs about as much, but would need a SCAN to be read back.
        Assert.InRange((double)bytes / count, 1, 160);
    }

    private RedisMirroredRevocationStore NewStore(IRevocationStore durable) =>
        new(durable, new RedisRevocationMirror(_connection!), TimeProvider.System, NullLogger<RedisMirroredRevocationStore>.Instance);

    // Times are whole milliseconds, as every store keeps them.
    private static RevocationEntry Entry(RevocationKind kind, string id, long generation, DateTimeOffset expiresAt) =>
        new(kind, id, generation, DateTimeOffset.FromUnixTimeMilliseconds(expiresAt.ToUnixTimeMilliseconds()));

    private async Task<double?> TryScoreAsync(RevocationEntry entry)
    {
        try
        {
            return await Redis.SortedSetScoreAsync(RedisRevocationMirror.Key, RedisRevocationMirror.Member(entry));
        }
        catch (RedisException)
        {
            return null;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Deadline, $"{what}: not within {Deadline.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }
}
