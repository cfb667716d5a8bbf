using Latchkey.RefreshTokens;
using Latchkey.Accounts;
using Latchkey.Revocation;
using Latchkey.Security;
using Latchkey.Stores.Sqlite;
using Latchkey.Testing;
using Latchkey.Tokens;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Stores.Tests;

/// <summary>
/// Group commit on SQLite: rotations and revocation writes that arrive together share one transaction.
/// Each member still gets the result it would get alone, none is answered before the commit, a failing
/// member neither fails nor undoes the others, and everything answered is on disk after a reopen.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
    private readonly string _directory = LatchkeyTestServer.NewDataDirectory();
    private readonly LogCapture _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private SqliteDatabase _database;

    public SqliteGroupCommitTests()
    {
        _loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        _database = Open();
    }

    private SqliteRefreshTokenStore Tokens => new(_database);

    public void Dispose()
    {
        _database.Dispose();
        _loggerFactory.Dispose();
    }

    [Fact]
    public async Task ConcurrentRotations_AllSucceed_ShareCommits_AndSurviveReopen()
    {
        var user = await CreateUserAsync();
        var families = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => NewFamilyAsync(user)));
        var successors = families.Select(_ => SecretHash.Compute(RandomTokens.Create(32))).ToArray();

        var results = await Task.WhenAll(families.Select((f, i) => Task.Run(() =>
            Tokens.RotateAsync(f.TokenHash, successors[i], Now.AddMinutes(1), Now.AddDays(1), TimeSpan.Zero, default))));

        Assert.All(results, r => Assert.Equal(RotationStatus.Rotated, r.Status));
        Assert.Equal(families.Select(f => f.Family.FamilyId), results.Select(r => r.Family!.FamilyId));
        Assert.Contains(_logs.Named("GroupCommitted"), e => int.Parse(e["Count"]!, System.Globalization.CultureInfo.InvariantCulture) > 1);

        Reopen();
        foreach (var (family, index) in families.Select((f, i) => (f, i)))
        {
            Assert.Null(await Tokens.FindLiveAsync(family.TokenHash, Now.AddMinutes(2), default));
            Assert.Equal(family.Family.FamilyId, (await Tokens.FindLiveAsync(successors[index], Now.AddMinutes(2), default))?.Family.FamilyId);
        }
    }

    [Fact]
    public async Task MixedBatch_EachMemberGetsItsOwnResult_AndAFailingMemberUndoesNothingElse()
    {
        var user = await CreateUserAsync();
        var valid = await NewFamilyAsync(user);
        var spent = await NewFamilyAsync(user);
        var spentSuccessor = Hash("spent-successor");
        Assert.Equal(RotationStatus.Rotated, (await Tokens.RotateAsync(spent.TokenHash, spentSuccessor, Now, Now.AddDays(1), TimeSpan.Zero, default)).Status);
        var twice = await NewFamilyAsync(user);
        var clash = await NewFamilyAsync(user);

        Task<RotationResult> Rotate(byte[] token, byte[] successor) =>
            Tokens.RotateAsync(token, successor, Now.AddMinutes(1), Now.AddDays(1), TimeSpan.Zero, default);

        Task<RotationResult>[] members;
        Task<int> revocation;
        await using (await HoldWriteLockAsync())
        {
            members =
            [
                Rotate(valid.TokenHash, Hash("valid-next")),
                Rotate(Hash("unknown"), Hash("unknown-next")),
                Rotate(spent.TokenHash, Hash("spent-next")),
                Rotate(twice.TokenHash, Hash("twice-first")),
                Rotate(twice.TokenHash, Hash("twice-second")),
                // The successor's hash is already stored: the insert fails after the spend, inside the batch.
                Rotate(clash.TokenHash, valid.TokenHash),
            ];
            revocation = Revocations().AddAsync(new RevocationEntry(RevocationKind.Session, "sid-1", 0, Now.AddMinutes(5)), default)
                .ContinueWith(_ => 1, TaskScheduler.Default);
            await Task.Delay(100);
            Assert.All(members, m => Assert.False(m.IsCompleted, "answered before the commit"));
        }

        Assert.Equal(RotationStatus.Rotated, (await members[0]).Status);
        Assert.Equal(RotationStatus.Invalid, (await members[1]).Status);
        Assert.Equal(RotationStatus.Reused, (await members[2]).Status);
        Assert.Equal(RotationStatus.Rotated, (await members[3]).Status);
        Assert.Equal(RotationStatus.Reused, (await members[4]).Status);
        Assert.IsType<SqliteException>(await Record.ExceptionAsync(() => members[5]), exactMatch: false);
        Assert.Equal(1, await revocation);
        Assert.Contains(_logs.Named("GroupCommitted"), e => int.Parse(e["Count"]!, System.Globalization.CultureInfo.InvariantCulture) >= 6);

        Reopen();
        Assert.NotNull(await Tokens.FindLiveAsync(Hash("valid-next"), Now.AddMinutes(2), default));
        // Reuse revoked the family, inside the batch as outside.
        Assert.Null(await Tokens.FindLiveAsync(spentSuccessor, Now.AddMinutes(2), default));
        Assert.Null(await Tokens.FindLiveAsync(Hash("twice-first"), Now.AddMinutes(2), default));
        Assert.Null(await Tokens.FindLiveAsync(Hash("twice-second"), Now.AddMinutes(2), default));
        // The failed rotation's spend was rolled back with it: the token still works.
        Assert.NotNull(await Tokens.FindLiveAsync(clash.TokenHash, Now.AddMinutes(2), default));
        Assert.Contains(await Revocations().ListLiveAsync(Now, default), e => e.Id == "sid-1");
    }

    [Fact]
    public async Task CancelledWaiter_DoesNotBreakTheBatch()
    {
        var user = await CreateUserAsync();
        var families = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => NewFamilyAsync(user)));
        using var cancel = new CancellationTokenSource();

        Task<RotationResult>[] rotations;
        await using (await HoldWriteLockAsync())
        {
            rotations = [.. families.Select((f, i) => Tokens.RotateAsync(
                f.TokenHash, Hash("next-" + i), Now.AddMinutes(1), Now.AddDays(1), TimeSpan.Zero, i == 3 ? cancel.Token : default))];
            await Task.Delay(100);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rotations[3]);
        }

        foreach (var i in Enumerable.Range(0, 10).Where(i => i != 3))
        {
            Assert.Equal(RotationStatus.Rotated, (await rotations[i]).Status);
        }

        Reopen();
        foreach (var i in Enumerable.Range(0, 10).Where(i => i != 3))
        {
            Assert.NotNull(await Tokens.FindLiveAsync(Hash("next-" + i), Now.AddMinutes(2), default));
        }

        // Cancelled while it waited for its batch: it never ran, so the presented token is still live.
        Assert.NotNull(await Tokens.FindLiveAsync(families[3].TokenHash, Now.AddMinutes(2), default));
        Assert.Null(await Tokens.FindLiveAsync(Hash("next-3"), Now.AddMinutes(2), default));
    }

    [Fact]
    public void GroupCommitWindow_OutOfRange_StopsTheStart()
    {
        var services = new ServiceCollection();
        new LatchkeyBuilder(services).UseSqlite(o => o.GroupCommitWindow = TimeSpan.FromMilliseconds(50));
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value);
        Assert.Contains("Latchkey:Sqlite:GroupCommitWindow", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Hash(string value) => SecretHash.Compute(value);

    private SqliteRevocationStore Revocations() => new(_database);

    private SqliteDatabase Open() => new(
        Options.Create(new SqliteStoreOptions { Durability = SqliteDurability.Full }),
        Options.Create(new LatchkeyOptions { DataDirectory = _directory }),
        TimeProvider.System,
        _loggerFactory.CreateLogger<SqliteDatabase>());

    private void Reopen()
    {
        _database.Dispose();
        _database = Open();
    }

    /// <summary>Takes the database's write lock from another connection, so that the writes issued meanwhile queue into one batch.</summary>
    private async Task<WriteLock> HoldWriteLockAsync()
    {
        // A write first, so that the writer's loop is parked on the lock before the writes under test queue up.
        var connection = new SqliteConnection($"Data Source={_database.FilePath}");
        await connection.OpenAsync();
        await using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        _ = Revocations().AddAsync(new RevocationEntry(RevocationKind.AccessToken, "parked", 0, Now.AddMinutes(5)), default);
        await Task.Delay(100);
        return new WriteLock(connection);
    }

    private async Task<string> CreateUserAsync()
    {
        var account = new Account(Guid.NewGuid().ToString(), "u@example.com", "U@EXAMPLE.COM", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", Now, Now);
        Assert.True(await new SqliteAccountStore(_database).TryCreateAsync(account, default));
        return account.Id;
    }

    private async Task<(RefreshTokenFamily Family, byte[] TokenHash)> NewFamilyAsync(string userId)
    {
        var family = new RefreshTokenFamily(RandomTokens.Create(16), userId, "latchkey", "read", Now, Now.AddDays(30));
        var hash = SecretHash.Compute(RandomTokens.Create(32));
        await Tokens.CreateFamilyAsync(family, hash, Now.AddDays(1), default);
        return (family, hash);
    }

    private sealed class WriteLock(SqliteConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using (var rollback = connection.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK";
                await rollback.ExecuteNonQueryAsync();
            }

            await connection.DisposeAsync();
        }
    }
}
