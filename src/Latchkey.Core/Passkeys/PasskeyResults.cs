using Latchkey.Accounts;

namespace Latchkey.Passkeys;

/// <summary>Why a passkey operation did not go through.</summary>
public enum PasskeyFailure
{
    /// <summary>It went through.</summary>
    None,

    /// <summary>The ceremony id is malformed, unknown, expired, spent, or was begun for another step or account.</summary>
    CeremonyInvalid,

    /// <summary>The credential is malformed or failed verification (origin, relying party, challenge, signature, user, flags).</summary>
    Invalid,

    /// <summary>The credential is already registered.</summary>
    AlreadyRegistered,

    /// <summary>The signature counter did not increase: a possible cloned authenticator.</summary>
    SignCount,

    /// <summary>Too many failures; see the retry delay.</summary>
    Throttled,

    /// <summary>The account is disabled.</summary>
    Disabled,

    /// <summary>The account's email address is not verified and the server requires it.</summary>
    EmailNotVerified,

    /// <summary>The second-factor challenge from the password step is malformed, unknown, expired, spent, or its password has changed.</summary>
    ChallengeInvalid,
}

/// <summary>The outcome of a passkey operation that gives back a value.</summary>
/// <typeparam name="T">What a success gives.</typeparam>
/// <param name="Failure">Why it failed, or <see cref="PasskeyFailure.None"/>.</param>
/// <param name="Value">The value of a success.</param>
/// <param name="RetryAfter">How long to wait when <see cref="PasskeyFailure.Throttled"/>.</param>
public sealed record PasskeyResult<T>(PasskeyFailure Failure, T? Value, TimeSpan RetryAfter = default)
{
    /// <summary>Whether it went through.</summary>
    public bool Succeeded => Failure == PasskeyFailure.None;

    /// <summary>The same failure for another value type.</summary>
    public PasskeyResult<TOther> As<TOther>() => new(Failure, default, RetryAfter);
}

/// <summary>Makes <see cref="PasskeyResult{T}"/> values.</summary>
public static class PasskeyResult
{
    /// <summary>A success.</summary>
    public static PasskeyResult<T> Success<T>(T value) => new(PasskeyFailure.None, value);

    /// <summary>A failure.</summary>
    public static PasskeyResult<T> Fail<T>(PasskeyFailure failure, TimeSpan retryAfter = default) => new(failure, default, retryAfter);
}

/// <summary>A ceremony begun: what the client gets.</summary>
/// <param name="Ceremony">The ceremony id, to send back with the credential; only its hash is stored.</param>
/// <param name="Options">The WebAuthn options in their JSON form (<c>PublicKeyCredentialCreationOptionsJSON</c> or <c>PublicKeyCredentialRequestOptionsJSON</c>).</param>
public sealed record PasskeyCeremonyStart(string Ceremony, string Options);

/// <summary>A passkey sign-in that passed: the account and the passkey used.</summary>
/// <param name="Account">The account, as it is now.</param>
/// <param name="Passkey">The passkey.</param>
public sealed record PasskeySignIn(Account Account, Passkey Passkey);
