namespace Latchkey.Accounts.Recovery;

/// <summary>How an account-recovery step ended.</summary>
public enum AccountFlowStatus
{
    /// <summary>Done.</summary>
    Done,

    /// <summary>The input breaks a rule; see the errors. Nothing changed.</summary>
    Invalid,

    /// <summary>The token is malformed, unknown, foreign or superseded.</summary>
    TokenInvalid,

    /// <summary>The token expired.</summary>
    TokenExpired,

    /// <summary>The token was used before.</summary>
    TokenUsed,

    /// <summary>The current password is wrong.</summary>
    WrongPassword,

    /// <summary>Another account holds the address.</summary>
    EmailTaken,

    /// <summary>The account no longer exists.</summary>
    AccountNotFound,

    /// <summary>Too many attempts; wait <see cref="AccountFlowResult.RetryAfter"/>.</summary>
    Throttled,
}

/// <summary>The outcome of an account-recovery step.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Errors">Field errors when <see cref="AccountFlowStatus.Invalid"/>.</param>
/// <param name="RetryAfter">How long to wait when throttled.</param>
public sealed record AccountFlowResult(AccountFlowStatus Status, ValidationErrors? Errors = null, TimeSpan RetryAfter = default)
{
    /// <summary>Success.</summary>
    public static AccountFlowResult Done { get; } = new(AccountFlowStatus.Done);

    /// <summary>A failure without details.</summary>
    public static AccountFlowResult Of(AccountFlowStatus status) => new(status);
}
