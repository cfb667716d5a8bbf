using System.Net;
using Latchkey.Diagnostics;
using Latchkey.Mail;
using Latchkey.Passwords;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Throttling;

namespace Latchkey.Accounts;

/// <summary>
/// Disables, enables and deletes accounts. Disabling and deleting end everything the account is signed in
/// with through the same path as "log out everywhere" (<see cref="UserSignOutService"/>), which the
/// revocation broadcaster carries to every node. Deleting then removes the account's personal data from
/// every store: the account row and, by cascade, its rows in other tables; its sessions wherever they
/// live; its throttle counter; this node's cached email. Only audit events, which name ids, remain.
/// </summary>
public sealed class AccountLifecycleService
{
    private readonly IAccountStore _store;
    private readonly ISessionStore _sessions;
    private readonly UserSignOutService _signOut;
    private readonly IPasswordHasher _hasher;
    private readonly PasswordHashingGate _gate;
    private readonly CredentialThrottle _throttle;
    private readonly ILoginThrottle _counters;
    private readonly AccountEmailCache _emails;
    private readonly IMailOutbox? _mail;
    private readonly Recovery.IAccountTokenStore? _tokens;
    private readonly TimeProvider _time;
    private readonly SecurityAudit _audit;

    /// <summary>
    /// Creates the service; <paramref name="mail"/> is optional, and without it no goodbye message is sent; without
    /// <paramref name="tokens"/>, disabling leaves mailed links alone.
    /// </summary>
    public AccountLifecycleService(
        IAccountStore store,
        ISessionStore sessions,
        UserSignOutService signOut,
        IPasswordHasher hasher,
        PasswordHashingGate gate,
        CredentialThrottle throttle,
        ILoginThrottle counters,
        AccountEmailCache emails,
        TimeProvider time,
        SecurityAudit audit,
        IMailOutbox? mail = null,
        Recovery.IAccountTokenStore? tokens = null)
    {
        _tokens = tokens;
        _store = store;
        _sessions = sessions;
        _signOut = signOut;
        _hasher = hasher;
        _gate = gate;
        _throttle = throttle;
        _counters = counters;
        _emails = emails;
        _mail = mail;
        _time = time;
        _audit = audit;
    }

    /// <summary>
    /// Disables the account: from the moment this returns it cannot sign in, refresh or mint tokens, and
    /// every session, refresh-token family and access token it had is dead on every node.
    /// </summary>
    public async Task<AccountLifecycleResult> DisableAsync(string accountId, SecurityAudit.LifecycleActor actor, RequestOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var account = await _store.FindByIdAsync(accountId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new AccountLifecycleResult(AccountLifecycleStatus.NotFound, null);
        }

        // Disabled first, so that a login checked after this point is refused; then everything it holds ends.
        var disabledAt = account.DisabledAt ?? Storage.StoredTime.Truncate(_time.GetUtcNow());
        if (!await _store.SetDisabledAtAsync(account.Id, disabledAt, cancellationToken).ConfigureAwait(false))
        {
            return new AccountLifecycleResult(AccountLifecycleStatus.NotFound, null);
        }

        _audit.AccountDisabled(account.Id, actor, origin.ClientIp);
        await _signOut.SignOutEverywhereAsync(account.Id, null, origin, CancellationToken.None).ConfigureAwait(false);
        if (_tokens is not null)
        {
            // A pending email change or reset must not hand a quarantined account back to whoever asked for it.
            await _tokens.RevokeUnspentAsync(account.Id, Recovery.AccountRecoveryService.PendingChanges, null, CancellationToken.None).ConfigureAwait(false);
        }
        return new AccountLifecycleResult(AccountLifecycleStatus.Done, account);
    }

    /// <summary>Enables a disabled account again; its password works again, nothing it held before comes back.</summary>
    public async Task<AccountLifecycleResult> EnableAsync(string accountId, SecurityAudit.LifecycleActor actor, RequestOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var account = await _store.FindByIdAsync(accountId, cancellationToken).ConfigureAwait(false);
        if (account is null || !await _store.SetDisabledAtAsync(account.Id, null, cancellationToken).ConfigureAwait(false))
        {
            return new AccountLifecycleResult(AccountLifecycleStatus.NotFound, null);
        }

        _audit.AccountEnabled(account.Id, actor, origin.ClientIp);
        return new AccountLifecycleResult(AccountLifecycleStatus.Done, account);
    }

    /// <summary>Deletes an account as an operator: no password asked.</summary>
    public async Task<AccountLifecycleResult> DeleteAsync(string accountId, RequestOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var account = await _store.FindByIdAsync(accountId, cancellationToken).ConfigureAwait(false);
        return account is null
            ? new AccountLifecycleResult(AccountLifecycleStatus.NotFound, null)
            : await RemoveAsync(account, SecurityAudit.LifecycleActor.Operator, origin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the caller's own account after checking <paramref name="currentPassword"/>, throttled on the
    /// same account counter as login and password change, so a stolen session buys no extra guesses.
    /// </summary>
    public async Task<AccountLifecycleResult> DeleteOwnAsync(string accountId, string? currentPassword, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(currentPassword))
        {
            var errors = new ValidationErrors();
            errors.AddIfPresent("currentPassword", "The current password is required.");
            return new AccountLifecycleResult(AccountLifecycleStatus.Invalid, null, errors);
        }

        var account = await _store.FindByIdAsync(accountId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new AccountLifecycleResult(AccountLifecycleStatus.NotFound, null);
        }

        var origin = new RequestOrigin(clientAddress, null);
        var checkedPassword = await _throttle.RunAsync(
            ThrottleKeys.For(account.NormalizedEmail, clientAddress),
            clientAddress,
            static wait => new AccountLifecycleResult(AccountLifecycleStatus.Throttled, null, null, wait),
            async ct =>
            {
                var check = currentPassword.Length > PasswordPolicy.MaxLength * 2
                    ? PasswordVerificationResult.Failed
                    : await _gate.RunAsync(() => _hasher.Verify(account.PasswordHash, currentPassword), ct).ConfigureAwait(false);
                if (check == PasswordVerificationResult.Failed)
                {
                    _audit.AccountDeletionRefused(account.Id, origin.ClientIp);
                    return (new AccountLifecycleResult(AccountLifecycleStatus.InvalidCurrentPassword, account), AttemptOutcome.Failed);
                }

                return (new AccountLifecycleResult(AccountLifecycleStatus.Done, account), AttemptOutcome.Succeeded);
            },
            cancellationToken).ConfigureAwait(false);

        // The deletion runs after the throttle settled the attempt, so that its counter can be forgotten for good.
        return checkedPassword.Status == AccountLifecycleStatus.Done
            ? await RemoveAsync(account, SecurityAudit.LifecycleActor.Owner, origin, cancellationToken).ConfigureAwait(false)
            : checkedPassword;
    }

    private async Task<AccountLifecycleResult> RemoveAsync(Account account, SecurityAudit.LifecycleActor actor, RequestOrigin origin, CancellationToken cancellationToken)
    {
        // While the row exists: raising the token generation needs it, and the broadcast tells every node
        // to drop the account's cached sessions and refuse its access tokens.
        await _signOut.SignOutEverywhereAsync(account.Id, null, origin, cancellationToken).ConfigureAwait(false);
        if (!await _store.DeleteAsync(account.Id, cancellationToken).ConfigureAwait(false))
        {
            return new AccountLifecycleResult(AccountLifecycleStatus.NotFound, null);
        }

        // Rows that reference the account went with it; sessions kept outside the database (Redis) and
        // any that a racing login created before the delete are removed here.
        // The account is gone: what follows must happen even if the caller goes away.
        var none = CancellationToken.None;
        await _sessions.DeleteAllForUserAsync(account.Id, null, none).ConfigureAwait(false);
        await _counters.ForgetAsync(ThrottleKeys.For(account.NormalizedEmail, null).Subject, none).ConfigureAwait(false);
        _emails.Remove(account.Id);
        _audit.AccountDeleted(account.Id, actor, origin.ClientIp);

        // After the delete, and with no account id: the queued message must not keep the account alive or
        // be removed with it. It is a courtesy: a full outbox must not turn a done deletion into an error.
        if (_mail is not null)
        {
            try
            {
                await _mail.EnqueueAsync(
                    MailTemplates.AccountDeleted, account.Email, new Dictionary<string, string>(StringComparer.Ordinal) { ["email"] = account.Email }, null, none)
                    .ConfigureAwait(false);
            }
            catch (ServerBusyException)
            {
                _audit.GoodbyeMailDropped(account.Id);
            }
        }

        return new AccountLifecycleResult(AccountLifecycleStatus.Done, account);
    }
}
