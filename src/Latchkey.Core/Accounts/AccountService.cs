using System.Net;
using Latchkey.Diagnostics;
using Latchkey.Passwords;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Throttling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Accounts;

/// <summary>Registration, credential checks and password changes.</summary>
public sealed class AccountService
{
    private readonly IAccountStore _store;
    private readonly IPasswordHasher _hasher;
    private readonly PasswordHashingGate _gate;
    private readonly ILoginThrottle _throttle;
    private readonly UserSignOutService _signOut;
    private readonly TimeProvider _time;
    private readonly ILogger<AccountService> _logger;
    private readonly SecurityAudit _audit;
    private readonly Lazy<string> _dummyHash;

    /// <summary>Creates the service.</summary>
    public AccountService(
        IAccountStore store,
        IPasswordHasher hasher,
        PasswordHashingGate gate,
        ILoginThrottle throttle,
        UserSignOutService signOut,
        TimeProvider time,
        IOptions<PasswordHashingOptions> hashing,
        SecurityAudit audit,
        ILogger<AccountService> logger)
    {
        _store = store;
        _hasher = hasher;
        _gate = gate;
        _throttle = throttle;
        _signOut = signOut;
        _time = time;
        _logger = logger;
        _audit = audit;

        if (hashing.Value is { MemorySizeKiB: < 19456 } or { Iterations: < 2 })
        {
            Log.WeakPasswordHashing(logger, hashing.Value.MemorySizeKiB, hashing.Value.Iterations);
        }

        // Unknown emails are verified against this hash, so that they cost the same time as a wrong password.
        _dummyHash = new Lazy<string>(() => hasher.Hash(Security.RandomTokens.Create(16)), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Creates an account.</summary>
    public async Task<RegistrationResult> RegisterAsync(string? email, string? password, RequestOrigin origin, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIfPresent("email", EmailAddress.Validate(email, out var trimmed));
        errors.AddIfPresent("password", PasswordPolicy.Validate(password));
        if (errors.Count > 0)
        {
            return new RegistrationResult(RegistrationStatus.Invalid, null, errors);
        }

        var normalized = EmailAddress.Normalize(trimmed);

        // A cheap check first, so that a taken address costs no hashing work; the insert decides.
        if (await _store.FindByNormalizedEmailAsync(normalized, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new RegistrationResult(RegistrationStatus.EmailTaken, null, null);
        }

        var hash = await _gate.RunAsync(() => _hasher.Hash(password!), cancellationToken).ConfigureAwait(false);
        var now = Storage.StoredTime.Truncate(_time.GetUtcNow());
        var account = new Account(Guid.CreateVersion7(now).ToString(), trimmed, normalized, hash, now, now);
        if (!await _store.TryCreateAsync(account, cancellationToken).ConfigureAwait(false))
        {
            return new RegistrationResult(RegistrationStatus.EmailTaken, null, null);
        }

        _audit.AccountCreated(account.Id, origin.ClientIp);
        return new RegistrationResult(RegistrationStatus.Created, account, null);
    }

    /// <summary>
    /// Checks an email and password. Unknown emails and wrong passwords take the same path (a
    /// verification against a dummy hash) and give the same result.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string? email, string? password, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var trimmed = email?.Trim() ?? string.Empty;
        var normalized = trimmed.Length is > 0 and <= EmailAddress.MaxLength ? EmailAddress.Normalize(trimmed) : string.Empty;
        var keys = ThrottleKeys.For(normalized, clientAddress);
        var clientIp = new RequestOrigin(clientAddress, null).ClientIp;

        var wait = await _throttle.GetRetryAfterAsync(keys, cancellationToken).ConfigureAwait(false);
        if (wait is { } retryAfter)
        {
            _audit.LoginThrottled(clientIp, (int)Math.Ceiling(retryAfter.TotalSeconds));
            return new SignInResult(SignInStatus.Throttled, null, retryAfter);
        }

        var account = normalized.Length == 0 ? null : await _store.FindByNormalizedEmailAsync(normalized, cancellationToken).ConfigureAwait(false);
        var passwordOk = password is { Length: > 0 and <= PasswordPolicy.MaxLength * 2 };
        var stored = account?.PasswordHash;
        var result = await _gate.RunAsync(
            () => _hasher.Verify(stored ?? _dummyHash.Value, passwordOk ? password! : string.Empty), cancellationToken).ConfigureAwait(false);

        if (account is null || !passwordOk || result == PasswordVerificationResult.Failed)
        {
            await _throttle.RecordFailureAsync(keys, cancellationToken).ConfigureAwait(false);
            _audit.LoginFailed(account is null ? SecurityAudit.LoginFailure.UnknownAccount : SecurityAudit.LoginFailure.WrongPassword, account?.Id, clientIp);
            return new SignInResult(SignInStatus.InvalidCredentials, null, TimeSpan.Zero);
        }

        await _throttle.RecordSuccessAsync(keys, cancellationToken).ConfigureAwait(false);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await RehashAsync(account, password!, cancellationToken).ConfigureAwait(false);
        }

        _audit.LoginSucceeded(account.Id, clientIp);
        return new SignInResult(SignInStatus.Succeeded, account, TimeSpan.Zero);
    }

    /// <summary>
    /// Changes the password after checking the current one, then ends every session of the user but
    /// <paramref name="currentSession"/> (the one making the change, if any), every refresh token, and
    /// every access token issued before the change.
    /// </summary>
    public async Task<PasswordChangeResult> ChangePasswordAsync(
        string userId, string? currentPassword, string? newPassword, Session? currentSession, RequestOrigin origin, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(currentPassword))
        {
            errors.AddIfPresent("currentPassword", "The current password is required.");
        }

        errors.AddIfPresent("newPassword", PasswordPolicy.Validate(newPassword));
        if (errors.Count > 0)
        {
            return new PasswordChangeResult(PasswordChangeStatus.Invalid, errors);
        }

        var account = await _store.FindByIdAsync(userId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new PasswordChangeResult(PasswordChangeStatus.AccountNotFound, null);
        }

        var check = currentPassword!.Length > PasswordPolicy.MaxLength * 2
            ? PasswordVerificationResult.Failed
            : await _gate.RunAsync(() => _hasher.Verify(account.PasswordHash, currentPassword), cancellationToken).ConfigureAwait(false);
        if (check == PasswordVerificationResult.Failed)
        {
            _audit.PasswordChangeRefused(userId, origin.ClientIp);
            return new PasswordChangeResult(PasswordChangeStatus.InvalidCurrentPassword, null);
        }

        var hash = await _gate.RunAsync(() => _hasher.Hash(newPassword!), cancellationToken).ConfigureAwait(false);
        if (!await _store.TryReplacePasswordHashAsync(userId, account.PasswordHash, hash, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            // Another change won the race; this one was checked against a password that is no longer current.
            return new PasswordChangeResult(PasswordChangeStatus.InvalidCurrentPassword, null);
        }

        _audit.PasswordChanged(userId, origin.ClientIp);
        await _signOut.SignOutEverywhereAsync(userId, currentSession, origin, cancellationToken).ConfigureAwait(false);
        return new PasswordChangeResult(PasswordChangeStatus.Changed, null);
    }

    /// <summary>Finds an account by id.</summary>
    public Task<Account?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        _store.FindByIdAsync(userId, cancellationToken);

    private async Task RehashAsync(Account account, string password, CancellationToken cancellationToken)
    {
        var hash = await _gate.RunAsync(() => _hasher.Hash(password), cancellationToken).ConfigureAwait(false);

        // Compare-and-set: a password change that happened meanwhile wins.
        if (await _store.TryReplacePasswordHashAsync(account.Id, account.PasswordHash, hash, account.PasswordChangedAt, cancellationToken).ConfigureAwait(false))
        {
            Log.PasswordRehashed(_logger, account.Id);
        }
    }
}
