using Latchkey.Accounts.Recovery;
using Latchkey.Mfa;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Stores.Relational;
using Latchkey.Testing;

namespace Latchkey.Stores.Tests;

/// <summary>
/// <see cref="IMfaStore"/>, the methods a session keeps, and the challenge lookup of <see cref="IAccountTokenStore"/>,
/// on every backend.
/// </summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task Sessions_KeepHowTheUserAuthenticated()
    {
        var user = await CreateUserAsync("methods@example.com");
        var session = NewSession(user, Now) with { Methods = AuthenticationMethods.Password | AuthenticationMethods.Otp };
        await Stores.Sessions.CreateAsync(session, default);
        await Stores.Sessions.TouchAsync(session.IdHash, Now.AddMinutes(2), Now.AddMinutes(32), default);

        AssertSameSession(session with { LastSeenAt = Now.AddMinutes(2), IdleExpiresAt = Now.AddMinutes(32) }, await Stores.Sessions.FindAsync(session.IdHash, default));
        Assert.Equal(session.Methods, Assert.Single(await Stores.Sessions.ListForUserAsync(user, Now, default)).Methods);
    }

    [Fact]
    public async Task Mfa_Totp_PendingIsReplaced_ConfirmedIsKept_AndConfirmNamesItsEnrolment()
    {
        var user = await CreateUserAsync("totp@example.com");
        Assert.Null(await Stores.Mfa.FindTotpAsync(user, default));

        Assert.True(await Stores.Mfa.TryBeginTotpAsync(user, [1, 2, 3], Now, default));
        Assert.True(await Stores.Mfa.TryBeginTotpAsync(user, [4, 5, 6], Now.AddSeconds(1), default));
        var pending = await Stores.Mfa.FindTotpAsync(user, default);
        Assert.Equal(new byte[] { 4, 5, 6 }, pending!.ProtectedSecret);
        Assert.False(pending.IsConfirmed);
        Assert.Equal(-1, pending.LastStep);

        // Confirming the first enrolment, replaced meanwhile, fails; the second one's confirmation holds.
        Assert.False(await Stores.Mfa.TryConfirmTotpAsync(user, Now, 100, Now.AddMinutes(1), default));
        Assert.True(await Stores.Mfa.TryConfirmTotpAsync(user, Now.AddSeconds(1), 100, Now.AddMinutes(1), default));
        Assert.False(await Stores.Mfa.TryConfirmTotpAsync(user, Now.AddSeconds(1), 101, Now.AddMinutes(2), default));
        Assert.False(await Stores.Mfa.TryBeginTotpAsync(user, [7], Now.AddMinutes(3), default));

        var confirmed = await Stores.Mfa.FindTotpAsync(user, default);
        Assert.Equal(new byte[] { 4, 5, 6 }, confirmed!.ProtectedSecret);
        Assert.Equal(new TotpAuthenticator(user, confirmed.ProtectedSecret, Now.AddSeconds(1), Now.AddMinutes(1), 100), confirmed);
        Assert.False(await Stores.Mfa.TryBeginTotpAsync("missing", [1], Now, default));

        Assert.True(await Stores.Mfa.DeleteTotpAsync(user, default));
        Assert.False(await Stores.Mfa.DeleteTotpAsync(user, default));
        Assert.Null(await Stores.Mfa.FindTotpAsync(user, default));
    }

    [Fact]
    public async Task Mfa_TotpStep_IsUsedOnce_AndNeverBeforeALaterOne_Under50ConcurrentUses()
    {
        var user = await CreateUserAsync("steps@example.com");
        Assert.False(await Stores.Mfa.TryUseTotpStepAsync(user, 5, default)); // nothing confirmed yet
        await Stores.Mfa.TryBeginTotpAsync(user, [1], Now, default);
        await Stores.Mfa.TryConfirmTotpAsync(user, Now, 10, Now, default);

        var results = await Concurrently.RunAsync(50, _ => Task.Run(() => Stores.Mfa.TryUseTotpStepAsync(user, 11, default)));

        Assert.Single(results, r => r);
        Assert.False(await Stores.Mfa.TryUseTotpStepAsync(user, 10, default));
        Assert.True(await Stores.Mfa.TryUseTotpStepAsync(user, 12, default));
        Assert.False(await Stores.Mfa.TryUseTotpStepAsync(user, 11, default));
        Assert.Equal(12, (await Stores.Mfa.FindTotpAsync(user, default))!.LastStep);
    }

    [Fact]
    public async Task Mfa_RecoveryCodes_EachWorksOnce_AndAReplacementVoidsTheOldSet()
    {
        var user = await CreateUserAsync("codes@example.com");
        var other = await CreateUserAsync("other-codes@example.com");
        var first = RecoveryCodes.Create().Select(c => RecoveryCodes.TryHash(c)!).ToList();
        await Stores.Mfa.ReplaceRecoveryCodesAsync(user, first, Now, default);
        await Stores.Mfa.ReplaceRecoveryCodesAsync(other, [first[0]], Now, default);
        Assert.Equal(10, await Stores.Mfa.CountRecoveryCodesAsync(user, default));

        var results = await Concurrently.RunAsync(20, _ => Task.Run(() => Stores.Mfa.TryUseRecoveryCodeAsync(user, first[1], Now, default)));
        Assert.Single(results, r => r);
        Assert.Equal(9, await Stores.Mfa.CountRecoveryCodesAsync(user, default));
        Assert.Equal(1, await Stores.Mfa.CountRecoveryCodesAsync(other, default));

        var second = RecoveryCodes.Create().Select(c => RecoveryCodes.TryHash(c)!).ToList();
        await Stores.Mfa.ReplaceRecoveryCodesAsync(user, second, Now.AddMinutes(1), default);
        Assert.False(await Stores.Mfa.TryUseRecoveryCodeAsync(user, first[2], Now, default));
        Assert.True(await Stores.Mfa.TryUseRecoveryCodeAsync(user, second[2], Now, default));
        Assert.True(await Stores.Mfa.TryUseRecoveryCodeAsync(other, first[0], Now, default));

        await Stores.Mfa.DeleteRecoveryCodesAsync(user, default);
        Assert.Equal(0, await Stores.Mfa.CountRecoveryCodesAsync(user, default));
    }

    [Fact]
    public async Task Mfa_RowsGoWithTheirAccount_AndHoldOnlyHashesAndSealedSecrets()
    {
        var user = await CreateUserAsync("mfa-gone@example.com");
        var code = RecoveryCodes.Create()[0];
        await Stores.Mfa.TryBeginTotpAsync(user, [9, 9, 9], Now, default);
        await Stores.Mfa.ReplaceRecoveryCodesAsync(user, [RecoveryCodes.TryHash(code)!], Now, default);
        var stored = await Stores.Database.RunAsync(async connection =>
        {
            await using var command = connection.Command("SELECT code_hash FROM mfa_recovery_codes WHERE account_id = @id", ("id", user));
            return (byte[])(await command.ExecuteScalarAsync())!;
        }, default);
        Assert.Equal(32, stored.Length);
        Assert.DoesNotContain(code, System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);

        Assert.True(await Stores.Accounts.DeleteAsync(user, default));

        Assert.Null(await Stores.Mfa.FindTotpAsync(user, default));
        Assert.Equal(0, await Stores.Mfa.CountRecoveryCodesAsync(user, default));
    }

    [Fact]
    public async Task AccountTokens_FindLive_LeavesTheTokenUnspent_AndSeesOnlyLiveOnesOfItsPurpose()
    {
        var user = await CreateUserAsync("challenge@example.com");
        var token = NewToken(NewHash(), user, AccountTokenPurpose.MfaChallenge, "stamp");
        await Stores.AccountTokens.AddAsync(token, default);

        var found = await Stores.AccountTokens.FindLiveAsync(token.Hash, AccountTokenPurpose.MfaChallenge, Now.AddMinutes(1), default);
        Assert.Equal(token, found! with { Hash = token.Hash });
        Assert.Equal(token.Hash, found.Hash);
        Assert.NotNull(await Stores.AccountTokens.FindLiveAsync(token.Hash, AccountTokenPurpose.MfaChallenge, Now.AddMinutes(2), default));
        Assert.Null(await Stores.AccountTokens.FindLiveAsync(token.Hash, AccountTokenPurpose.MfaEnrollment, Now.AddMinutes(1), default));
        Assert.Null(await Stores.AccountTokens.FindLiveAsync(token.Hash, AccountTokenPurpose.MfaChallenge, token.ExpiresAt, default));

        Assert.Equal(AccountTokenRedemptionStatus.Redeemed, (await RedeemAsync(token.Hash, AccountTokenPurpose.MfaChallenge)).Status);
        Assert.Null(await Stores.AccountTokens.FindLiveAsync(token.Hash, AccountTokenPurpose.MfaChallenge, Now.AddMinutes(1), default));
        Assert.Null(await Stores.AccountTokens.FindLiveAsync(SecretHash.Compute("missing"), AccountTokenPurpose.MfaChallenge, Now, default));
    }
}
