namespace Latchkey.Accounts;

/// <summary>Field-level validation errors: field name to messages.</summary>
public sealed class ValidationErrors : Dictionary<string, string[]>
{
    /// <summary>Creates an empty set.</summary>
    public ValidationErrors()
        : base(StringComparer.Ordinal)
    {
    }

    /// <summary>Adds <paramref name="message"/> for <paramref name="field"/> when it is not null.</summary>
    public void AddIfPresent(string field, string? message)
    {
        if (message is not null)
        {
            this[field] = [message];
        }
    }
}

/// <summary>The outcome of creating an account.</summary>
public enum RegistrationStatus
{
    /// <summary>The account was created.</summary>
    Created,

    /// <summary>The input is invalid; see the errors.</summary>
    Invalid,

    /// <summary>The email address is taken.</summary>
    EmailTaken,

    /// <summary>Too many recent sign-ups from this address; wait <see cref="RegistrationResult.RetryAfter"/>.</summary>
    Throttled,
}

/// <summary>The outcome of creating an account, with the account or the errors.</summary>
public sealed record RegistrationResult(RegistrationStatus Status, Account? Account, ValidationErrors? Errors, TimeSpan RetryAfter = default);

/// <summary>The outcome of checking an email and password.</summary>
public enum SignInStatus
{
    /// <summary>The credentials are right.</summary>
    Succeeded,

    /// <summary>Unknown email or wrong password; the two are never told apart.</summary>
    InvalidCredentials,

    /// <summary>Too many recent failures; wait <see cref="SignInResult.RetryAfter"/>.</summary>
    Throttled,

    /// <summary>The password is right, but the address is unverified and <c>Latchkey:Accounts:RequireVerifiedEmail</c> is on.</summary>
    EmailNotVerified,
    /// <summary>The password is right but the account is disabled; only then is this told, so guessers learn nothing.</summary>
    Disabled,
}

/// <summary>The outcome of checking credentials.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Account">The account, on success.</param>
/// <param name="RetryAfter">For a throttled attempt, how long to wait.</param>
/// <param name="Device">On success, the device token to hand to the client for its next logins.</param>
public sealed record SignInResult(SignInStatus Status, Account? Account, TimeSpan RetryAfter, Throttling.IssuedDeviceToken? Device = null);

/// <summary>The outcome of a password change.</summary>
public enum PasswordChangeStatus
{
    /// <summary>The password was changed.</summary>
    Changed,

    /// <summary>The new password breaks the policy; see the errors.</summary>
    Invalid,

    /// <summary>The current password is wrong; nothing changed.</summary>
    InvalidCurrentPassword,

    /// <summary>The account no longer exists.</summary>
    AccountNotFound,

    /// <summary>Too many recent wrong passwords; wait <see cref="PasswordChangeResult.RetryAfter"/>.</summary>
    Throttled,
}

/// <summary>The outcome of a password change, with errors when invalid.</summary>
public sealed record PasswordChangeResult(PasswordChangeStatus Status, ValidationErrors? Errors, TimeSpan RetryAfter = default);
