using Latchkey.Accounts;
using Latchkey.Sessions;

namespace Latchkey.Mfa;

/// <summary>Why a second-factor operation did not go through.</summary>
public enum MfaFailure
{
    /// <summary>It went through.</summary>
    None,

    /// <summary><see cref="MfaOptions.Required"/> is <see cref="MfaRequirement.Off"/>.</summary>
    Off,

    /// <summary>The account already has a confirmed authenticator.</summary>
    AlreadyEnabled,

    /// <summary>The account has no confirmed authenticator (or, to confirm, no pending one).</summary>
    NotEnabled,

    /// <summary>The code is wrong, malformed, or was used before.</summary>
    InvalidCode,

    /// <summary>Too many wrong codes; see the retry delay.</summary>
    Throttled,

    /// <summary>The sign-in challenge is malformed, unknown, expired, spent, or its password has changed since.</summary>
    ChallengeInvalid,
}

/// <summary>The outcome of a second-factor operation that gives back a value.</summary>
/// <typeparam name="T">What a success gives.</typeparam>
/// <param name="Failure">Why it failed, or <see cref="MfaFailure.None"/>.</param>
/// <param name="Value">The value of a success.</param>
/// <param name="RetryAfter">How long to wait when <see cref="MfaFailure.Throttled"/>.</param>
public sealed record MfaResult<T>(MfaFailure Failure, T? Value, TimeSpan RetryAfter = default)
{
    /// <summary>Whether it went through.</summary>
    public bool Succeeded => Failure == MfaFailure.None;
}

/// <summary>Makes <see cref="MfaResult{T}"/> values.</summary>
public static class MfaResult
{
    /// <summary>A success.</summary>
    public static MfaResult<T> Success<T>(T value) => new(MfaFailure.None, value);

    /// <summary>A failure.</summary>
    public static MfaResult<T> Fail<T>(MfaFailure failure, TimeSpan retryAfter = default) => new(failure, default, retryAfter);
}

/// <summary>What an account has enrolled.</summary>
/// <param name="TotpEnabled">A confirmed TOTP authenticator.</param>
/// <param name="TotpPending">An enrolment begun and not confirmed.</param>
/// <param name="RecoveryCodesLeft">Unused recovery codes.</param>
public sealed record MfaStatus(bool TotpEnabled, bool TotpPending, int RecoveryCodesLeft);

/// <summary>A TOTP enrolment begun: what the user puts into an authenticator app. Shown once; only the encrypted secret is kept.</summary>
/// <param name="Secret">The secret in base32, for typing.</param>
/// <param name="Uri">The <c>otpauth://totp/…</c> URI, for a QR code.</param>
public sealed record TotpEnrollment(string Secret, string Uri);

/// <summary>What a second-factor challenge lets its holder do.</summary>
public enum MfaChallengeKind
{
    /// <summary>Finish a sign-in with a code from an enrolled factor.</summary>
    SecondFactor,

    /// <summary>Enrol a first authenticator and finish the sign-in with its first code (<see cref="MfaRequirement.Required"/>).</summary>
    Enrollment,
}

/// <summary>A challenge handed to the client in place of a session.</summary>
/// <param name="Token">The challenge string; only its hash is stored.</param>
/// <param name="Kind">What it allows.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="Methods">What can finish it (<c>passkey</c>, <c>totp</c>, <c>recovery_code</c>, or <c>totp_enrollment</c>).</param>
public sealed record MfaChallenge(string Token, MfaChallengeKind Kind, DateTimeOffset ExpiresAt, IReadOnlyList<string> Methods);

/// <summary>A live challenge, found but not spent.</summary>
/// <param name="Account">The account signing in, as it is now.</param>
/// <param name="Hash">The challenge's hash, to spend it.</param>
public sealed record PendingMfaChallenge(Account Account, byte[] Hash);

/// <summary>A completed second factor.</summary>
/// <param name="Account">The account signing in.</param>
/// <param name="Methods">Every method the sign-in used, the password included.</param>
public sealed record SecondFactorSignIn(Account Account, AuthenticationMethods Methods);

/// <summary>What <see cref="MfaService.ResetAsync"/> removed.</summary>
/// <param name="Totp">Whether an authenticator (confirmed or pending) was removed.</param>
/// <param name="RecoveryCodes">How many unused recovery codes were removed.</param>
/// <param name="Passkeys">How many passkeys were removed.</param>
public sealed record MfaReset(bool Totp, int RecoveryCodes, int Passkeys);
