namespace Latchkey.RefreshTokens;

/// <summary>How a refresh token's redemption went.</summary>
public enum RotationStatus
{
    /// <summary>Unknown, expired, or of a revoked family.</summary>
    Invalid,

    /// <summary>The token was live and unspent: it is spent now and its successor stored.</summary>
    Rotated,

    /// <summary>The token was spent moments ago, inside the grace window: the same successor is handed out again.</summary>
    GraceReplay,

    /// <summary>The token was already spent: theft suspected, the whole family is revoked now.</summary>
    Reused,
}

/// <summary>The outcome of <see cref="IRefreshTokenStore.RotateAsync"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Family">The token's family, unless <see cref="RotationStatus.Invalid"/>.</param>
public sealed record RotationResult(RotationStatus Status, RefreshTokenFamily? Family);
