namespace Latchkey.Accounts;

/// <summary>The outcome of disabling, enabling or deleting an account.</summary>
public enum AccountLifecycleStatus
{
    /// <summary>The change was made (or the account was already in the state asked for).</summary>
    Done,

    /// <summary>No account has this id; nothing changed.</summary>
    NotFound,

    /// <summary>The current password is missing; see the errors.</summary>
    Invalid,

    /// <summary>The current password is wrong; nothing changed.</summary>
    InvalidCurrentPassword,

    /// <summary>Too many recent wrong passwords; wait <see cref="AccountLifecycleResult.RetryAfter"/>.</summary>
    Throttled,
}

/// <summary>The outcome of a lifecycle change, with the account as it was before it.</summary>
public sealed record AccountLifecycleResult(AccountLifecycleStatus Status, Account? Account, ValidationErrors? Errors = null, TimeSpan RetryAfter = default);
