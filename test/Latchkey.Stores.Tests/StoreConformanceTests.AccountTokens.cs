using Latchkey.Accounts;
using Latchkey.Accounts.Recovery;
using Latchkey.Security;
using Latchkey.Stores.Relational;
using Latchkey.Testing;

namespace Latchkey.Stores.Tests;

/// <summary>
/// <see cref="IAccountTokenStore"/> on every backend: each promise of its doc comments, and the account changes
/// verification and reset make, as <see cref="AccountRecoveryService"/> composes them.
/// </summary>
public abstract partial class StoreConformanceTests
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(30);

    [Fact]
    public async Task AccountTokens_AreFoundOnlyByTheirHash_WhichIsAllTheStoreHolds()
    {
        var user = await CreateUserAsync("hash@example.com");
        var token = AccountTokenCodec.Create();
        var hash = AccountTokenCodec.TryHash(token)!;
        await Stores.AccountTokens.AddAsync(NewToken(hash, user, AccountTokenPurpose.VerifyEmail), default);

        // Neither the token itself, nor a part of its hash, nor a neighbour of it finds the row.
        var near = (byte[])hash.Clone();
        near[^1] ^= 1;
        foreach (var wrong in new[] { System.Text.Encoding.UTF8.GetBytes(token), hash[..16], near, [] })
        {
            Assert.Equal(AccountTokenRedemptionStatus.Unknown, (await RedeemAsync(wrong, AccountTokenPurpose.VerifyEmail)).Status);
        }

        var rows = await Stores.Database.RunAsync(async connection =>
        {
            await using var command = connection.Command("SELECT token_hash, account_id, binding FROM account_tokens");
            await using var reader = await command.ExecuteReaderAsync();
            var found = new List<(byte[] Hash, string Account, string? Binding)>();
            while (await reader.ReadAsync())
            {
                found.Add((reader.GetBytes(0), reader.GetString(1), reader.GetNullableString(2)));
            }

            return found;
        }, default);
        var row = Assert.Single(rows);
        Assert.Equal(hash, row.Hash);
        Assert.Equal(user, row.Account);
        Assert.Null(row.Binding);

        Assert.Equal(AccountTokenRedemptionStatus.Redeemed, (await RedeemAsync(hash, AccountTokenPurpose.VerifyEmail)).Status);
    }

    [Fact]
    public async Task AccountTokens_Redeem_ReturnsTheTokenOnce_ThenUsed()
    {
        var user = await CreateUserAsync("once@example.com");
        var stamp = AccountTokenCodec.PasswordStamp("$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA");
        var issued = NewToken(NewHash(), user, AccountTokenPurpose.PasswordReset, stamp);
        await Stores.AccountTokens.AddAsync(issued, default);

        var first = await RedeemAsync(issued.Hash, AccountTokenPurpose.PasswordReset, Now.AddMinutes(1));
        Assert.Equal(AccountTokenRedemptionStatus.Redeemed, first.Status);
        Assert.Equal(issued.Hash, first.Token!.Hash);
        Assert.Equal(issued, first.Token with { Hash = issued.Hash });

        var second = await RedeemAsync(issued.Hash, AccountTokenPurpose.PasswordReset, Now.AddMinutes(2));
        Assert.Equal(AccountTokenRedemptionStatus.Used, second.Status);
        Assert.Null(second.Token);
    }

    [Theory]
    [InlineData(AccountTokenPurpose.VerifyEmail)]
    [InlineData(AccountTokenPurpose.PasswordReset)]
    public async Task AccountTokens_ConcurrentRedeemers_ExactlyOneWins(AccountTokenPurpose purpose)
    {
        var user = await CreateUserAsync("race-" + purpose + "@example.com");
        for (var round = 0; round < 5; round++)
        {
            var token = NewToken(NewHash(), user, purpose, purpose == AccountTokenPurpose.PasswordReset ? "stamp" : null);
            await Stores.AccountTokens.AddAsync(token, default);

            var results = await Concurrently.RunAsync(20, _ => Task.Run(() => RedeemAsync(token.Hash, purpose)));

            var winner = Assert.Single(results, r => r.Status == AccountTokenRedemptionStatus.Redeemed);
            Assert.Equal(user, winner.Token!.AccountId);
            Assert.All(results.Where(r => r != winner), r => Assert.Equal(AccountTokenRedemptionStatus.Used, r.Status));
        }
    }

    [Fact]
    public async Task AccountTokens_Expired_IsRefused_AndStaysUnspent()
    {
        var user = await CreateUserAsync("expiry@example.com");
        var edge = NewToken(NewHash(), user, AccountTokenPurpose.PasswordReset, "stamp");
        var live = NewToken(NewHash(), user, AccountTokenPurpose.VerifyEmail);
        await Stores.AccountTokens.AddAsync(edge, default);
        await Stores.AccountTokens.AddAsync(live, default);

        // Live up to the millisecond before its expiry, dead from the expiry on.
        Assert.Equal(AccountTokenRedemptionStatus.Expired, (await RedeemAsync(edge.Hash, AccountTokenPurpose.PasswordReset, edge.ExpiresAt)).Status);
        Assert.Equal(AccountTokenRedemptionStatus.Expired, (await RedeemAsync(edge.Hash, AccountTokenPurpose.PasswordReset, edge.ExpiresAt.AddDays(1))).Status);
        Assert.Equal(AccountTokenRedemptionStatus.Redeemed, (await RedeemAsync(live.Hash, AccountTokenPurpose.VerifyEmail, live.ExpiresAt.AddMilliseconds(-1))).Status);
    }

    [Fact]
    public async Task AccountTokens_PurposeMismatch_IsUnknown_AndLeavesTheTokenLive()
    {
        var user = await CreateUserAsync("purpose@example.com");
        var verification = NewToken(NewHash(), user, AccountTokenPurpose.VerifyEmail);
        var reset = NewToken(NewHash(), user, AccountTokenPurpose.PasswordReset, "stamp");
        await Stores.AccountTokens.AddAsync(verification, default);
        await Stores.AccountTokens.AddAsync(reset, default);

        // A verification token cannot be spent as a reset, nor a reset as a verification or an email change.
        Assert.Equal(AccountTokenRedemptionStatus.Unknown, (await RedeemAsync(verification.Hash, AccountTokenPurpose.PasswordReset)).Status);
        Assert.Equal(AccountTokenRedemptionStatus.Unknown, (await RedeemAsync(reset.Hash, AccountTokenPurpose.VerifyEmail)).Status);
        Assert.Equal(AccountTokenRedemptionStatus.Unknown, (await RedeemAsync(reset.Hash, AccountTokenPurpose.EmailChange)).Status);

        Assert.Equal(AccountTokenRedemptionStatus.Redeemed, (await RedeemAsync(verification.Hash, AccountTokenPurpose.VerifyEmail)).Status);
        Assert.Equal(AccountTokenRedemptionStatus.Redeemed, (await RedeemAsync(reset.Hash, AccountTokenPurpose.PasswordReset)).Status);
    }

    [Fact]
    public async Task AccountTokens_Add_SupersedesUnspentTokensOfTheSamePurposeAndAccountOnly()
    {
        var user = await CreateUserAsync("newest@example.com");
        var other = await CreateUserAsync("bystander@example.com");
        var spent = NewToken(NewHash(), user, AccountTokenPurpose.PasswordReset, "stamp");
        await Stores.AccountTokens.AddAsync(spent, default);
        Assert.Equal(AccountTokenRedemptionStatus.Redeemed, (await RedeemAsync(spent.Hash, AccountTokenPurpose.PasswordReset)).Status);

        var older = NewToken(NewHash(), user, AccountTokenPurpose.PasswordReset, "stamp");
        var verification = NewToken(NewHash(), user, AccountTokenPurpose.VerifyEmail);
        var foreign = NewToken(NewHash(), other, AccountTokenPurpose.PasswordReset, "stamp");
        var newest = NewToken(NewHash(), user, AccountTokenPurpose.PasswordReset, "stamp");
        foreach (var token in new[] { older, verification, foreign, newest })
        {
            await Stores.AccountTokens.AddAsync(token, default);
        }

        Assert.Equal(AccountTokenRedemptionStatus.Unknown, (await RedeemAsync(older.Hash, AccountTokenPurpose.PasswordReset)).Status);
        Assert.Equal(AccountTokenRedemptionStatus.Used, (await RedeemAsync(spent.Hash, AccountTokenPurpose.PasswordReset)).Status);
        Assert.Equal(AccountTokenRedemptionStatus.Redeemed, (await RedeemAsync(newest.Hash, AccountTokenPurpose.PasswordReset)).Status);
        Assert.Equal(AccountTokenRedemptionStatus.Redeemed, (await RedeemAsync(verification.Hash, AccountTokenPurpose.VerifyEmail)).Status);
        Assert.Equal(AccountTokenRedemptionStatus.Redeemed, (await RedeemAsync(foreign.Hash, AccountTokenPurpose.PasswordReset)).Status);
    }

    [Fact]
    public async Task AccountTokens_ConcurrentAdds_LeaveOneLiveToken()
    {
        var user = await CreateUserAsync("double-click@example.com");
        var tokens = Enumerable.Range(0, 20).Select(_ => NewToken(NewHash(), user, AccountTokenPurpose.PasswordReset, "stamp")).ToArray();

        await Concurrently.RunAsync(tokens.Length, i => Task.Run(async () =>
        {
            await Stores.AccountTokens.AddAsync(tokens[i], default);
            return i;
        }));

        var results = new List<AccountTokenRedemptionStatus>();
        foreach (var token in tokens)
        {
            results.Add((await RedeemAsync(token.Hash, AccountTokenPurpose.PasswordReset)).Status);
        }

        Assert.Equal(1, results.Count(s => s == AccountTokenRedemptionStatus.Redeemed));
        Assert.All(results.Where(s => s != AccountTokenRedemptionStatus.Redeemed), s => Assert.Equal(AccountTokenRedemptionStatus.Unknown, s));
    }

    [Fact]
    public async Task AccountTokens_PasswordReset_CompletesOnlyWhileThePasswordIsTheBoundOne()
    {
        var account = NewAccount("bound@example.com");
        await Stores.Accounts.TryCreateAsync(account, default);
        var stamp = AccountTokenCodec.PasswordStamp(account.PasswordHash);

        // Unchanged password: the stamp the token carries matches, and the compare-and-set replaces it.
        var first = NewToken(NewHash(), account.Id, AccountTokenPurpose.PasswordReset, stamp);
        await Stores.AccountTokens.AddAsync(first, default);
        var redeemed = await RedeemAsync(first.Hash, AccountTokenPurpose.PasswordReset);
        var current = await Stores.Accounts.FindByIdAsync(account.Id, default);
        Assert.Equal(AccountTokenCodec.PasswordStamp(current!.PasswordHash), redeemed.Token!.Binding);
        Assert.True(await Stores.Accounts.TryReplacePasswordHashAsync(account.Id, current.PasswordHash, "reset-hash", Now.AddMinutes(1), default));

        // Issued under "reset-hash", then the password changes: the token still redeems, but its stamp no longer
        // matches, and the hash it was bound to can no longer be replaced.
        var second = NewToken(NewHash(), account.Id, AccountTokenPurpose.PasswordReset, AccountTokenCodec.PasswordStamp("reset-hash"));
        await Stores.AccountTokens.AddAsync(second, default);
        Assert.True(await Stores.Accounts.TryReplacePasswordHashAsync(account.Id, "reset-hash", "changed-hash", Now.AddMinutes(2), default));
        var stale = await RedeemAsync(second.Hash, AccountTokenPurpose.PasswordReset, Now.AddMinutes(3));
        Assert.Equal(AccountTokenRedemptionStatus.Redeemed, stale.Status);
        current = await Stores.Accounts.FindByIdAsync(account.Id, default);
        Assert.NotEqual(AccountTokenCodec.PasswordStamp(current!.PasswordHash), stale.Token!.Binding);
        Assert.False(await Stores.Accounts.TryReplacePasswordHashAsync(account.Id, "reset-hash", "attacker-hash", Now.AddMinutes(3), default));
        Assert.Equal("changed-hash", (await Stores.Accounts.FindByIdAsync(account.Id, default))!.PasswordHash);
    }

    [Fact]
    public async Task AccountTokens_MarkEmailVerified_IsVisibleThroughTheAccountStore_AndKeepsTheFirstTime()
    {
        var account = NewAccount("verify@example.com");
        await Stores.Accounts.TryCreateAsync(account, default);
        Assert.Null((await Stores.Accounts.FindByIdAsync(account.Id, default))!.EmailVerifiedAt);

        Assert.True(await Stores.AccountTokens.MarkEmailVerifiedAsync(account.Id, Now.AddMinutes(1), default));
        Assert.True(await Stores.AccountTokens.MarkEmailVerifiedAsync(account.Id, Now.AddMinutes(2), default));

        Assert.Equal(account with { EmailVerifiedAt = Now.AddMinutes(1) }, await Stores.Accounts.FindByIdAsync(account.Id, default));
        Assert.Equal(Now.AddMinutes(1), (await Stores.Accounts.FindByNormalizedEmailAsync(account.NormalizedEmail, default))!.EmailVerifiedAt);
        Assert.False(await Stores.AccountTokens.MarkEmailVerifiedAsync("missing", Now, default));
    }

    [Fact]
    public async Task AccountTokens_DeletingTheAccount_RemovesItsTokens_KeepsOthers()
    {
        var user = await CreateUserAsync("cascade@example.com");
        var bystander = await CreateUserAsync("cascade-keep@example.com");
        var verification = NewToken(NewHash(), user, AccountTokenPurpose.VerifyEmail);
        var reset = NewToken(NewHash(), user, AccountTokenPurpose.PasswordReset, "stamp");
        var kept = NewToken(NewHash(), bystander, AccountTokenPurpose.PasswordReset, "stamp");
        foreach (var token in new[] { verification, reset, kept })
        {
            await Stores.AccountTokens.AddAsync(token, default);
        }

        Assert.True(await Stores.Accounts.DeleteAsync(user, default));

        Assert.Equal(0, await CountTokenRowsAsync(user));
        Assert.Equal(AccountTokenRedemptionStatus.Unknown, (await RedeemAsync(verification.Hash, AccountTokenPurpose.VerifyEmail)).Status);
        Assert.Equal(AccountTokenRedemptionStatus.Unknown, (await RedeemAsync(reset.Hash, AccountTokenPurpose.PasswordReset)).Status);
        Assert.Equal(AccountTokenRedemptionStatus.Redeemed, (await RedeemAsync(kept.Hash, AccountTokenPurpose.PasswordReset)).Status);
    }

    [Fact]
    public async Task AccountTokens_TryChangeEmail_TakesTheAddressVerified_UnlessAnotherAccountHoldsIt()
    {
        var account = NewAccount("old@example.com");
        var holder = NewAccount("held@example.com");
        await Stores.Accounts.TryCreateAsync(account, default);
        await Stores.Accounts.TryCreateAsync(holder, default);

        Assert.False(await Stores.AccountTokens.TryChangeEmailAsync(account.Id, "Held@example.com", "HELD@EXAMPLE.COM", Now, default));
        Assert.Equal(account, await Stores.Accounts.FindByIdAsync(account.Id, default));
        Assert.False(await Stores.AccountTokens.TryChangeEmailAsync("missing", "free@example.com", "FREE@EXAMPLE.COM", Now, default));

        Assert.True(await Stores.AccountTokens.TryChangeEmailAsync(account.Id, "New@example.com", "NEW@EXAMPLE.COM", Now.AddMinutes(1), default));
        var changed = account with { Email = "New@example.com", NormalizedEmail = "NEW@EXAMPLE.COM", EmailVerifiedAt = Now.AddMinutes(1) };
        Assert.Equal(changed, await Stores.Accounts.FindByNormalizedEmailAsync("NEW@EXAMPLE.COM", default));
        Assert.Null(await Stores.Accounts.FindByNormalizedEmailAsync(account.NormalizedEmail, default));

        // Its own current address (an undo after a no-op) is not "another account's".
        Assert.True(await Stores.AccountTokens.TryChangeEmailAsync(account.Id, "new@example.com", "NEW@EXAMPLE.COM", Now.AddMinutes(2), default));
    }

    [Fact]
    public async Task AccountTokens_ConcurrentEmailChangesToOneAddress_ExactlyOneWins_NoneThrows()
    {
        var accounts = Enumerable.Range(0, 20).Select(i => NewAccount($"contender{i}@example.com")).ToArray();
        foreach (var account in accounts)
        {
            await Stores.Accounts.TryCreateAsync(account, default);
        }

        for (var round = 0; round < 3; round++)
        {
            var target = $"prize{round}@example.com";
            var results = await Concurrently.RunAsync(accounts.Length, i => Task.Run(() =>
                Stores.AccountTokens.TryChangeEmailAsync(accounts[i].Id, target, target.ToUpperInvariant(), Now, default)));

            var winner = accounts[Assert.Single(Enumerable.Range(0, results.Length), i => results[i])];
            Assert.Equal(winner.Id, (await Stores.Accounts.FindByNormalizedEmailAsync(target.ToUpperInvariant(), default))!.Id);
        }
    }

    private Task<AccountTokenRedemption> RedeemAsync(byte[] hash, AccountTokenPurpose purpose, DateTimeOffset? at = null) =>
        Stores.AccountTokens.RedeemAsync(hash, purpose, at ?? Now.AddMinutes(1), default);

    private Task<long> CountTokenRowsAsync(string accountId) =>
        Stores.Database.RunAsync(async connection =>
        {
            await using var command = connection.Command("SELECT COUNT(*) FROM account_tokens WHERE account_id = @id", ("id", accountId));
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }, default);

    private static byte[] NewHash() => AccountTokenCodec.TryHash(AccountTokenCodec.Create())!;

    private static AccountToken NewToken(byte[] hash, string accountId, AccountTokenPurpose purpose, string? binding = null) =>
        new(hash, accountId, purpose, Now, Now + TokenLifetime, binding);
}
