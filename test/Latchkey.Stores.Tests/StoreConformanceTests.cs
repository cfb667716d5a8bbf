using Latchkey.Accounts;
using Latchkey.Keys;
using Latchkey.RefreshTokens;
using Latchkey.Revocation;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Tokens;

namespace Latchkey.Stores.Tests;

/// <summary>
/// One behaviour, every backend: each subclass runs these tests against its own store. Times are whole
/// milliseconds, as every store keeps them.
/// </summary>
public abstract partial class StoreConformanceTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    protected StoreSet Stores { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stores = await CreateAsync();
        await Stores.Database.InitializeAsync(default);
    }

    public virtual Task DisposeAsync()
    {
        Stores.Dispose();
        return Task.CompletedTask;
    }

    protected abstract Task<StoreSet> CreateAsync();

    [Fact]
    public async Task Accounts_CreateFindAndUniqueness()
    {
        var account = NewAccount("a@example.com");
        Assert.True(await Stores.Accounts.TryCreateAsync(account, default));
        Assert.False(await Stores.Accounts.TryCreateAsync(account with { Id = "other", Email = "A@example.com" }, default));

        Assert.Equal(account, await Stores.Accounts.FindByIdAsync(account.Id, default));
        Assert.Equal(account, await Stores.Accounts.FindByNormalizedEmailAsync(account.NormalizedEmail, default));
        Assert.Null(await Stores.Accounts.FindByIdAsync("missing", default));
        Assert.Null(await Stores.Accounts.FindByNormalizedEmailAsync("MISSING@EXAMPLE.COM", default));
    }

    [Fact]
    public async Task Accounts_ReplacePasswordHash_IsCompareAndSet()
    {
        var account = NewAccount("b@example.com");
        await Stores.Accounts.TryCreateAsync(account, default);

        Assert.False(await Stores.Accounts.TryReplacePasswordHashAsync(account.Id, "stale", "new", Now, default));
        Assert.True(await Stores.Accounts.TryReplacePasswordHashAsync(account.Id, account.PasswordHash, "new", Now.AddSeconds(1), default));
        Assert.False(await Stores.Accounts.TryReplacePasswordHashAsync(account.Id, account.PasswordHash, "newer", Now, default));

        var stored = await Stores.Accounts.FindByIdAsync(account.Id, default);
        Assert.Equal("new", stored!.PasswordHash);
        Assert.Equal(Now.AddSeconds(1), stored.PasswordChangedAt);
    }

    [Fact]
    public async Task Accounts_RaiseTokenGeneration_CountsUpAtomically()
    {
        var account = NewAccount("c@example.com");
        await Stores.Accounts.TryCreateAsync(account, default);

        var raised = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Stores.Accounts.RaiseTokenGenerationAsync(account.Id, default)));

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long?)i), raised.Order());
        Assert.Equal(10, (await Stores.Accounts.FindByIdAsync(account.Id, default))!.TokenGeneration);
        Assert.Null(await Stores.Accounts.RaiseTokenGenerationAsync("missing", default));
    }

    [Fact]
    public async Task Accounts_DisabledAt_IsSetAndCleared()
    {
        var account = NewAccount("d@example.com");
        await Stores.Accounts.TryCreateAsync(account, default);

        Assert.True(await Stores.Accounts.SetDisabledAtAsync(account.Id, Now.AddMinutes(1), default));
        Assert.Equal(Now.AddMinutes(1), (await Stores.Accounts.FindByIdAsync(account.Id, default))!.DisabledAt);
        Assert.Equal(Now.AddMinutes(1), (await Stores.Accounts.FindByNormalizedEmailAsync(account.NormalizedEmail, default))!.DisabledAt);
        Assert.True(await Stores.Accounts.SetDisabledAtAsync(account.Id, null, default));
        Assert.Equal(account, await Stores.Accounts.FindByIdAsync(account.Id, default));
        Assert.False(await Stores.Accounts.SetDisabledAtAsync("missing", Now, default));
    }

    [Fact]
    public async Task Accounts_Delete_RemovesTheAccountAndEverythingItOwns()
    {
        var user = await CreateUserAsync("del@example.com");
        var bystander = await CreateUserAsync("keep@example.com");
        var session = NewSession(user, Now);
        var kept = NewSession(bystander, Now);
        await Stores.Sessions.CreateAsync(session, default);
        await Stores.Sessions.CreateAsync(kept, default);
        var (_, token) = await NewFamilyAsync(user);
        var (_, keptToken) = await NewFamilyAsync(bystander);

        Assert.True(await Stores.Accounts.DeleteAsync(user, default));

        // What the database does not own (Redis sessions) the lifecycle service deletes next, as here.
        await Stores.Sessions.DeleteAllForUserAsync(user, null, default);
        Assert.Null(await Stores.Accounts.FindByIdAsync(user, default));
        Assert.Null(await Stores.Accounts.FindByNormalizedEmailAsync("DEL@EXAMPLE.COM", default));
        Assert.Null(await Stores.Sessions.FindAsync(session.IdHash, default));
        Assert.Empty(await Stores.Sessions.ListForUserAsync(user, Now, default));
        Assert.Null(await Stores.RefreshTokens.FindLiveAsync(token, Now, default));
        Assert.False(await Stores.Accounts.DeleteAsync(user, default));
        Assert.NotNull(await Stores.Sessions.FindAsync(kept.IdHash, default));
        Assert.NotNull(await Stores.RefreshTokens.FindLiveAsync(keptToken, Now, default));
    }

    [Fact]
    public async Task RefreshTokens_FamilyForDeletedAccount_ThrowsAccountGone()
    {
        var user = await CreateUserAsync("gone@example.com");
        await Stores.Accounts.DeleteAsync(user, default);

        await Assert.ThrowsAsync<AccountGoneException>(() => NewFamilyAsync(user));
    }

    [Fact]
    public async Task Sessions_LifecycleAndQueries()
    {
        var user = await CreateUserAsync("s@example.com");
        var other = await CreateUserAsync("t@example.com");
        var a = NewSession(user, Now);
        var b = NewSession(user, Now.AddMinutes(1));
        var expired = NewSession(user, Now.AddHours(-2));
        var foreign = NewSession(other, Now);
        foreach (var s in new[] { a, b, expired, foreign })
        {
            await Stores.Sessions.CreateAsync(s, default);
        }

        AssertSameSession(a, await Stores.Sessions.FindAsync(a.IdHash, default));
        Assert.Null(await Stores.Sessions.FindAsync(SecretHash.Compute("missing"), default));

        var listed = await Stores.Sessions.ListForUserAsync(user, Now.AddMinutes(2), default);
        Assert.Equal([b.PublicId, a.PublicId], listed.Select(s => s.PublicId));

        Assert.True(await Stores.Sessions.TouchAsync(a.IdHash, Now.AddMinutes(5), Now.AddMinutes(35), default));
        var touched = await Stores.Sessions.FindAsync(a.IdHash, default);
        Assert.Equal(Now.AddMinutes(5), touched!.LastSeenAt);
        Assert.Equal(Now.AddMinutes(35), touched.IdleExpiresAt);
        Assert.False(await Stores.Sessions.TouchAsync(SecretHash.Compute("missing"), Now, Now, default));

        Assert.Null(await Stores.Sessions.DeleteByPublicIdAsync(other, a.PublicId, default));
        Assert.Equal(a.PublicId, (await Stores.Sessions.DeleteByPublicIdAsync(user, a.PublicId, default))!.PublicId);
        Assert.False(await Stores.Sessions.DeleteAsync(a.IdHash, default));

        // SQL stores delete expired rows when pruned; Redis has expired the key by itself.
        await Stores.Sessions.PruneAsync(Now.AddMinutes(2), default);
        Assert.Null(await Stores.Sessions.FindAsync(expired.IdHash, default));
        Assert.NotNull(await Stores.Sessions.FindAsync(b.IdHash, default));
        Assert.Equal(1, await Stores.Sessions.DeleteAllForUserAsync(user, null, default));
        Assert.NotNull(await Stores.Sessions.FindAsync(foreign.IdHash, default));
    }

    [Fact]
    public async Task Sessions_DeleteAllForUser_KeepsTheExceptedOne()
    {
        var user = await CreateUserAsync("k@example.com");
        var keep = NewSession(user, Now);
        var drop = NewSession(user, Now);
        await Stores.Sessions.CreateAsync(keep, default);
        await Stores.Sessions.CreateAsync(drop, default);

        Assert.Equal(1, await Stores.Sessions.DeleteAllForUserAsync(user, keep.IdHash, default));
        Assert.NotNull(await Stores.Sessions.FindAsync(keep.IdHash, default));
        Assert.Null(await Stores.Sessions.FindAsync(drop.IdHash, default));
    }

    [Fact]
    public async Task Sessions_Touch_NeverMovesActivityBackwards()
    {
        var user = await CreateUserAsync("m@example.com");
        var session = NewSession(user, Now);
        await Stores.Sessions.CreateAsync(session, default);

        Assert.True(await Stores.Sessions.TouchAsync(session.IdHash, Now.AddMinutes(10), Now.AddMinutes(40), default));
        Assert.True(await Stores.Sessions.TouchAsync(session.IdHash, Now.AddMinutes(5), Now.AddMinutes(35), default));

        Assert.Equal(Now.AddMinutes(10), (await Stores.Sessions.FindAsync(session.IdHash, default))!.LastSeenAt);
    }

    [Fact]
    public async Task Sessions_UserAgent_RoundTripsIdentically()
    {
        var user = await CreateUserAsync("ua@example.com");
        // The longest user agent Core keeps, with characters of every UTF-8 width (a surrogate pair included).
        var longest = SessionManager.KeptUserAgent(string.Concat(Enumerable.Repeat("Mozilla/5.0 (X11; Linux) é 日本 😀 ", 12)))!;
        Assert.InRange(longest.Length, SessionManager.MaxUserAgentLength - 1, SessionManager.MaxUserAgentLength);

        foreach (var agent in new[] { longest, "curl/8.5.0", null })
        {
            var session = NewSession(user, Now) with { UserAgent = agent };
            await Stores.Sessions.CreateAsync(session, default);
            Assert.Equal(agent, (await Stores.Sessions.FindAsync(session.IdHash, default))!.UserAgent);
            Assert.Equal(agent, (await Stores.Sessions.ListForUserAsync(user, Now, default)).Single(s => s.PublicId == session.PublicId).UserAgent);

            Assert.True(await Stores.Sessions.TouchAsync(session.IdHash, Now.AddMinutes(2), Now.AddMinutes(32), default));
            Assert.Equal(agent, (await Stores.Sessions.FindAsync(session.IdHash, default))!.UserAgent);
        }
    }

    [Fact]
    public async Task Sessions_ConcurrentRevokeAndTouch_NeverResurrectsTheSession()
    {
        var user = await CreateUserAsync("race@example.com");
        for (var round = 0; round < 30; round++)
        {
            var session = NewSession(user, Now);
            await Stores.Sessions.CreateAsync(session, default);
            var touches = Enumerable.Range(1, 8).Select(i => Task.Run(() =>
                Stores.Sessions.TouchAsync(session.IdHash, Now.AddSeconds(i), Now.AddMinutes(30).AddSeconds(i), default)));
            var revoke = Task.Run(async () => (round % 3) switch
            {
                0 => await Stores.Sessions.DeleteAsync(session.IdHash, default),
                1 => await Stores.Sessions.DeleteByPublicIdAsync(user, session.PublicId, default) is not null,
                _ => await Stores.Sessions.DeleteAllForUserAsync(user, null, default) == 1,
            });

            await Task.WhenAll([.. touches, revoke]);
            Assert.True(await revoke);
            Assert.Null(await Stores.Sessions.FindAsync(session.IdHash, default));
            Assert.Empty(await Stores.Sessions.ListForUserAsync(user, Now, default));
            Assert.False(await Stores.Sessions.TouchAsync(session.IdHash, Now.AddMinutes(1), Now.AddMinutes(31), default));
        }
    }

    [Fact]
    public async Task RefreshTokens_RotateThenReuse_RevokesFamily()
    {
        var user = await CreateUserAsync("r@example.com");
        var (family, first) = await NewFamilyAsync(user);
        var second = SecretHash.Compute("second");
        var third = SecretHash.Compute("third");

        var rotated = await Stores.RefreshTokens.RotateAsync(first, second, Now.AddMinutes(1), Now.AddDays(1), TimeSpan.Zero, default);
        Assert.Equal(RotationStatus.Rotated, rotated.Status);
        Assert.Equal(family, rotated.Family);
        Assert.NotNull(await Stores.RefreshTokens.FindLiveAsync(second, Now.AddMinutes(1), default));
        Assert.Null(await Stores.RefreshTokens.FindLiveAsync(first, Now.AddMinutes(1), default));

        var reused = await Stores.RefreshTokens.RotateAsync(first, third, Now.AddMinutes(2), Now.AddDays(1), TimeSpan.Zero, default);
        Assert.Equal(RotationStatus.Reused, reused.Status);
        Assert.Null(await Stores.RefreshTokens.FindLiveAsync(second, Now.AddMinutes(2), default));
        Assert.Equal(RotationStatus.Invalid, (await Stores.RefreshTokens.RotateAsync(second, third, Now.AddMinutes(3), Now.AddDays(1), TimeSpan.Zero, default)).Status);
    }

    [Fact]
    public async Task RefreshTokens_ReuseInsideGrace_ReplaysWithoutRevoking()
    {
        var user = await CreateUserAsync("g@example.com");
        var (_, first) = await NewFamilyAsync(user);
        var second = SecretHash.Compute("second-g");

        Assert.Equal(RotationStatus.Rotated, (await Stores.RefreshTokens.RotateAsync(first, second, Now, Now.AddDays(1), TimeSpan.FromSeconds(10), default)).Status);
        Assert.Equal(RotationStatus.GraceReplay, (await Stores.RefreshTokens.RotateAsync(first, second, Now.AddSeconds(5), Now.AddDays(1), TimeSpan.FromSeconds(10), default)).Status);
        Assert.NotNull(await Stores.RefreshTokens.FindLiveAsync(second, Now.AddSeconds(5), default));

        Assert.Equal(RotationStatus.Reused, (await Stores.RefreshTokens.RotateAsync(first, second, Now.AddSeconds(11), Now.AddDays(1), TimeSpan.FromSeconds(10), default)).Status);
        Assert.Null(await Stores.RefreshTokens.FindLiveAsync(second, Now.AddSeconds(11), default));
    }

    [Fact]
    public async Task RefreshTokens_ParallelRotations_ExactlyOneWins()
    {
        var user = await CreateUserAsync("p@example.com");
        var (_, first) = await NewFamilyAsync(user);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() =>
            Stores.RefreshTokens.RotateAsync(first, SecretHash.Compute("successor-" + i), Now, Now.AddDays(1), TimeSpan.Zero, default))));

        Assert.Equal(1, results.Count(r => r.Status == RotationStatus.Rotated));
        Assert.All(results.Where(r => r.Status != RotationStatus.Rotated), r => Assert.True(r.Status is RotationStatus.Reused or RotationStatus.Invalid));
    }

    [Fact]
    public async Task RefreshTokens_ExpiryAndRevocation()
    {
        var user = await CreateUserAsync("e@example.com");
        var (family, first) = await NewFamilyAsync(user);

        Assert.Null(await Stores.RefreshTokens.FindLiveAsync(first, Now.AddDays(2), default));
        Assert.Equal(RotationStatus.Invalid, (await Stores.RefreshTokens.RotateAsync(first, SecretHash.Compute("x"), Now.AddDays(2), Now.AddDays(3), TimeSpan.Zero, default)).Status);

        var (family2, token2) = await NewFamilyAsync(user);
        Assert.Equal(family2.FamilyId, (await Stores.RefreshTokens.RevokeFamilyOfAsync(token2, Now, default))!.FamilyId);
        Assert.Null(await Stores.RefreshTokens.FindLiveAsync(token2, Now, default));
        Assert.Null(await Stores.RefreshTokens.RevokeFamilyOfAsync(SecretHash.Compute("unknown"), Now, default));

        var (family3, _) = await NewFamilyAsync(user);
        var revoked = await Stores.RefreshTokens.RevokeAllForUserAsync(user, Now, default);
        Assert.Contains(family3.FamilyId, revoked);
        Assert.Contains(family.FamilyId, revoked);
        Assert.DoesNotContain(family2.FamilyId, revoked);

        Assert.True(await Stores.RefreshTokens.PruneAsync(Now.AddDays(60), default) >= 3);
    }

    [Fact]
    public async Task RefreshTokens_Prune_DropsSpentTokensPastTheirExpiry_KeepsTheLiveOne()
    {
        var user = await CreateUserAsync("h@example.com");
        var (_, first) = await NewFamilyAsync(user);
        var second = SecretHash.Compute("second-h");
        Assert.Equal(RotationStatus.Rotated, (await Stores.RefreshTokens.RotateAsync(first, second, Now.AddHours(1), Now.AddHours(25), TimeSpan.Zero, default)).Status);

        Assert.Equal(1, await Stores.RefreshTokens.PruneAsync(Now.AddDays(1).AddMinutes(1), default));

        Assert.NotNull(await Stores.RefreshTokens.FindLiveAsync(second, Now.AddDays(1).AddMinutes(1), default));
        Assert.Equal(RotationStatus.Rotated, (await Stores.RefreshTokens.RotateAsync(
            second, SecretHash.Compute("third-h"), Now.AddDays(1).AddMinutes(2), Now.AddDays(2), TimeSpan.Zero, default)).Status);
    }

    [Fact]
    public async Task SigningKeys_SequenceIsUnique()
    {
        var first = new StoredSigningKey("kid-1", 1, SigningAlgorithms.ES256, Now, Now, [1, 2, 3]);
        Assert.True(await Stores.Keys.TryAddAsync(first, default));
        Assert.False(await Stores.Keys.TryAddAsync(first with { Kid = "kid-other" }, default));
        Assert.True(await Stores.Keys.TryAddAsync(first with { Kid = "kid-2", Sequence = 2 }, default));

        var keys = await Stores.Keys.ListAsync(default);
        Assert.Equal(["kid-1", "kid-2"], keys.Select(k => k.Kid));
        Assert.Equal(first.EncryptedPrivateKey, keys[0].EncryptedPrivateKey);
        Assert.Equal(1, await Stores.Keys.DeleteBeforeAsync(2, default));
        Assert.Equal(["kid-2"], (await Stores.Keys.ListAsync(default)).Select(k => k.Kid));
    }

    [Fact]
    public async Task Revocations_UpsertKeepsTheGreatest_AndPrunes()
    {
        await Stores.Revocations.AddAsync(new RevocationEntry(RevocationKind.UserGeneration, "u1", 3, Now.AddMinutes(10)), default);
        await Stores.Revocations.AddAsync(new RevocationEntry(RevocationKind.UserGeneration, "u1", 2, Now.AddMinutes(20)), default);
        await Stores.Revocations.AddAsync(new RevocationEntry(RevocationKind.AccessToken, "jti", 0, Now.AddMinutes(1)), default);
        await Stores.Revocations.AddAsync(new RevocationEntry(RevocationKind.Session, "sid", 0, Now.AddMinutes(5)), default);

        var live = await Stores.Revocations.ListLiveAsync(Now.AddMinutes(2), default);
        Assert.Equal(2, live.Count);
        var user = Assert.Single(live, e => e.Kind == RevocationKind.UserGeneration);
        Assert.Equal(3, user.Generation);
        Assert.Equal(Now.AddMinutes(20), user.ExpiresAt);

        Assert.Equal(2, await Stores.Revocations.PruneAsync(Now.AddMinutes(6), default));
    }

    // Records compare arrays by reference; the hash is compared by content, the rest as a record.
    private static void AssertSameSession(Session expected, Session? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.IdHash, actual.IdHash);
        Assert.Equal(expected, actual with { IdHash = expected.IdHash });
    }

    private static Account NewAccount(string email) =>
        new(Guid.NewGuid().ToString(), email, email.ToUpperInvariant(), "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", Now, Now);

    private async Task<string> CreateUserAsync(string email)
    {
        var account = NewAccount(email);
        Assert.True(await Stores.Accounts.TryCreateAsync(account, default));
        return account.Id;
    }

    private static Session NewSession(string userId, DateTimeOffset createdAt) => new(
        SecretHash.Compute(RandomTokens.Create(32)), RandomTokens.Create(16), userId, createdAt, createdAt,
        createdAt.AddMinutes(30), createdAt.AddHours(24), "agent", "127.0.0.1");

    private async Task<(RefreshTokenFamily Family, byte[] TokenHash)> NewFamilyAsync(string userId)
    {
        var family = new RefreshTokenFamily(RandomTokens.Create(16), userId, "latchkey", "read", Now, Now.AddDays(30));
        var hash = SecretHash.Compute(RandomTokens.Create(32));
        await Stores.RefreshTokens.CreateFamilyAsync(family, hash, Now.AddDays(1), default);
        return (family, hash);
    }
}
