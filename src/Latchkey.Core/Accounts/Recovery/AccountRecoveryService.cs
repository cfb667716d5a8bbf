using System.Net;
using Latchkey.AccessTokens;
using Latchkey.Diagnostics;
using Latchkey.Mail;
using Latchkey.Passwords;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Throttling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Accounts.Recovery;

/// <summary>
/// Email verification, password reset and email change by emailed single-use links. A link carries its token
/// in the URL fragment, so it never reaches a server log or a <c>Referer</c>; the page posts it to the API.
/// </summary>
public sealed partial class AccountRecoveryService
{
    /// <summary>The links that change an account, which end when its password is reset or changed, an email change is undone, or it is disabled.</summary>
    public static readonly IReadOnlyCollection<AccountTokenPurpose> PendingChanges = [AccountTokenPurpose.EmailChange, AccountTokenPurpose.PasswordReset];

    private static readonly TimeSpan ByAddressWorkDeferral = TimeSpan.FromMilliseconds(100);
    private readonly IAccountStore _accounts;
    private readonly IAccountTokenStore _tokens;
    private readonly IMailOutbox _mail;
    private readonly IPasswordHasher _hasher;
    private readonly PasswordHashingGate _gate;
    private readonly CredentialThrottle _throttle;
    private readonly ILoginThrottle _counters;
    private readonly RecoveryBackgroundWork _background;
    private readonly UserSignOutService _signOut;
    private readonly AccountEmailCache _emails;
    private readonly IIssuerProvider _issuer;
    private readonly TimeProvider _time;
    private readonly IOptions<AccountOptions> _options;
    private readonly SecurityAudit _audit;
    private readonly ILogger<AccountRecoveryService> _logger;

    /// <summary>Creates the service.</summary>
    public AccountRecoveryService(
        IAccountStore accounts,
        IAccountTokenStore tokens,
        IMailOutbox mail,
        IPasswordHasher hasher,
        PasswordHashingGate gate,
        CredentialThrottle throttle,
        ILoginThrottle counters,
        RecoveryBackgroundWork background,
        UserSignOutService signOut,
        AccountEmailCache emails,
        IIssuerProvider issuer,
        TimeProvider time,
        IOptions<AccountOptions> options,
        SecurityAudit audit,
        ILogger<AccountRecoveryService> logger)
    {
        _accounts = accounts;
        _tokens = tokens;
        _mail = mail;
        _hasher = hasher;
        _gate = gate;
        _throttle = throttle;
        _counters = counters;
        _background = background;
        _signOut = signOut;
        _emails = emails;
        _issuer = issuer;
        _time = time;
        _options = options;
        _audit = audit;
        _logger = logger;
    }

    /// <summary>Whether login needs a verified address (<see cref="AccountOptions.RequireVerifiedEmail"/>).</summary>
    public bool RequiresVerifiedEmail => _options.Value.RequireVerifiedEmail;

    /// <summary>Issues a verification token for <paramref name="account"/> and queues the mail with its link.</summary>
    public async Task SendVerificationAsync(Account account, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var lifetime = _options.Value.VerifyEmailLifetime;
        var token = await IssueAsync(account.Id, AccountTokenPurpose.VerifyEmail, lifetime, null, clientAddress, cancellationToken).ConfigureAwait(false);
        await _mail.EnqueueAsync(MailTemplates.VerifyEmail, account.Email, new Dictionary<string, string>
        {
            ["email"] = account.Email,
            ["link"] = Link("verify-email", token),
            ["expiresInMinutes"] = Minutes(lifetime),
        }, account.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a new verification link to the signed-in account, throttled like a sign-up (the address's
    /// sign-up permits), so that it cannot be used to flood a mailbox.
    /// </summary>
    /// <returns><see cref="AccountFlowStatus.Done"/> also when the address is already verified (nothing is sent then).</returns>
    public async Task<AccountFlowResult> ResendVerificationAsync(string accountId, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var account = await _accounts.FindByIdAsync(accountId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return AccountFlowResult.Of(AccountFlowStatus.AccountNotFound);
        }

        if (account.EmailVerifiedAt is not null)
        {
            return AccountFlowResult.Done;
        }

        var permit = await _throttle.TryAcquireSignUpAsync(clientAddress, cancellationToken).ConfigureAwait(false);
        if (permit.IsAdmitted)
        {
            permit = await TryAcquireLinkMailAsync(account.Id, clientAddress, cancellationToken).ConfigureAwait(false);
        }

        if (!permit.IsAdmitted)
        {
            return new AccountFlowResult(AccountFlowStatus.Throttled, RetryAfter: permit.RetryAfter);
        }

        await SendVerificationAsync(account, clientAddress, cancellationToken).ConfigureAwait(false);
        return AccountFlowResult.Done;
    }

    /// <summary>Redeems a verification token.</summary>
    public Task<AccountFlowResult> VerifyEmailAsync(string? token, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        RedeemAsync(token, AccountTokenPurpose.VerifyEmail, clientAddress, async (spent, origin, ct) =>
        {
            if (!await _tokens.MarkEmailVerifiedAsync(spent.AccountId, _time.GetUtcNow(), ct).ConfigureAwait(false))
            {
                return AccountFlowResult.Of(AccountFlowStatus.AccountNotFound);
            }

            _audit.EmailVerified(spent.AccountId, origin.ClientIp);
            return AccountFlowResult.Done;
        }, cancellationToken);

    /// <summary>
    /// Starts a password reset. The caller answers the same whatever happens here, and this returns before the
    /// account is even looked up: the lookup and the mail run off the request path, so that the answer's timing
    /// tells nothing about whether the address has an account. Requests take the address's sign-up permits.
    /// </summary>
    /// <returns>The wait when the address is throttled, else <see langword="null"/>.</returns>
    public Task<TimeSpan?> RequestPasswordResetAsync(string? email, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        RequestByAddressAsync(email, clientAddress, SendResetAsync, cancellationToken);

    /// <summary>
    /// Sends a new verification link to an address, for a user who cannot sign in to ask for one (with
    /// <see cref="AccountOptions.RequireVerifiedEmail"/> on). Answers like <see cref="RequestPasswordResetAsync"/>:
    /// the same whether or not the address has an unverified account.
    /// </summary>
    /// <returns>The wait when the address is throttled, else <see langword="null"/>.</returns>
    public Task<TimeSpan?> RequestVerificationAsync(string? email, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        RequestByAddressAsync(email, clientAddress, SendVerificationByAddressAsync, cancellationToken);

    private async Task<TimeSpan?> RequestByAddressAsync(
        string? email, IPAddress? clientAddress, Func<string, IPAddress?, Task> send, CancellationToken cancellationToken)
    {
        var trimmed = email?.Trim() ?? string.Empty;
        var permit = await _throttle.TryAcquireSignUpAsync(clientAddress, cancellationToken).ConfigureAwait(false);
        if (!permit.IsAdmitted)
        {
            return permit.RetryAfter;
        }

        if (EmailAddress.Validate(trimmed, out var valid) is null)
        {
            // Past the lookup only a known address has work (a token, a queued mail); started at once, it overlaps the
            // request's answer and slows it measurably (tens of microseconds at the median). Waiting lets the answer leave first.
            var normalized = EmailAddress.Normalize(valid);
            _background.Run(async () =>
            {
                await Task.Delay(ByAddressWorkDeferral).ConfigureAwait(false);
                await send(normalized, clientAddress).ConfigureAwait(false);
            });
        }

        return null;
    }

    /// <summary>
    /// Completes a reset: checks the new password against the policy, spends the token, sets the password if it
    /// is still the one the token was issued under, ends every session and token of the account, and tells the owner.
    /// </summary>
    public async Task<AccountFlowResult> CompletePasswordResetAsync(string? token, string? newPassword, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIfPresent("newPassword", PasswordPolicy.Validate(newPassword));
        if (errors.Count > 0)
        {
            return new AccountFlowResult(AccountFlowStatus.Invalid, errors);
        }

        return await RedeemAsync(token, AccountTokenPurpose.PasswordReset, clientAddress, async (spent, origin, ct) =>
        {
            var account = await _accounts.FindByIdAsync(spent.AccountId, ct).ConfigureAwait(false);

            // The token is bound to the password it was issued under: a change since then makes it void.
            if (account is null || !SecretHash.FixedTimeEquals(AccountTokenCodec.PasswordStamp(account.PasswordHash), spent.Binding))
            {
                _audit.AccountTokenRefused(nameof(AccountTokenPurpose.PasswordReset), "password changed since", origin.ClientIp);
                return AccountFlowResult.Of(account is null ? AccountFlowStatus.AccountNotFound : AccountFlowStatus.TokenInvalid);
            }

            // Hashed only for a live token: a flood of made-up tokens costs no hashing.
            var hash = await _gate.RunAsync(() => _hasher.Hash(newPassword!), ct).ConfigureAwait(false);
            if (!await _accounts.TryReplacePasswordHashAsync(account.Id, account.PasswordHash, hash, _time.GetUtcNow(), ct).ConfigureAwait(false))
            {
                _audit.AccountTokenRefused(nameof(AccountTokenPurpose.PasswordReset), "password changed since", origin.ClientIp);
                return AccountFlowResult.Of(AccountFlowStatus.TokenInvalid);
            }

            // The password is set: what follows must happen even if the caller goes away.
            var none = CancellationToken.None;
            _audit.PasswordReset(account.Id, origin.ClientIp);
            await _signOut.SignOutEverywhereAsync(account.Id, null, origin, none).ConfigureAwait(false);
            await _tokens.RevokeUnspentAsync(account.Id, PendingChanges, null, none).ConfigureAwait(false);

            // Proving the mailbox also proves the address.
            await _tokens.MarkEmailVerifiedAsync(account.Id, _time.GetUtcNow(), none).ConfigureAwait(false);
            await _mail.EnqueueAsync(MailTemplates.PasswordChanged, account.Email, new Dictionary<string, string> { ["email"] = account.Email }, account.Id, none)
                .ConfigureAwait(false);
            return AccountFlowResult.Done;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts an email change for a signed-in account: checks the current password (throttled like login) and
    /// sends a confirmation link to the new address. Nothing changes until the link is used.
    /// </summary>
    public async Task<AccountFlowResult> RequestEmailChangeAsync(
        string accountId, string? newEmail, string? currentPassword, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIfPresent("newEmail", EmailAddress.Validate(newEmail, out var trimmed));
        if (string.IsNullOrEmpty(currentPassword) || currentPassword.Length > PasswordPolicy.MaxLength * 2)
        {
            errors.AddIfPresent("currentPassword", "The current password is required.");
        }

        if (errors.Count > 0)
        {
            return new AccountFlowResult(AccountFlowStatus.Invalid, errors);
        }

        var account = await _accounts.FindByIdAsync(accountId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return AccountFlowResult.Of(AccountFlowStatus.AccountNotFound);
        }

        var origin = new RequestOrigin(clientAddress, null);
        return await _throttle.RunAsync(
            ThrottleKeys.For(account.NormalizedEmail, clientAddress),
            clientAddress,
            static wait => new AccountFlowResult(AccountFlowStatus.Throttled, RetryAfter: wait),
            async ct =>
            {
                var check = await _gate.RunAsync(() => _hasher.Verify(account.PasswordHash, currentPassword!), ct).ConfigureAwait(false);
                if (check == PasswordVerificationResult.Failed)
                {
                    _audit.EmailChangeRefused(account.Id, "wrong current password", origin.ClientIp);
                    return (AccountFlowResult.Of(AccountFlowStatus.WrongPassword), AttemptOutcome.Failed);
                }

                // Every request mails an address of the caller's choosing: it takes the address's sign-up permit
                // and the account's mail permit, like a sign-up and a resend.
                var permit = await _throttle.TryAcquireSignUpAsync(clientAddress, ct).ConfigureAwait(false);
                if (permit.IsAdmitted)
                {
                    permit = await TryAcquireLinkMailAsync(account.Id, clientAddress, ct).ConfigureAwait(false);
                }

                if (!permit.IsAdmitted)
                {
                    return (new AccountFlowResult(AccountFlowStatus.Throttled, RetryAfter: permit.RetryAfter), AttemptOutcome.Succeeded);
                }

                var normalized = EmailAddress.Normalize(trimmed);
                if (await _accounts.FindByNormalizedEmailAsync(normalized, ct).ConfigureAwait(false) is not null
                    || await _tokens.IsReservedAsync(normalized, account.Id, _time.GetUtcNow(), ct).ConfigureAwait(false))
                {
                    // Only a caller who knows the password learns that the address is taken.
                    _audit.EmailChangeRefused(account.Id, "address taken", origin.ClientIp);
                    return (AccountFlowResult.Of(AccountFlowStatus.EmailTaken), AttemptOutcome.Succeeded);
                }

                var lifetime = _options.Value.EmailChangeLifetime;
                var token = await IssueAsync(account.Id, AccountTokenPurpose.EmailChange, lifetime, trimmed, clientAddress, ct).ConfigureAwait(false);
                await _mail.EnqueueAsync(MailTemplates.EmailChangeConfirm, trimmed, new Dictionary<string, string>
                {
                    ["email"] = account.Email,
                    ["newEmail"] = trimmed,
                    ["link"] = Link("confirm-email", token),
                    ["expiresInMinutes"] = Minutes(lifetime),
                }, account.Id, ct).ConfigureAwait(false);
                _audit.EmailChangeRequested(account.Id, origin.ClientIp);
                return (AccountFlowResult.Done, AttemptOutcome.Succeeded);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Confirms an email change from the new address: the account takes it (verified), and the old address
    /// gets a notice with a link that undoes the change (<see cref="AccountOptions.EmailChangeUndoLifetime"/>).
    /// </summary>
    public Task<AccountFlowResult> ConfirmEmailChangeAsync(string? token, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        RedeemAsync(token, AccountTokenPurpose.EmailChange, clientAddress, async (spent, origin, ct) =>
        {
            var account = await _accounts.FindByIdAsync(spent.AccountId, ct).ConfigureAwait(false);
            if (account is null)
            {
                return AccountFlowResult.Of(AccountFlowStatus.AccountNotFound);
            }

            var newEmail = spent.Binding!;
            var normalized = EmailAddress.Normalize(newEmail);
            if (await _tokens.IsReservedAsync(normalized, account.Id, _time.GetUtcNow(), ct).ConfigureAwait(false))
            {
                _audit.EmailChangeRefused(account.Id, "address reserved", origin.ClientIp);
                return AccountFlowResult.Of(AccountFlowStatus.EmailTaken);
            }

            // Only from the address this confirmation read: an undo that lands meanwhile wins.
            if (!await _tokens.TryChangeEmailAsync(account.Id, newEmail, normalized, account.NormalizedEmail, _time.GetUtcNow(), ct).ConfigureAwait(false))
            {
                var holder = await _accounts.FindByNormalizedEmailAsync(normalized, ct).ConfigureAwait(false);
                var taken = holder is not null && holder.Id != account.Id;
                _audit.EmailChangeRefused(account.Id, taken ? "address taken" : "address changed since", origin.ClientIp);
                return AccountFlowResult.Of(taken ? AccountFlowStatus.EmailTaken : AccountFlowStatus.TokenInvalid);
            }

            // The address has changed: the notice and its undo link must follow even if the caller goes away.
            var none = CancellationToken.None;
            _emails.Set(account.Id, newEmail, _time.GetUtcNow());
            _audit.EmailChanged(account.Id, origin.ClientIp);

            // Reset links mailed to the old address would outlive the change.
            await _tokens.RevokeUnspentAsync(account.Id, [AccountTokenPurpose.PasswordReset], null, none).ConfigureAwait(false);
            var lifetime = _options.Value.EmailChangeUndoLifetime;
            var undo = await IssueAsync(
                account.Id, AccountTokenPurpose.EmailChangeUndo, lifetime, AccountTokenCodec.UndoBinding(account.NormalizedEmail, account.Email), clientAddress, none)
                .ConfigureAwait(false);
            await _mail.EnqueueAsync(MailTemplates.EmailChangeNotice, account.Email, new Dictionary<string, string>
            {
                ["email"] = account.Email,
                ["newEmail"] = newEmail,
                ["link"] = Link("undo-email-change", undo),
                ["expiresInHours"] = ((int)lifetime.TotalHours).ToString(System.Globalization.CultureInfo.InvariantCulture),
            }, account.Id, none).ConfigureAwait(false);
            return AccountFlowResult.Done;
        }, cancellationToken);

    /// <summary>
    /// Undoes an email change from the old address: restores it and ends every session and token of the
    /// account, since whoever changed the address may hold one.
    /// </summary>
    public Task<AccountFlowResult> UndoEmailChangeAsync(string? token, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        RedeemAsync(token, AccountTokenPurpose.EmailChangeUndo, clientAddress, async (spent, origin, ct) =>
        {
            // Tokens issued before undo bindings named the normalized address hold the address alone.
            var oldEmail = AccountTokenCodec.UndoEmail(spent.Binding) ?? spent.Binding!;
            if (!await _tokens.TryChangeEmailAsync(spent.AccountId, oldEmail, EmailAddress.Normalize(oldEmail), null, _time.GetUtcNow(), ct).ConfigureAwait(false))
            {
                return AccountFlowResult.Of(AccountFlowStatus.EmailTaken);
            }

            // Whoever changed the address may hold sessions, tokens and pending links: all of them end, even if
            // the caller goes away now.
            var none = CancellationToken.None;
            _emails.Set(spent.AccountId, oldEmail, _time.GetUtcNow());
            _audit.EmailChangeUndone(spent.AccountId, origin.ClientIp);
            await _signOut.SignOutEverywhereAsync(spent.AccountId, null, origin, none).ConfigureAwait(false);
            await _tokens.RevokeUnspentAsync(spent.AccountId, PendingChanges, null, none).ConfigureAwait(false);

            // Undo links of later changes went to addresses the account had after this one, perhaps to whoever
            // made the changes: they end. Earlier ones stay, so that the first owner can still go back further.
            await _tokens.RevokeUnspentAsync(spent.AccountId, [AccountTokenPurpose.EmailChangeUndo], spent.CreatedAt, none).ConfigureAwait(false);
            return AccountFlowResult.Done;
        }, cancellationToken);

    private async Task SendVerificationByAddressAsync(string normalized, IPAddress? clientAddress)
    {
        try
        {
            var account = await _accounts.FindByNormalizedEmailAsync(normalized, CancellationToken.None).ConfigureAwait(false);
            if (account is null || account.EmailVerifiedAt is not null
                || !(await TryAcquireLinkMailAsync(account.Id, clientAddress, CancellationToken.None).ConfigureAwait(false)).IsAdmitted)
            {
                return;
            }

            await SendVerificationAsync(account, clientAddress, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Off the request path nothing else would see the failure; it is logged.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogResetMailFailed(_logger, exception);
        }
    }

    private async Task SendResetAsync(string normalized, IPAddress? clientAddress)
    {
        try
        {
            var account = await _accounts.FindByNormalizedEmailAsync(normalized, CancellationToken.None).ConfigureAwait(false);
            // Past the account's mail rate the request is dropped here, after the caller got its 202.
            if (account is null || !(await TryAcquireLinkMailAsync(account.Id, clientAddress, CancellationToken.None).ConfigureAwait(false)).IsAdmitted)
            {
                return;
            }

            var lifetime = _options.Value.PasswordResetLifetime;
            var token = await IssueAsync(
                account.Id, AccountTokenPurpose.PasswordReset, lifetime, AccountTokenCodec.PasswordStamp(account.PasswordHash), clientAddress, CancellationToken.None)
                .ConfigureAwait(false);
            await _mail.EnqueueAsync(MailTemplates.PasswordReset, account.Email, new Dictionary<string, string>
            {
                ["email"] = account.Email,
                ["link"] = Link("reset-password", token),
                ["expiresInMinutes"] = Minutes(lifetime),
            }, account.Id, CancellationToken.None).ConfigureAwait(false);
            _audit.PasswordResetRequested(account.Id, new RequestOrigin(clientAddress, null).ClientIp);
        }
#pragma warning disable CA1031 // Off the request path nothing else would see the failure; it is logged.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogResetMailFailed(_logger, exception);
        }
    }

    private async Task<ThrottleDecision> TryAcquireLinkMailAsync(string accountId, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var decision = await _counters.TryAcquireAsync(ThrottleKeys.LinkMailKey(accountId, clientAddress), options.LinkMailsPerAccount, options.LinkMailWindow, cancellationToken)
            .ConfigureAwait(false);
        if (!decision.IsAdmitted)
        {
            _audit.ThrottledAttempt(decision.RefusedBy, new RequestOrigin(clientAddress, null).ClientIp, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds));
        }

        return decision;
    }

    private async Task<string> IssueAsync(
        string accountId, AccountTokenPurpose purpose, TimeSpan lifetime, string? binding, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var token = AccountTokenCodec.Create();
        var now = Storage.StoredTime.Truncate(_time.GetUtcNow());
        await _tokens.AddAsync(new AccountToken(SecretHash.Compute(token), accountId, purpose, now, now + lifetime, binding), cancellationToken).ConfigureAwait(false);
        _audit.AccountTokenIssued(purpose.ToString(), accountId, new RequestOrigin(clientAddress, null).ClientIp);
        return token;
    }

    // Failed redemptions count against the caller's address like failed logins; the token is too random to guess.
    private async Task<AccountFlowResult> RedeemAsync(
        string? token,
        AccountTokenPurpose purpose,
        IPAddress? clientAddress,
        Func<AccountToken, RequestOrigin, CancellationToken, Task<AccountFlowResult>> apply,
        CancellationToken cancellationToken)
    {
        var origin = new RequestOrigin(clientAddress, null);
        var hash = AccountTokenCodec.TryHash(token);
        if (hash is null)
        {
            _audit.AccountTokenRefused(purpose.ToString(), "malformed", origin.ClientIp);
            return AccountFlowResult.Of(AccountFlowStatus.TokenInvalid);
        }

        return await _throttle.RunAsync(
            new ThrottleKeys("at:" + Convert.ToHexString(hash, 0, 8), ThrottleKeys.AddressKey(clientAddress)),
            clientAddress,
            static wait => new AccountFlowResult(AccountFlowStatus.Throttled, RetryAfter: wait),
            async ct =>
            {
                var redemption = await _tokens.RedeemAsync(hash, purpose, _time.GetUtcNow(), ct).ConfigureAwait(false);
                if (redemption.Status != AccountTokenRedemptionStatus.Redeemed)
                {
                    _audit.AccountTokenRefused(purpose.ToString(), redemption.Status.ToString(), origin.ClientIp);
                    return (AccountFlowResult.Of(redemption.Status switch
                    {
                        AccountTokenRedemptionStatus.Expired => AccountFlowStatus.TokenExpired,
                        AccountTokenRedemptionStatus.Used => AccountFlowStatus.TokenUsed,
                        _ => AccountFlowStatus.TokenInvalid,
                    }), AttemptOutcome.Failed);
                }

                var result = await apply(redemption.Token!, origin, ct).ConfigureAwait(false);
                return (result, result.Status == AccountFlowStatus.Done ? AttemptOutcome.Succeeded : AttemptOutcome.Failed);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private string Link(string page, string token) => _issuer.Issuer + "/" + page + "#token=" + token;

    private static string Minutes(TimeSpan lifetime) =>
        ((int)lifetime.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(1020, LogLevel.Error, "Queueing a password-reset or verification mail failed", EventName = "ResetMailFailed")]
    private static partial void LogResetMailFailed(ILogger logger, Exception exception);
}
