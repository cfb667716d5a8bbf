namespace Latchkey.Passkeys;

/// <summary>
/// Storage of passkeys (WebAuthn credentials: public keys only) and of the ceremonies in flight. Every method is atomic;
/// an account's rows go with it when it is deleted.
/// </summary>
public interface IPasskeyStore
{
    /// <summary>Stores a new passkey.</summary>
    /// <returns><see langword="false"/> when its credential id is already registered, or the account does not exist.</returns>
    Task<bool> AddAsync(Passkey passkey, CancellationToken cancellationToken);

    /// <summary>The account's passkeys, oldest first.</summary>
    Task<IReadOnlyList<Passkey>> ListAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>The passkey with this credential id, whoever's it is, or <see langword="null"/>.</summary>
    Task<Passkey?> FindByCredentialIdAsync(byte[] credentialId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a sign-in with the passkey: its new signature counter and backup state, and when. Applies only while the
    /// stored counter is still <paramref name="expectedSignCount"/>, so of two uses of one assertion only one succeeds.
    /// </summary>
    Task<bool> TryRecordUseAsync(string id, uint expectedSignCount, uint signCount, bool backedUp, DateTimeOffset usedAt, CancellationToken cancellationToken);

    /// <summary>Renames one of the account's passkeys.</summary>
    /// <returns><see langword="false"/> when the account has no passkey with this id.</returns>
    Task<bool> RenameAsync(string accountId, string id, string name, CancellationToken cancellationToken);

    /// <summary>Deletes one of the account's passkeys.</summary>
    /// <returns><see langword="false"/> when the account has no passkey with this id.</returns>
    Task<bool> DeleteAsync(string accountId, string id, CancellationToken cancellationToken);

    /// <summary>Deletes every passkey and ceremony of the account.</summary>
    Task DeleteAllAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Stores a ceremony begun: the options issued, under the hash of the id the client holds.</summary>
    Task AddCeremonyAsync(PasskeyCeremony ceremony, CancellationToken cancellationToken);

    /// <summary>
    /// Takes (deletes and returns) the live ceremony with this id hash: of concurrent takes exactly one gets it. Expired
    /// ceremonies are never returned and are swept away.
    /// </summary>
    Task<PasskeyCeremony?> TakeCeremonyAsync(byte[] idHash, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>A registered passkey.</summary>
/// <param name="Id">Its public id (in URLs).</param>
/// <param name="AccountId">Whose it is.</param>
/// <param name="CredentialId">The WebAuthn credential id.</param>
/// <param name="PublicKey">The credential public key (COSE).</param>
/// <param name="SignCount">The last signature counter seen (0: the authenticator keeps none).</param>
/// <param name="BackupEligible">Whether it may be synced (BE flag); fixed at registration.</param>
/// <param name="BackedUp">Whether it was backed up (synced) at its last use (BS flag).</param>
/// <param name="Name">The name its owner gave it.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="LastUsedAt">When it last signed in, or <see langword="null"/>.</param>
public sealed record Passkey(
    string Id, string AccountId, byte[] CredentialId, byte[] PublicKey, uint SignCount, bool BackupEligible, bool BackedUp,
    string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>What a ceremony was begun for.</summary>
public enum PasskeyCeremonyKind
{
    /// <summary>Registering a passkey to a signed-in account.</summary>
    Registration = 1,

    /// <summary>Signing in with a passkey alone (discoverable credentials).</summary>
    SignIn = 2,

    /// <summary>A passkey as the second factor after a password.</summary>
    SecondFactor = 3,
}

/// <summary>A ceremony in flight, as stored.</summary>
/// <param name="IdHash">SHA-256 of the ceremony id handed to the client.</param>
/// <param name="Kind">What it is for.</param>
/// <param name="AccountId">The account it is for, or <see langword="null"/> for a passkey sign-in (the account is not known yet).</param>
/// <param name="Options">The options issued (JSON; they hold the challenge).</param>
/// <param name="ExpiresAt">When it stops working.</param>
public sealed record PasskeyCeremony(byte[] IdHash, PasskeyCeremonyKind Kind, string? AccountId, string Options, DateTimeOffset ExpiresAt);
