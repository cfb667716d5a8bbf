namespace Latchkey.Mfa;

/// <summary>
/// Storage of an account's second factors: its TOTP secret (encrypted by the signing keys' <see cref="Keys.KeyProtector"/>,
/// never in clear) and the hashes of its recovery codes. Every method is atomic; rows go with their account when it is deleted.
/// </summary>
public interface IMfaStore
{
    /// <summary>The account's TOTP authenticator, confirmed or pending, or <see langword="null"/>.</summary>
    Task<TotpAuthenticator?> FindTotpAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new, unconfirmed TOTP secret for the account, replacing an unconfirmed one. A confirmed one is never
    /// replaced: it has to be removed first.
    /// </summary>
    /// <returns><see langword="false"/> when the account has a confirmed authenticator, or does not exist.</returns>
    Task<bool> TryBeginTotpAsync(string accountId, byte[] protectedSecret, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>
    /// Confirms the unconfirmed authenticator created at <paramref name="createdAt"/> (the one whose secret was checked)
    /// and records <paramref name="timeStep"/> as its last used step.
    /// </summary>
    /// <returns><see langword="false"/> when that authenticator is no longer the pending one.</returns>
    Task<bool> TryConfirmTotpAsync(string accountId, DateTimeOffset createdAt, long timeStep, DateTimeOffset confirmedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the code of <paramref name="timeStep"/> was used, if no code of that step or a later one was: of
    /// concurrent uses of one code, on any node, exactly one succeeds.
    /// </summary>
    Task<bool> TryUseTotpStepAsync(string accountId, long timeStep, CancellationToken cancellationToken);

    /// <summary>Removes the account's authenticator, confirmed or pending.</summary>
    /// <returns><see langword="true"/> when there was one.</returns>
    Task<bool> DeleteTotpAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Replaces the account's recovery codes with <paramref name="codeHashes"/> (all unused).</summary>
    Task ReplaceRecoveryCodesAsync(string accountId, IReadOnlyCollection<byte[]> codeHashes, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>Spends the unused recovery code with <paramref name="codeHash"/>; of concurrent uses exactly one succeeds.</summary>
    Task<bool> TryUseRecoveryCodeAsync(string accountId, byte[] codeHash, DateTimeOffset usedAt, CancellationToken cancellationToken);

    /// <summary>How many unused recovery codes the account has.</summary>
    Task<int> CountRecoveryCodesAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Deletes the account's recovery codes.</summary>
    Task DeleteRecoveryCodesAsync(string accountId, CancellationToken cancellationToken);
}

/// <summary>An account's TOTP authenticator as stored.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="ProtectedSecret">The secret, AES-256-GCM encrypted by <see cref="Keys.KeyProtector"/>, bound to the account.</param>
/// <param name="CreatedAt">When enrolment began; it names this secret among successive enrolments.</param>
/// <param name="ConfirmedAt">When the first code confirmed it, or <see langword="null"/> while pending.</param>
/// <param name="LastStep">The last time step whose code was used; -1 for none.</param>
public sealed record TotpAuthenticator(string AccountId, byte[] ProtectedSecret, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt, long LastStep)
{
    /// <summary>Whether a code from it counts as a second factor.</summary>
    public bool IsConfirmed => ConfirmedAt is not null;
}
