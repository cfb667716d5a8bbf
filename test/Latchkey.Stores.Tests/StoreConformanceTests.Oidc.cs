using Latchkey.Authorization;
using Latchkey.Keys;
using Latchkey.RefreshTokens;
using Latchkey.Sessions;

namespace Latchkey.Stores.Tests;

/// <summary>Authorization codes, consents and the OpenID Connect additions to refresh tokens and keys, on every backend.</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task AuthorizationCodes_RedeemOnce_ThenReplayed_AndExpiredOnesInvalid()
    {
        var user = await CreateUserAsync("codes@example.com");
        var code = NewCode(user, [1, 2, 3], Now);
        await Stores.Codes.CreateAsync(code, default);

        var first = await Stores.Codes.RedeemAsync([1, 2, 3], Now.AddSeconds(1), default);
        Assert.Equal(CodeRedemptionStatus.Redeemed, first.Status);
        Assert.Equal(code.GrantId, first.Code!.GrantId);
        Assert.Equal(code.CodeChallenge, first.Code.CodeChallenge);
        Assert.Equal("n1", first.Code.Nonce);
        Assert.Equal(AuthenticationMethods.Password | AuthenticationMethods.Otp, first.Code.Methods);
        Assert.Equal(code.AuthTime, first.Code.AuthTime);

        var again = await Stores.Codes.RedeemAsync([1, 2, 3], Now.AddSeconds(2), default);
        Assert.Equal(CodeRedemptionStatus.Replayed, again.Status);
        Assert.Equal(code.GrantId, again.Code!.GrantId);

        Assert.Equal(CodeRedemptionStatus.Invalid, (await Stores.Codes.RedeemAsync([9], Now, default)).Status);
        await Stores.Codes.CreateAsync(NewCode(user, [4], Now), default);
        Assert.Equal(CodeRedemptionStatus.Invalid, (await Stores.Codes.RedeemAsync([4], Now.AddSeconds(60), default)).Status);
    }

    [Fact]
    public async Task AuthorizationCodes_ConcurrentRedemptions_OneWins()
    {
        var user = await CreateUserAsync("race-codes@example.com");
        await Stores.Codes.CreateAsync(NewCode(user, [7, 7], Now), default);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Stores.Codes.RedeemAsync([7, 7], Now.AddSeconds(1), default)));

        Assert.Single(results, r => r.Status == CodeRedemptionStatus.Redeemed);
        Assert.All(results.Where(r => r.Status != CodeRedemptionStatus.Redeemed), r => Assert.Equal(CodeRedemptionStatus.Replayed, r.Status));
    }

    [Fact]
    public async Task Consents_SaveFindListDelete_AndGoWithTheirAccount()
    {
        var user = await CreateUserAsync("consents@example.com");
        await Stores.Consents.SaveAsync(new Consent(user, "b-app", "openid", Now, Now), default);
        await Stores.Consents.SaveAsync(new Consent(user, "a-app", "openid email", Now, Now), default);
        await Stores.Consents.SaveAsync(new Consent(user, "b-app", "openid profile", Now.AddDays(9), Now.AddMinutes(1)), default);

        var found = await Stores.Consents.FindAsync(user, "b-app", default);
        Assert.Equal(new Consent(user, "b-app", "openid profile", Now, Now.AddMinutes(1)), found);
        Assert.Equal(["a-app", "b-app"], (await Stores.Consents.ListAsync(user, default)).Select(c => c.ClientId));
        Assert.Null(await Stores.Consents.FindAsync(user, "c-app", default));

        Assert.True(await Stores.Consents.DeleteAsync(user, "a-app", default));
        Assert.False(await Stores.Consents.DeleteAsync(user, "a-app", default));

        // For an account deleted meanwhile, saving is a no-op.
        await Stores.Consents.SaveAsync(new Consent("no-such-account", "a-app", "openid", Now, Now), default);
        Assert.Empty(await Stores.Consents.ListAsync("no-such-account", default));
    }

    [Fact]
    public async Task RefreshFamilies_KeepTheirSignIn_AndAreRevokedByIdOrByClient()
    {
        var user = await CreateUserAsync("families@example.com");
        var authTime = Now.AddMinutes(-5);
        var web = new RefreshTokenFamily("fam-web", user, "web", "openid", Now, Now.AddDays(30), authTime, AuthenticationMethods.Passkey);
        var web2 = new RefreshTokenFamily("fam-web2", user, "web", "openid", Now, Now.AddDays(30));
        var other = new RefreshTokenFamily("fam-other", user, "other", "openid", Now, Now.AddDays(30));
        await Stores.RefreshTokens.CreateFamilyAsync(web, [1], Now.AddDays(1), default);
        await Stores.RefreshTokens.CreateFamilyAsync(web2, [2], Now.AddDays(1), default);
        await Stores.RefreshTokens.CreateFamilyAsync(other, [3], Now.AddDays(1), default);

        Assert.Equal(web, (await Stores.RefreshTokens.FindLiveAsync([1], Now, default))!.Value.Family);
        Assert.Equal(web, await Stores.RefreshTokens.RevokeFamilyAsync("fam-web", Now, default));
        Assert.Null(await Stores.RefreshTokens.FindLiveAsync([1], Now, default));
        Assert.Null(await Stores.RefreshTokens.RevokeFamilyAsync("no-such-family", Now, default));

        Assert.Equal(["fam-web2"], await Stores.RefreshTokens.RevokeAllForClientAsync(user, "web", Now, default));
        Assert.NotNull(await Stores.RefreshTokens.FindLiveAsync([3], Now, default));
    }

    [Fact]
    public async Task SigningKeys_DeleteRange_LeavesOtherChains()
    {
        var band = SigningKeyRing.ChainSize * SigningKeyRing.BandOf(SigningAlgorithms.RS256);
        foreach (var sequence in new[] { 1L, 2L, band + 1, band + 2, band + 3 })
        {
            Assert.True(await Stores.Keys.TryAddAsync(new StoredSigningKey("k" + sequence, sequence, "ES256", Now, Now, [1]), default));
        }

        Assert.Equal(2, await Stores.Keys.DeleteRangeAsync(band, band + 3, default));
        Assert.Equal([1L, 2L, band + 3], (await Stores.Keys.ListAsync(default)).Select(k => k.Sequence));
    }

    private static AuthorizationCode NewCode(string user, byte[] hash, DateTimeOffset createdAt) => new(
        hash, "web", user, "https://web.example/cb", "openid email", new string('c', 43), "n1", "session-public-id",
        createdAt.AddMinutes(-1), AuthenticationMethods.Password | AuthenticationMethods.Otp, "grant-" + Convert.ToHexString(hash), createdAt, createdAt.AddSeconds(60));
}
