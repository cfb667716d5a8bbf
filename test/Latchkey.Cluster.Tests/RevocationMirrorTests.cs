using System.Net;
using Latchkey.AccessTokens;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// Revocation entries are copied to Redis (<c>lk:revocations</c>, scored by the expiry of the tokens they
/// cover) beside PostgreSQL, which decides: a node started after Redis lost everything still refuses a
/// token revoked earlier, and puts the entry back in Redis.
/// </summary>
public sealed class RevocationMirrorTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
    private LatchkeyCluster? _cluster;
    private ConnectionMultiplexer? _redis;

    public async Task InitializeAsync()
    {
        _cluster = await LatchkeyCluster.StartAsync(nodes: 1);
        _redis = await ConnectionMultiplexer.ConnectAsync(_cluster.Redis.ConnectionString + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task TokenRevokedEarlier_IsRefusedByANodeStartedAfterRedisFlushAll_AndIsCopiedBack()
    {
        var cluster = _cluster!;
        var a = cluster.Nodes[0];
        var redis = _redis!.GetDatabase();
        var email = TestData.NewEmail();
        await a.RegisterAsync(email);
        var revoked = await a.PasswordGrantAsync(email);
        var kept = await a.PasswordGrantAsync(email);
        var (jti, exp) = revoked.AccessTokenClaims();

        await a.RevokeTokenAsync(revoked.AccessToken);

        // In Redis, scored by the moment the token can no longer be presented (exp plus the clock skew).
        var member = $"1|0|{jti}";
        var expiresAt = exp + ClockSkew;
        Assert.Equal(expiresAt.ToUnixTimeMilliseconds(), await redis.SortedSetScoreAsync("lk:revocations", member));
        var before = TimeProvider.System.GetUtcNow();
        var ttl = (long)await redis.ExecuteAsync("PTTL", "lk:revocations");
        var after = TimeProvider.System.GetUtcNow();
        output.WriteLine($"Revoked access token: ZSCORE {expiresAt.ToUnixTimeMilliseconds()}, key PTTL {ttl} ms (token exp + skew is {(expiresAt - before).TotalMilliseconds:0} ms away).");
        Assert.InRange(ttl, (long)(expiresAt - after).TotalMilliseconds - 1, (long)(expiresAt - before).TotalMilliseconds + 1);
        Assert.Equal(HttpStatusCode.Unauthorized, await a.MeStatusAsync(revoked.AccessToken));

        await _redis.GetServer(_redis.GetEndPoints()[0]).FlushAllDatabasesAsync();
        Assert.False(await redis.KeyExistsAsync("lk:revocations"));

        // A node that starts now has only PostgreSQL to learn the revocation from, and does.
        var b = await cluster.StartNodeAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await b.MeStatusAsync(revoked.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await b.MeStatusAsync(kept.AccessToken));

        // Its start put the entry back where resource servers reading Redis look for it.
        await Poll.UntilAsync(
            async () => await redis.SortedSetScoreAsync("lk:revocations", member) == expiresAt.ToUnixTimeMilliseconds(),
            Deadline,
            "the entry is back in Redis after the new node started");
    }
}
