using Latchkey.Passkeys;

namespace Latchkey.Stores.Tests;

/// <summary><see cref="IPasskeyStore"/> on every backend (on the Redis topology passkeys stay in the relational store).</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task Passkeys_AddListFindRenameDelete()
    {
        var user = await CreateUserAsync("passkeys@example.com");
        var first = NewPasskey(user, "pk1", [1, 2, 3], Now);
        var second = NewPasskey(user, "pk2", [4, 5, 6], Now.AddSeconds(1)) with { BackupEligible = false, BackedUp = false, SignCount = 7 };
        Assert.True(await Stores.Passkeys.AddAsync(first, default));
        Assert.True(await Stores.Passkeys.AddAsync(second, default));

        // A credential id is registered once, whoever tries again.
        var other = await CreateUserAsync("other-passkeys@example.com");
        Assert.False(await Stores.Passkeys.AddAsync(NewPasskey(other, "pk3", [1, 2, 3], Now), default));
        Assert.False(await Stores.Passkeys.AddAsync(NewPasskey("no-such-account", "pk4", [9], Now), default));

        var list = await Stores.Passkeys.ListAsync(user, default);
        Assert.Equal(["pk1", "pk2"], list.Select(p => p.Id));
        AssertSamePasskey(first, list[0]);
        AssertSamePasskey(second, list[1]);
        AssertSamePasskey(second, (await Stores.Passkeys.FindByCredentialIdAsync([4, 5, 6], default))!);
        Assert.Null(await Stores.Passkeys.FindByCredentialIdAsync([7], default));
        Assert.Empty(await Stores.Passkeys.ListAsync(other, default));

        Assert.True(await Stores.Passkeys.RenameAsync(user, "pk1", "Work laptop", default));
        Assert.False(await Stores.Passkeys.RenameAsync(other, "pk1", "Stolen", default));
        Assert.Equal("Work laptop", (await Stores.Passkeys.ListAsync(user, default))[0].Name);

        Assert.False(await Stores.Passkeys.DeleteAsync(other, "pk1", default));
        Assert.True(await Stores.Passkeys.DeleteAsync(user, "pk1", default));
        Assert.False(await Stores.Passkeys.DeleteAsync(user, "pk1", default));
        Assert.Equal(["pk2"], (await Stores.Passkeys.ListAsync(user, default)).Select(p => p.Id));

        await Stores.Passkeys.DeleteAllAsync(user, default);
        Assert.Empty(await Stores.Passkeys.ListAsync(user, default));
    }

    [Fact]
    public async Task Passkeys_UseMovesTheCounterOnlyForwardAndOnlyFromTheValueChecked()
    {
        var user = await CreateUserAsync("counter@example.com");
        Assert.True(await Stores.Passkeys.AddAsync(NewPasskey(user, "pk", [1], Now) with { SignCount = 5 }, default));

        Assert.False(await Stores.Passkeys.TryRecordUseAsync("pk", 4, 6, true, Now, default));
        Assert.False(await Stores.Passkeys.TryRecordUseAsync("pk", 5, 5, true, Now, default));
        Assert.False(await Stores.Passkeys.TryRecordUseAsync("pk", 5, 3, true, Now, default));
        Assert.True(await Stores.Passkeys.TryRecordUseAsync("pk", 5, 6, false, Now.AddMinutes(1), default));
        Assert.False(await Stores.Passkeys.TryRecordUseAsync("pk", 5, 7, false, Now.AddMinutes(1), default));
        var used = Assert.Single(await Stores.Passkeys.ListAsync(user, default));
        Assert.Equal(6u, used.SignCount);
        Assert.False(used.BackedUp);
        Assert.Equal(Now.AddMinutes(1), used.LastUsedAt);

        // An authenticator without a counter stays at 0 and may be used again.
        Assert.True(await Stores.Passkeys.AddAsync(NewPasskey(user, "zero", [2], Now), default));
        Assert.True(await Stores.Passkeys.TryRecordUseAsync("zero", 0, 0, true, Now, default));
        Assert.True(await Stores.Passkeys.TryRecordUseAsync("zero", 0, 0, true, Now, default));
    }

    [Fact]
    public async Task Passkeys_CeremoniesAreTakenOnce_AndNotAfterTheyExpire()
    {
        var user = await CreateUserAsync("ceremony@example.com");
        var live = new PasskeyCeremony([1, 1], PasskeyCeremonyKind.Registration, user, "{\"challenge\":\"x\"}", Now.AddMinutes(5));
        var anonymous = new PasskeyCeremony([2, 2], PasskeyCeremonyKind.SignIn, null, "{}", Now.AddMinutes(5));
        var expired = new PasskeyCeremony([3, 3], PasskeyCeremonyKind.SignIn, null, "{}", Now.AddMinutes(-1));
        await Stores.Passkeys.AddCeremonyAsync(live, default);
        await Stores.Passkeys.AddCeremonyAsync(anonymous, default);
        await Stores.Passkeys.AddCeremonyAsync(expired, default);

        var taken = await Stores.Passkeys.TakeCeremonyAsync([1, 1], Now, default);
        Assert.NotNull(taken);
        Assert.Equal((live.Kind, live.AccountId, live.Options, live.ExpiresAt), (taken.Kind, taken.AccountId, taken.Options, taken.ExpiresAt));
        Assert.Null(await Stores.Passkeys.TakeCeremonyAsync([1, 1], Now, default));
        Assert.Null(await Stores.Passkeys.TakeCeremonyAsync([3, 3], Now, default));
        Assert.Null((await Stores.Passkeys.TakeCeremonyAsync([2, 2], Now, default))!.AccountId);
    }

    [Fact]
    public async Task Passkeys_GoWithTheirAccount()
    {
        var user = await CreateUserAsync("gone-passkeys@example.com");
        Assert.True(await Stores.Passkeys.AddAsync(NewPasskey(user, "pk", [1], Now), default));
        await Stores.Passkeys.AddCeremonyAsync(new PasskeyCeremony([5], PasskeyCeremonyKind.Registration, user, "{}", Now.AddMinutes(5)), default);
        Assert.True(await Stores.Accounts.DeleteAsync(user, default));
        Assert.Empty(await Stores.Passkeys.ListAsync(user, default));
        Assert.Null(await Stores.Passkeys.FindByCredentialIdAsync([1], default));
        Assert.Null(await Stores.Passkeys.TakeCeremonyAsync([5], Now, default));
    }

    private static Passkey NewPasskey(string accountId, string id, byte[] credentialId, DateTimeOffset createdAt) =>
        new(id, accountId, credentialId, [0xa5, 1, 2, 3], 0, true, true, "Key " + id, createdAt, null);

    private static void AssertSamePasskey(Passkey expected, Passkey actual)
    {
        Assert.Equal(expected.CredentialId, actual.CredentialId);
        Assert.Equal(expected.PublicKey, actual.PublicKey);
        Assert.Equal(expected with { CredentialId = Array.Empty<byte>(), PublicKey = Array.Empty<byte>() }, actual with { CredentialId = Array.Empty<byte>(), PublicKey = Array.Empty<byte>() });
    }
}
