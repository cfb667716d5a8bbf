namespace Latchkey.RefreshTokens;

/// <summary>
/// Refresh tokens, stored as SHA-256 hashes in families. Every method is atomic; in particular
/// <see cref="RotateAsync"/> is a compare-and-set, so two simultaneous redemptions of one token can
/// never both succeed.
/// </summary>
public interface IRefreshTokenStore
{
    /// <summary>Starts a family with its first token.</summary>
    Task CreateFamilyAsync(RefreshTokenFamily family, byte[] tokenHash, DateTimeOffset tokenExpiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Redeems the token with hash <paramref name="tokenHash"/>: when it is live and unspent, marks it
    /// spent and stores <paramref name="successorHash"/> in its family, in one transaction. When it is
    /// already spent, either replays (inside <paramref name="gracePeriod"/>, if its successor is still
    /// unspent) or revokes the whole family.
    /// </summary>
    Task<RotationResult> RotateAsync(
        byte[] tokenHash, byte[] successorHash, DateTimeOffset now, DateTimeOffset successorExpiresAt, TimeSpan gracePeriod, CancellationToken cancellationToken);

    /// <summary>The family of a live, unspent token, or <see langword="null"/>.</summary>
    Task<(RefreshTokenFamily Family, DateTimeOffset ExpiresAt)?> FindLiveAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes the family of the token with this hash.</summary>
    /// <returns>The family, or <see langword="null"/> when the token is unknown.</returns>
    Task<RefreshTokenFamily?> RevokeFamilyOfAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes the family with this id.</summary>
    /// <returns>The family, or <see langword="null"/> when there is none.</returns>
    Task<RefreshTokenFamily?> RevokeFamilyAsync(string familyId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes every live family of the account for one client.</summary>
    /// <returns>The ids of the families revoked.</returns>
    Task<IReadOnlyList<string>> RevokeAllForClientAsync(string userId, string clientId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes every live family of the account.</summary>
    /// <returns>The ids of the families revoked.</returns>
    Task<IReadOnlyList<string>> RevokeAllForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes expired and revoked families and spent tokens that can no longer matter.</summary>
    Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
