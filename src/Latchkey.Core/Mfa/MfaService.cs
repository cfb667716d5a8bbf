using System.Net;
using System.Security.Cryptography;
using Latchkey.Accounts;
using Latchkey.Accounts.Recovery;
using Latchkey.Diagnostics;
using Latchkey.Keys;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Storage;
using Latchkey.Throttling;
using Microsoft.Extensions.Options;

namespace Latchkey.Mfa;

/// <summary>
/// Second factors: TOTP enrolment and removal, recovery codes, and the challenge that stands between a right
/// password and a session for an account that has a second factor. Every code check is throttled per account
/// (by id) and per address, like a password; a TOTP code is accepted once across every node (the store keeps
/// the last used step), a recovery code once ever.
/// </summary>
public sealed class MfaService
{
    private readonly IMfaStore _store;
    private readonly Passkeys.IPasskeyStore _passkeys;
    private readonly IAccountTokenStore _tokens;
    private readonly IAccountStore _accounts;
    private readonly KeyProtector _protector;
    private readonly CredentialThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly IOptions<MfaOptions> _options;
    private readonly SecurityAudit _audit;

    /// <summary>Creates the service.</summary>
    public MfaService(
        IMfaStore store, Passkeys.IPasskeyStore passkeys, IAccountTokenStore tokens, IAccountStore accounts, KeyProtector protector, CredentialThrottle throttle,
        TimeProvider time, IOptions<MfaOptions> options, SecurityAudit audit)
    {
        _store = store;
        _passkeys = passkeys;
        _tokens = tokens;
        _accounts = accounts;
        _protector = protector;
        _throttle = throttle;
        _time = time;
        _options = options;
        _audit = audit;
    }

    /// <summary>The configured policy.</summary>
    public MfaRequirement Requirement => _options.Value.Required;

    /// <summary>What the account has enrolled.</summary>
    public async Task<MfaStatus> GetStatusAsync(string accountId, CancellationToken cancellationToken)
    {
        var totp = await _store.FindTotpAsync(accountId, cancellationToken).ConfigureAwait(false);
        var codes = totp is { IsConfirmed: true } ? await _store.CountRecoveryCodesAsync(accountId, cancellationToken).ConfigureAwait(false) : 0;
        return new MfaStatus(totp?.IsConfirmed == true, totp is { IsConfirmed: false }, codes);
    }

    /// <summary>Whether a password sign-in of the account must be followed by a second factor.</summary>
    public async Task<bool> HasSecondFactorAsync(string accountId, CancellationToken cancellationToken) =>
        Requirement != MfaRequirement.Off && (await SecondFactorMethodsAsync(accountId, cancellationToken).ConfigureAwait(false)).Count > 0;

    /// <summary>
    /// The second factors the account can finish a password sign-in with, as the <c>methods</c> of the challenge names
    /// them: <c>passkey</c> for registered passkeys, <c>totp</c> and <c>recovery_code</c> for a confirmed authenticator app.
    /// </summary>
    public async Task<IReadOnlyList<string>> SecondFactorMethodsAsync(string accountId, CancellationToken cancellationToken)
    {
        var methods = new List<string>(3);
        if ((await _passkeys.ListAsync(accountId, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            methods.Add("passkey");
        }

        if ((await _store.FindTotpAsync(accountId, cancellationToken).ConfigureAwait(false))?.IsConfirmed == true)
        {
            methods.Add("totp");
            methods.Add("recovery_code");
        }

        return methods;
    }

    /// <summary>
    /// What a right password leads to: <see langword="null"/> when the account may have its session now, else the
    /// challenge to hand to the client instead (a second factor, or, when every account must have one, enrolment).
    /// </summary>
    public async Task<MfaChallenge?> ChallengeAfterPasswordAsync(Account account, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (Requirement == MfaRequirement.Off)
        {
            return null;
        }

        var methods = await SecondFactorMethodsAsync(account.Id, cancellationToken).ConfigureAwait(false);
        var kind = methods.Count > 0 ? MfaChallengeKind.SecondFactor
            : Requirement == MfaRequirement.Required ? MfaChallengeKind.Enrollment
            : (MfaChallengeKind?)null;
        if (kind is not { } required)
        {
            return null;
        }

        var token = AccountTokenCodec.Create();
        var now = StoredTime.Truncate(_time.GetUtcNow());
        var expires = now + _options.Value.ChallengeLifetime;
        await _tokens.AddAsync(
            new AccountToken(AccountTokenCodec.TryHash(token)!, account.Id, PurposeOf(required), now, expires, AccountTokenCodec.PasswordStamp(account.PasswordHash)),
            cancellationToken).ConfigureAwait(false);
        _audit.MfaChallengeIssued(required.ToString(), account.Id, ClientIp(clientAddress));
        return new MfaChallenge(token, required, expires, required == MfaChallengeKind.SecondFactor ? methods : ["totp_enrollment"]);
    }

    /// <summary>
    /// Finishes a password sign-in with a TOTP code or a recovery code. The challenge is spent only by a right code,
    /// so a typo does not void it; wrong codes count against the account's second-factor counter.
    /// </summary>
    public async Task<MfaResult<SecondFactorSignIn>> CompleteSignInAsync(
        string? challenge, string? code, string? recoveryCode, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        if (await FindChallengeAsync(challenge, MfaChallengeKind.SecondFactor, clientAddress, cancellationToken).ConfigureAwait(false) is not { } pending)
        {
            return MfaResult.Fail<SecondFactorSignIn>(MfaFailure.ChallengeInvalid);
        }

        var verified = await VerifyAsync(pending.Account.Id, code, recoveryCode, clientAddress, cancellationToken).ConfigureAwait(false);
        if (!verified.Succeeded)
        {
            return MfaResult.Fail<SecondFactorSignIn>(verified.Failure, verified.RetryAfter);
        }

        return await SpendAsync(pending, MfaChallengeKind.SecondFactor, AuthenticationMethods.Password | verified.Value, clientAddress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Begins TOTP enrolment for the holder of an enrolment challenge (every account must have a second factor).</summary>
    public async Task<MfaResult<TotpEnrollment>> BeginEnrollmentAsync(string? challenge, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        await FindChallengeAsync(challenge, MfaChallengeKind.Enrollment, clientAddress, cancellationToken).ConfigureAwait(false) is { } pending
            ? await BeginTotpAsync(pending.Account, cancellationToken).ConfigureAwait(false)
            : MfaResult.Fail<TotpEnrollment>(MfaFailure.ChallengeInvalid);

    /// <summary>Confirms the enrolment begun with an enrolment challenge; the sign-in completes with the recovery codes.</summary>
    public async Task<MfaResult<(SecondFactorSignIn SignIn, string[] RecoveryCodes)>> CompleteEnrollmentAsync(
        string? challenge, string? code, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        if (await FindChallengeAsync(challenge, MfaChallengeKind.Enrollment, clientAddress, cancellationToken).ConfigureAwait(false) is not { } pending)
        {
            return MfaResult.Fail<(SecondFactorSignIn, string[])>(MfaFailure.ChallengeInvalid);
        }

        var confirmed = await ConfirmTotpAsync(pending.Account.Id, code, clientAddress, cancellationToken).ConfigureAwait(false);
        if (!confirmed.Succeeded)
        {
            return MfaResult.Fail<(SecondFactorSignIn, string[])>(confirmed.Failure, confirmed.RetryAfter);
        }

        var spent = await SpendAsync(pending, MfaChallengeKind.Enrollment, AuthenticationMethods.Password | AuthenticationMethods.Otp, clientAddress, cancellationToken).ConfigureAwait(false);
        return spent.Succeeded
            ? MfaResult.Success<(SecondFactorSignIn, string[])>((spent.Value!, confirmed.Value!))
            : MfaResult.Fail<(SecondFactorSignIn, string[])>(spent.Failure);
    }

    /// <summary>Begins TOTP enrolment: a new secret, kept encrypted and unconfirmed until a first code proves the app has it.</summary>
    public async Task<MfaResult<TotpEnrollment>> BeginTotpAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (Requirement == MfaRequirement.Off)
        {
            return MfaResult.Fail<TotpEnrollment>(MfaFailure.Off);
        }

        var secret = RandomNumberGenerator.GetBytes(Totp.SecretBytes);
        try
        {
            var begun = await _store.TryBeginTotpAsync(
                account.Id, _protector.Protect(SecretContext(account.Id), secret), StoredTime.Truncate(_time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            return begun
                ? MfaResult.Success<TotpEnrollment>(new TotpEnrollment(Base32.Encode(secret), OtpAuthUri(account.Email, secret)))
                : MfaResult.Fail<TotpEnrollment>(MfaFailure.AlreadyEnabled);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Confirms the pending authenticator with its first code; gives the account a fresh set of recovery codes, shown once.</summary>
    public Task<MfaResult<string[]>> ConfirmTotpAsync(string accountId, string? code, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        _throttle.RunAsync(
            ThrottleKeys.ForSecondFactor(accountId, clientAddress),
            clientAddress,
            static wait => MfaResult.Fail<string[]>(MfaFailure.Throttled, wait),
            async ct =>
            {
                var totp = await _store.FindTotpAsync(accountId, ct).ConfigureAwait(false);
                if (totp is null || totp.IsConfirmed)
                {
                    return (MfaResult.Fail<string[]>(MfaFailure.NotEnabled), AttemptOutcome.Abandoned);
                }

                var now = _time.GetUtcNow();
                if (MatchStep(totp, code, now) is not { } step
                    || !await _store.TryConfirmTotpAsync(accountId, totp.CreatedAt, step, StoredTime.Truncate(now), ct).ConfigureAwait(false))
                {
                    return (MfaResult.Fail<string[]>(MfaFailure.InvalidCode), AttemptOutcome.Failed);
                }

                var codes = await ReplaceRecoveryCodesAsync(accountId, ct).ConfigureAwait(false);
                _audit.TotpEnrolled(accountId, ClientIp(clientAddress));
                return (MfaResult.Success<string[]>(codes), AttemptOutcome.Succeeded);
            },
            cancellationToken);

    /// <summary>Removes the account's authenticator and its recovery codes.</summary>
    /// <returns><see langword="false"/> when there was none.</returns>
    public async Task<bool> RemoveTotpAsync(string accountId, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var removed = await _store.DeleteTotpAsync(accountId, cancellationToken).ConfigureAwait(false);
        await _store.DeleteRecoveryCodesAsync(accountId, CancellationToken.None).ConfigureAwait(false);
        if (removed)
        {
            _audit.TotpRemoved(accountId, ClientIp(clientAddress));
        }

        return removed;
    }

    /// <summary>
    /// An operator's reset for a user who lost their second factor: removes the authenticator (confirmed or pending), the
    /// recovery codes and every passkey, so that the next sign-in is by password alone (and, where a second factor is
    /// required, goes on to enrolment).
    /// </summary>
    /// <returns>What was removed.</returns>
    public async Task<MfaReset> ResetAsync(string accountId, string actor, CancellationToken cancellationToken)
    {
        var totp = await _store.FindTotpAsync(accountId, cancellationToken).ConfigureAwait(false);
        var codes = await _store.CountRecoveryCodesAsync(accountId, cancellationToken).ConfigureAwait(false);
        var passkeys = (await _passkeys.ListAsync(accountId, cancellationToken).ConfigureAwait(false)).Count;

        // Once started it finishes: a half reset would leave the user locked out of what is left.
        var none = CancellationToken.None;
        var removedTotp = totp is not null && await _store.DeleteTotpAsync(accountId, none).ConfigureAwait(false);
        await _store.DeleteRecoveryCodesAsync(accountId, none).ConfigureAwait(false);
        await _passkeys.DeleteAllAsync(accountId, none).ConfigureAwait(false);
        var reset = new MfaReset(removedTotp, codes, passkeys);
        _audit.MfaReset(accountId, actor, $"totp={removedTotp} recoveryCodes={codes} passkeys={passkeys}");
        return reset;
    }

    /// <summary>Replaces the account's recovery codes with a new set, shown once; the old ones stop working.</summary>
    public async Task<MfaResult<string[]>> RegenerateRecoveryCodesAsync(string accountId, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        if ((await _store.FindTotpAsync(accountId, cancellationToken).ConfigureAwait(false))?.IsConfirmed != true)
        {
            return MfaResult.Fail<string[]>(MfaFailure.NotEnabled);
        }

        var codes = await ReplaceRecoveryCodesAsync(accountId, cancellationToken).ConfigureAwait(false);
        _audit.RecoveryCodesGenerated(accountId, ClientIp(clientAddress));
        return MfaResult.Success<string[]>(codes);
    }

    /// <summary>
    /// Checks a TOTP code or a recovery code (exactly one of them) for the account, spending it, under the account's
    /// second-factor throttle.
    /// </summary>
    public Task<MfaResult<AuthenticationMethods>> VerifyAsync(
        string accountId, string? code, string? recoveryCode, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        _throttle.RunAsync(
            ThrottleKeys.ForSecondFactor(accountId, clientAddress),
            clientAddress,
            static wait => MfaResult.Fail<AuthenticationMethods>(MfaFailure.Throttled, wait),
            async ct =>
            {
                var method = code is not null
                    ? await UseTotpAsync(accountId, code, ct).ConfigureAwait(false)
                    : await UseRecoveryCodeAsync(accountId, recoveryCode, ct).ConfigureAwait(false);
                if (method is not { } used)
                {
                    _audit.SecondFactorRefused("invalid_code", accountId, ClientIp(clientAddress));
                    return (MfaResult.Fail<AuthenticationMethods>(MfaFailure.InvalidCode), AttemptOutcome.Failed);
                }

                if (used == AuthenticationMethods.RecoveryCode)
                {
                    _audit.RecoveryCodeUsed(accountId, await _store.CountRecoveryCodesAsync(accountId, CancellationToken.None).ConfigureAwait(false), ClientIp(clientAddress));
                }

                return (MfaResult.Success<AuthenticationMethods>(used), AttemptOutcome.Succeeded);
            },
            cancellationToken);

    /// <summary>Finds the live second-factor challenge of a password sign-in, without spending it (a passkey finishes it).</summary>
    public Task<PendingMfaChallenge?> FindSecondFactorChallengeAsync(string? challenge, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        FindChallengeAsync(challenge, MfaChallengeKind.SecondFactor, clientAddress, cancellationToken);

    /// <summary>Spends a second-factor challenge whose second factor was verified elsewhere (a passkey).</summary>
    public Task<MfaResult<SecondFactorSignIn>> SpendSecondFactorChallengeAsync(
        PendingMfaChallenge pending, AuthenticationMethods methods, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        SpendAsync(pending, MfaChallengeKind.SecondFactor, methods, clientAddress, cancellationToken);

    private static AccountTokenPurpose PurposeOf(MfaChallengeKind kind) =>
        kind == MfaChallengeKind.SecondFactor ? AccountTokenPurpose.MfaChallenge : AccountTokenPurpose.MfaEnrollment;

    // The signing keys' protector, bound to the account: a secret copied to another account's row, or passed off
    // as a signing key (whose ids never hold a colon), does not decrypt.
    private static string SecretContext(string accountId) => "totp:" + accountId;

    private static string? ClientIp(IPAddress? address) => new RequestOrigin(address, null).ClientIp;

    private async Task<PendingMfaChallenge?> FindChallengeAsync(string? challenge, MfaChallengeKind kind, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var hash = AccountTokenCodec.TryHash(challenge);
        var token = hash is null ? null : await _tokens.FindLiveAsync(hash, PurposeOf(kind), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var account = token is null ? null : await _accounts.FindByIdAsync(token.AccountId, cancellationToken).ConfigureAwait(false);

        // A password changed or reset since the sign-in voids its challenge, as it voids the sessions.
        if (account is null || !SecretHash.FixedTimeEquals(token!.Binding, AccountTokenCodec.PasswordStamp(account.PasswordHash)))
        {
            _audit.SecondFactorRefused("challenge_invalid", token?.AccountId, ClientIp(clientAddress));
            return null;
        }

        return new PendingMfaChallenge(account, hash!);
    }

    private async Task<MfaResult<SecondFactorSignIn>> SpendAsync(
        PendingMfaChallenge pending, MfaChallengeKind kind, AuthenticationMethods methods, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        // Of two completions racing with right codes, one spends the challenge; the other gets no session.
        var spent = await _tokens.RedeemAsync(pending.Hash, PurposeOf(kind), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (spent.Status != AccountTokenRedemptionStatus.Redeemed)
        {
            _audit.SecondFactorRefused("challenge_spent", pending.Account.Id, ClientIp(clientAddress));
            return MfaResult.Fail<SecondFactorSignIn>(MfaFailure.ChallengeInvalid);
        }

        _audit.SecondFactorAccepted(methods.ToString(), pending.Account.Id, ClientIp(clientAddress));
        return MfaResult.Success<SecondFactorSignIn>(new SecondFactorSignIn(pending.Account, methods));
    }

    private async Task<AuthenticationMethods?> UseTotpAsync(string accountId, string code, CancellationToken cancellationToken)
    {
        var totp = await _store.FindTotpAsync(accountId, cancellationToken).ConfigureAwait(false);
        return totp is { IsConfirmed: true } && MatchStep(totp, code, _time.GetUtcNow()) is { } step && step > totp.LastStep
            && await _store.TryUseTotpStepAsync(accountId, step, cancellationToken).ConfigureAwait(false)
            ? AuthenticationMethods.Otp
            : null;
    }

    private async Task<AuthenticationMethods?> UseRecoveryCodeAsync(string accountId, string? recoveryCode, CancellationToken cancellationToken) =>
        RecoveryCodes.TryHash(recoveryCode) is { } hash
        && await _store.TryUseRecoveryCodeAsync(accountId, hash, StoredTime.Truncate(_time.GetUtcNow()), cancellationToken).ConfigureAwait(false)
            ? AuthenticationMethods.RecoveryCode
            : null;

    private long? MatchStep(TotpAuthenticator totp, string? code, DateTimeOffset now)
    {
        var secret = _protector.Unprotect(SecretContext(totp.AccountId), totp.ProtectedSecret);
        try
        {
            return Totp.Match(secret, code?.Replace(" ", string.Empty, StringComparison.Ordinal), now);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private async Task<string[]> ReplaceRecoveryCodesAsync(string accountId, CancellationToken cancellationToken)
    {
        var codes = RecoveryCodes.Create();
        await _store.ReplaceRecoveryCodesAsync(accountId, [.. codes.Select(c => RecoveryCodes.TryHash(c)!)], StoredTime.Truncate(_time.GetUtcNow()), cancellationToken)
            .ConfigureAwait(false);
        return codes;
    }

    private string OtpAuthUri(string email, byte[] secret)
    {
        var issuer = Uri.EscapeDataString(_options.Value.TotpIssuer);
        return $"otpauth://totp/{issuer}:{Uri.EscapeDataString(email)}?secret={Base32.Encode(secret)}&issuer={issuer}&algorithm=SHA1&digits={Totp.Digits}&period=30";
    }
}
