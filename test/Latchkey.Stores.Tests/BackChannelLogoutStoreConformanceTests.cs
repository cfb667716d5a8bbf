using Latchkey.Logout;
using Latchkey.Stores.PostgreSql;
using Latchkey.Stores.Relational;
using Latchkey.Stores.Sqlite;
using Latchkey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Latchkey.Stores.Tests;

/// <summary>
/// The back-channel logout store on every relational backend: sign-ins recorded once per session and client, moved to
/// the outbox when the session (or every session of a user but one) ends, leases, lease-guarded completion, pruning.
/// </summary>
public abstract class BackChannelLogoutStoreConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
    private static readonly DateTimeOffset Lease = Now.AddMinutes(2);
    private static readonly DateTimeOffset Expires = Now.AddHours(1);

    private RelationalDatabase _database = null!;

    private IBackChannelLogoutStore Store { get; set; } = null!;

    public async Task InitializeAsync()
    {
        (_database, Store) = await CreateAsync();
        await _database.InitializeAsync(default);
    }

    public Task DisposeAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }

    protected abstract Task<(RelationalDatabase Database, IBackChannelLogoutStore Store)> CreateAsync();

    [Fact]
    public async Task EnqueueForSession_MovesItsSignInsOnce_AndClaimGivesThemOnce()
    {
        await Store.RecordSignInAsync("s1", "u1", "rp", Now, Expires, default);
        await Store.RecordSignInAsync("s1", "u1", "rp", Now, Expires, default);
        await Store.RecordSignInAsync("s1", "u1", "other", Now, Expires, default);
        await Store.RecordSignInAsync("s2", "u1", "rp", Now, Expires, default);

        Assert.Equal(2, await Store.EnqueueForSessionAsync("s1", Now, default));
        Assert.Equal(0, await Store.EnqueueForSessionAsync("s1", Now, default));

        var claimed = await Store.ClaimDueAsync(Now, Lease, 10, default);
        Assert.Equal(["other", "rp"], claimed.Select(n => n.ClientId).Order(StringComparer.Ordinal));
        Assert.All(claimed, n =>
        {
            Assert.Equal("s1", n.SessionId);
            Assert.Equal("u1", n.UserId);
            Assert.Equal(1, n.Attempts);
            Assert.Equal(Lease, n.LeaseUntil);
            Assert.Equal(Now, n.CreatedAt);
        });
        Assert.Empty(await Store.ClaimDueAsync(Now.AddSeconds(1), Lease.AddSeconds(1), 10, default));
    }

    [Fact]
    public async Task EnqueueForUser_SparesTheKeptSession()
    {
        await Store.RecordSignInAsync("a", "u2", "rp", Now, Expires, default);
        await Store.RecordSignInAsync("b", "u2", "rp", Now, Expires, default);
        await Store.RecordSignInAsync("c", "u3", "rp", Now, Expires, default);

        Assert.Equal(1, await Store.EnqueueForUserAsync("u2", "a", Now, default));
        Assert.Equal("b", Assert.Single(await Store.ClaimDueAsync(Now, Lease, 10, default)).SessionId);

        // The kept session is still recorded: it is told when it ends in its turn.
        Assert.Equal(1, await Store.EnqueueForUserAsync("u2", null, Now, default));
        Assert.Equal("a", Assert.Single(await Store.ClaimDueAsync(Now, Lease, 10, default)).SessionId);
    }

    [Fact]
    public async Task Reschedule_And_Delete_NeedTheLease()
    {
        await Store.RecordSignInAsync("s", "u", "rp", Now, Expires, default);
        await Store.EnqueueForSessionAsync("s", Now, default);
        var claimed = Assert.Single(await Store.ClaimDueAsync(Now, Lease, 10, default));

        Assert.False(await Store.DeleteAsync(claimed with { LeaseUntil = Lease.AddSeconds(1) }, default));
        Assert.True(await Store.RescheduleAsync(claimed, Now.AddSeconds(30), default));
        Assert.Empty(await Store.ClaimDueAsync(Now.AddSeconds(29), Now.AddMinutes(3), 10, default));

        var again = Assert.Single(await Store.ClaimDueAsync(Now.AddSeconds(30), Now.AddMinutes(3), 10, default));
        Assert.Equal(2, again.Attempts);
        Assert.False(await Store.DeleteAsync(claimed, default));
        Assert.True(await Store.DeleteAsync(again, default));
        Assert.Empty(await Store.ClaimDueAsync(Now.AddHours(2), Now.AddHours(3), 10, default));
    }

    [Fact]
    public async Task ExpiredLease_LetsAnotherNodeClaim()
    {
        await Store.RecordSignInAsync("s", "u", "rp", Now, Expires, default);
        await Store.EnqueueForSessionAsync("s", Now, default);
        var first = Assert.Single(await Store.ClaimDueAsync(Now, Lease, 10, default));

        var second = Assert.Single(await Store.ClaimDueAsync(Lease, Lease.AddMinutes(2), 10, default));
        Assert.Equal(2, second.Attempts);
        Assert.False(await Store.RescheduleAsync(first, Now.AddMinutes(10), default));
    }

    [Fact]
    public async Task Prune_DropsSignInsOfExpiredSessions()
    {
        await Store.RecordSignInAsync("old", "u", "rp", Now, Now.AddMinutes(1), default);
        await Store.RecordSignInAsync("live", "u", "rp", Now, Expires, default);

        Assert.Equal(1, await Store.PruneAsync(Now.AddMinutes(1), default));
        Assert.Equal(0, await Store.EnqueueForSessionAsync("old", Now, default));
        Assert.Equal(1, await Store.EnqueueForSessionAsync("live", Now, default));
    }
}

public sealed class SqliteBackChannelLogoutStoreConformanceTests : BackChannelLogoutStoreConformanceTests
{
    protected override Task<(RelationalDatabase Database, IBackChannelLogoutStore Store)> CreateAsync()
    {
        var database = new SqliteDatabase(
            Options.Create(new SqliteStoreOptions()),
            Options.Create(new LatchkeyOptions { DataDirectory = LatchkeyTestServer.NewDataDirectory() }),
            TimeProvider.System,
            NullLogger<SqliteDatabase>.Instance);
        return Task.FromResult<(RelationalDatabase, IBackChannelLogoutStore)>((database, new SqliteBackChannelLogoutStore(database)));
    }
}

public sealed class PostgreSqlBackChannelLogoutStoreConformanceTests : BackChannelLogoutStoreConformanceTests
{
    protected override async Task<(RelationalDatabase Database, IBackChannelLogoutStore Store)> CreateAsync()
    {
        var server = await PostgreSqlServer.GetAsync();
        var database = new PostgreSqlDatabase(await server.CreateDatabaseAsync(), TimeProvider.System, NullLogger<PostgreSqlDatabase>.Instance);
        return (database, new PostgreSqlBackChannelLogoutStore(database));
    }
}
