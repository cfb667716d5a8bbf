using Latchkey.Accounts;
using Latchkey.Mail;
using Latchkey.Stores.PostgreSql;
using Latchkey.Stores.Relational;
using Latchkey.Stores.Sqlite;
using Latchkey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Latchkey.Stores.Tests;

/// <summary>
/// The mail outbox store, one behaviour on every backend that keeps accounts (the PostgreSQL + Redis topology
/// keeps the outbox in PostgreSQL): the bound, leases, lease-guarded completion and the account cascade.
/// </summary>
public abstract class MailOutboxStoreConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
    private static readonly DateTimeOffset Lease = Now.AddMinutes(5);

    private RelationalDatabase _database = null!;

    private IMailOutboxStore Outbox { get; set; } = null!;

    private IAccountStore Accounts { get; set; } = null!;

    public async Task InitializeAsync()
    {
        (_database, Outbox, Accounts) = await CreateAsync();
        await _database.InitializeAsync(default);
    }

    public Task DisposeAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }

    protected abstract Task<(RelationalDatabase Database, IMailOutboxStore Outbox, IAccountStore Accounts)> CreateAsync();

    [Fact]
    public async Task Enqueue_BeyondMaxPending_IsRefusedAndAddsNothing()
    {
        Assert.True(await Outbox.TryEnqueueAsync(Entry("m1"), 2, default));
        Assert.True(await Outbox.TryEnqueueAsync(Entry("m2"), 2, default));
        Assert.False(await Outbox.TryEnqueueAsync(Entry("m3"), 2, default));
        Assert.Equal(2, await Outbox.CountAsync(default));
    }

    [Fact]
    public async Task Claim_TakesDueUnleasedMessages_CountsTheAttempt_AndNeverTwice()
    {
        await Outbox.TryEnqueueAsync(Entry("due", nextAttemptAt: Now), 10, default);
        await Outbox.TryEnqueueAsync(Entry("later", nextAttemptAt: Now.AddMinutes(1)), 10, default);

        var claimed = Assert.Single(await Outbox.ClaimDueAsync(Now, Lease, 10, default));
        Assert.Equal("due", claimed.Id);
        Assert.Equal(1, claimed.Attempts);
        Assert.Equal(Lease, claimed.LeaseUntil);
        Assert.Equal([1, 2, 3], claimed.Payload);

        // Leased: nobody else gets it until the lease ends; then it can be claimed again (a node died mid-send).
        Assert.Empty(await Outbox.ClaimDueAsync(Now.AddSeconds(1), Lease.AddSeconds(1), 10, default));
        var reclaimed = await Outbox.ClaimDueAsync(Lease, Lease.AddMinutes(5), 10, default);
        Assert.Equal(["due", "later"], reclaimed.Select(e => e.Id).Order());
        Assert.Equal(2, reclaimed.Single(e => e.Id == "due").Attempts);
    }

    [Fact]
    public async Task DeleteAndReschedule_NeedTheLeaseTheyWereClaimedWith()
    {
        await Outbox.TryEnqueueAsync(Entry("m"), 10, default);
        var first = Assert.Single(await Outbox.ClaimDueAsync(Now, Lease, 1, default));
        var second = Assert.Single(await Outbox.ClaimDueAsync(Lease, Lease.AddMinutes(5), 1, default));

        // The first claimer's lease ran out: its outcome must not undo the second claim.
        Assert.False(await Outbox.DeleteAsync("m", first.LeaseUntil, default));
        Assert.False(await Outbox.RescheduleAsync("m", first.LeaseUntil, Now, default));

        Assert.True(await Outbox.RescheduleAsync("m", second.LeaseUntil, Lease.AddMinutes(10), default));
        Assert.Empty(await Outbox.ClaimDueAsync(Lease.AddMinutes(9), Lease.AddMinutes(14), 1, default));
        var third = Assert.Single(await Outbox.ClaimDueAsync(Lease.AddMinutes(10), Lease.AddMinutes(15), 1, default));
        Assert.Equal(3, third.Attempts);
        Assert.True(await Outbox.DeleteAsync("m", third.LeaseUntil, default));
        Assert.Equal(0, await Outbox.CountAsync(default));
    }

    [Fact]
    public async Task ConcurrentClaims_NeverHandOneMessageToTwoClaimers()
    {
        const int Messages = 30;
        for (var i = 0; i < Messages; i++)
        {
            await Outbox.TryEnqueueAsync(Entry($"m{i:00}"), 100, default);
        }

        var claims = await Concurrently.RunAsync(12, async _ =>
        {
            var mine = new List<string>();
            while ((await Outbox.ClaimDueAsync(Now, Lease, 2, default)) is { Count: > 0 } batch)
            {
                mine.AddRange(batch.Select(e => e.Id));
            }

            return mine;
        });

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(Messages, all.Count);
        Assert.Equal(Messages, all.Distinct().Count());
    }

    [Fact]
    public async Task DeletingTheAccount_DropsItsQueuedMail_KeepsOthers()
    {
        var account = new Account("acct-1", "a@example.com", "A@EXAMPLE.COM", "hash", Now, Now, 0);
        Assert.True(await Accounts.TryCreateAsync(account, default));
        await Outbox.TryEnqueueAsync(Entry("mine", accountId: account.Id), 10, default);
        await Outbox.TryEnqueueAsync(Entry("nobody's"), 10, default);

        await _database.RunAsync(async connection =>
        {
            await using var command = connection.Command("DELETE FROM accounts WHERE id = @id", ("id", account.Id));
            return await command.ExecuteNonQueryAsync();
        }, default);

        var left = Assert.Single(await Outbox.ClaimDueAsync(Now, Lease, 10, default));
        Assert.Equal("nobody's", left.Id);
    }

    private static OutboxEntry Entry(string id, DateTimeOffset? nextAttemptAt = null, string? accountId = null) =>
        new(id, accountId, [1, 2, 3], Now, 0, nextAttemptAt ?? Now, DateTimeOffset.UnixEpoch);
}

public sealed class SqliteMailOutboxStoreConformanceTests : MailOutboxStoreConformanceTests
{
    protected override Task<(RelationalDatabase, IMailOutboxStore, IAccountStore)> CreateAsync()
    {
        var database = new SqliteDatabase(
            Options.Create(new SqliteStoreOptions()),
            Options.Create(new LatchkeyOptions { DataDirectory = LatchkeyTestServer.NewDataDirectory() }),
            TimeProvider.System,
            NullLogger<SqliteDatabase>.Instance);
        return Task.FromResult<(RelationalDatabase, IMailOutboxStore, IAccountStore)>(
            (database, new SqliteMailOutboxStore(database), new SqliteAccountStore(database)));
    }
}

public sealed class PostgreSqlMailOutboxStoreConformanceTests : MailOutboxStoreConformanceTests
{
    protected override async Task<(RelationalDatabase, IMailOutboxStore, IAccountStore)> CreateAsync()
    {
        var server = await PostgreSqlServer.GetAsync();
        var database = new PostgreSqlDatabase(await server.CreateDatabaseAsync(), TimeProvider.System, NullLogger<PostgreSqlDatabase>.Instance);
        return (database, new PostgreSqlMailOutboxStore(database), new PostgreSqlAccountStore(database));
    }
}
