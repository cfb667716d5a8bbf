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
    private readonly CredentialThrottle _throttle;
    private readonly DeviceTokens _devices;
    private readonly UserSignOutService _signOut;
    private readonly AccountEmailCache _emails;
    private readonly TimeProvider _time;
    private readonly ILogger<AccountService> _logger;
    private readonly SecurityAudit _audit;
    private readonly IOptions<Recovery.AccountOptions> _accountOptions;
    private readonly Lazy<string> _dummyHash;
    private readonly Recovery.IAccountTokenStore? _tokens;
    private readonly LatchkeyMetrics? _metrics;

    /// <summary>Creates the service.</summary>
    public AccountService(
        IAccountStore store,
        IPasswordHasher hasher,
        PasswordHashingGate gate,
        CredentialThrottle throttle,
        DeviceTokens devices,
        UserSignOutService signOut,
        AccountEmailCache emails,
        TimeProvider time,
        IOptions<PasswordHashingOptions> hashing,
        IOptions<Recovery.AccountOptions> accountOptions,
        SecurityAudit audit,
        ILogger<AccountService> logger,
        Recovery.IAccountTokenStore? tokens = null,
        LatchkeyMetrics? metrics = null)
    {
        _tokens = tokens;
        _metrics = metrics;
        _store = store;
        _hasher = hasher;
        _gate = gate;
        _throttle = throttle;
        _devices = devices;
        _signOut = signOut;
        _emails = emails;
        _time = time;
        _logger = logger;
        _audit = audit;
        _accountOptions = accountOptions;

        if (hashing.Value is { MemorySizeKiB: < 19456 } or { Iterations: < 2 })
        {
            Log.WeakPasswordHashing(logger, hashing.Value.MemorySizeKiB, hashing.Value.Iterations);
        }

        // Unknown emails are verified against this hash, so that they cost the same time as a wrong password.
        _dummyHash = new Lazy<string>(() => hasher.Hash(Security.RandomTokens.Create(16)), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Creates an account. Every valid sign-up, whether it creates an account or finds the email taken,
    /// takes one of the caller's address's sign-up permits (<see cref="ThrottlingOptions.SignUpsPerAddress"/>),
    /// which bounds both account creation and probing for taken emails; login failures never count here.
    /// </summary>
    public async Task<RegistrationResult> RegisterAsync(string? email, string? password, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIfPresent("email", EmailAddress.Validate(email, out var trimmed));
        errors.AddIfPresent("password", PasswordPolicy.Validate(password));
        if (errors.Count > 0)
        {
            return new RegistrationResult(RegistrationStatus.Invalid, null, errors);
        }

        var permit = await _throttle.TryAcquireSignUpAsync(clientAddress, cancellationToken).ConfigureAwait(false);
        if (!permit.IsAdmitted)
        {
            return new RegistrationResult(RegistrationStatus.Throttled, null, null, permit.RetryAfter);
        }

        return await CreateAsync(trimmed, EmailAddress.Normalize(trimmed), password!, clientAddress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates an account for an operator (the first admin, from the command line): its address counts as verified, since
    /// the operator vouches for it, and its roles are set in the same insert, so that no half-made account can be left.
    /// No sign-up permit is taken: there is no caller address to count.
    /// </summary>
    public async Task<RegistrationResult> CreateByOperatorAsync(string? email, string password, AccountRoles roles, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIfPresent("email", EmailAddress.Validate(email, out var trimmed));
        errors.AddIfPresent("password", PasswordPolicy.Validate(password));
        return errors.Count > 0
            ? new RegistrationResult(RegistrationStatus.Invalid, null, errors)
            : await CreateAsync(trimmed, EmailAddress.Normalize(trimmed), password, null, cancellationToken, roles, verified: true).ConfigureAwait(false);
    }

    /// <summary>Checks an email and password from a client that presents no device token.</summary>
    public Task<SignInResult> SignInAsync(string? email, string? password, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        SignInAsync(email, password, clientAddress, deviceToken: null, cancellationToken);

    /// <summary>
    /// Checks an email and password. Unknown emails and wrong passwords take the same path (a
    /// verification against a dummy hash) and give the same result. With a valid device token for the
    /// account named, the attempt is throttled by that device's counter alone; otherwise by the account's
    /// and the address's. A success issues a device token (<see cref="SignInResult.Device"/>): a renewal of
    /// the presented one when it was valid for this account, else one for a new device.
    /// </summary>
    public async Task<SignInResult> SignInAsync(
        string? email, string? password, IPAddress? clientAddress, string? deviceToken, CancellationToken cancellationToken)
    {
        var trimmed = email?.Trim() ?? string.Empty;
        var normalized = trimmed.Length is > 0 and <= EmailAddress.MaxLength ? EmailAddress.Normalize(trimmed) : string.Empty;
        var clientIp = new RequestOrigin(clientAddress, null).ClientIp;

        // Only a genuine token costs the account lookup here, which the credential check then reuses.
        var device = _devices.Check(deviceToken);
        var lookup = device.Status == DeviceTokenStatus.Valid && normalized.Length > 0
            ? new AccountLookup(await _store.FindByNormalizedEmailAsync(normalized, cancellationToken).ConfigureAwait(false))
            : null;
        var known = device.IsValidFor(lookup?.Account?.Id);
        if (device.Status != DeviceTokenStatus.None && !known)
        {
            _audit.DeviceTokenRefused(
                device.Status switch
                {
                    DeviceTokenStatus.Expired => SecurityAudit.DeviceTokenRefusal.Expired,
                    DeviceTokenStatus.Valid => SecurityAudit.DeviceTokenRefusal.OtherAccount,
                    _ => SecurityAudit.DeviceTokenRefusal.Invalid,
                },
                clientIp);
        }

        using var span = LatchkeyTelemetry.ActivitySource.StartActivity("latchkey.sign_in");
        var result = await _throttle.RunAsync(
            known ? ThrottleKeys.ForDevice(device.DeviceId!) : ThrottleKeys.For(normalized, clientAddress),
            clientAddress,
            static wait => new SignInResult(SignInStatus.Throttled, null, wait),
            ct => CheckCredentialsAsync(normalized, password, clientIp, lookup, ct),
            cancellationToken).ConfigureAwait(false);
        _metrics?.SignIn(result.Status);
        span?.SetTag("latchkey.login.result", LatchkeyMetrics.SignInResultName(result.Status));
        return result.Status == SignInStatus.Succeeded
            ? result with { Device = _devices.Issue(result.Account!.Id, known ? device.DeviceId : null) }
            : result;
    }

    /// <summary>
    /// Changes the password after checking the current one, then ends every session of the user but
    /// <paramref name="currentSession"/> (the one making the change, if any), every refresh token, and
    /// every access token issued before the change.
    /// </summary>
    public async Task<PasswordChangeResult> ChangePasswordAsync(
        string userId, string? currentPassword, string? newPassword, Session? currentSession, IPAddress? clientAddress, CancellationToken cancellationToken)
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

        // The same account counter as login: a stolen session does not buy more guesses at the password.
        return await _throttle.RunAsync(
            ThrottleKeys.For(account.NormalizedEmail, clientAddress),
            clientAddress,
            static wait => new PasswordChangeResult(PasswordChangeStatus.Throttled, null, wait),
            async ct =>
            {
                var result = await ReplacePasswordAsync(account, currentPassword!, newPassword!, currentSession, new RequestOrigin(clientAddress, null), ct).ConfigureAwait(false);
                return (result, result.Status == PasswordChangeStatus.Changed ? AttemptOutcome.Succeeded : AttemptOutcome.Failed);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks, after a session or refresh family was written for <paramref name="signedIn"/>, that the account is
    /// still as the sign-in read it. A disable, a password reset or change, or "log out everywhere" that ran
    /// during the password check ends the account's sessions before or after that write: before, this re-read
    /// sees the change and the caller undoes its write; after, the write was swept away with the rest.
    /// </summary>
    /// <returns><see cref="SignInStatus.Succeeded"/>, <see cref="SignInStatus.Disabled"/>, or <see cref="SignInStatus.InvalidCredentials"/> for a changed password or a deleted account.</returns>
    public async Task<SignInStatus> RecheckAfterSignInAsync(Account signedIn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signedIn);
        var current = await _store.FindByIdAsync(signedIn.Id, cancellationToken).ConfigureAwait(false);
        return current is null ? SignInStatus.InvalidCredentials
            : current.DisabledAt is not null ? SignInStatus.Disabled
            : current.PasswordChangedAt != signedIn.PasswordChangedAt || current.TokenGeneration != signedIn.TokenGeneration ? SignInStatus.InvalidCredentials
            : SignInStatus.Succeeded;
    }

    /// <summary>Finds an account by id.</summary>
    public Task<Account?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        _store.FindByIdAsync(userId, cancellationToken);

    /// <summary>
    /// The email of an account, or <see langword="null"/> when there is no such account; served from
    /// memory when the account was read recently (<see cref="AccountEmailCache"/>).
    /// </summary>
    public async ValueTask<string?> FindEmailAsync(string userId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_emails.TryGet(userId, now, out var email))
        {
            return email;
        }

        var account = await _store.FindByIdAsync(userId, cancellationToken).ConfigureAwait(false);
        if (account is not null)
        {
            _emails.Set(account.Id, account.Email, now);
        }

        return account?.Email;
    }

    private async Task<RegistrationResult> CreateAsync(
        string trimmed, string normalized, string password, IPAddress? clientAddress, CancellationToken cancellationToken,
        AccountRoles roles = AccountRoles.None, bool verified = false)
    {
        // A cheap check first, so that a taken address costs no hashing work; the insert decides.
        // An address that an email change replaced stays its former owner's while the undo link works.
        if (await _store.FindByNormalizedEmailAsync(normalized, cancellationToken).ConfigureAwait(false) is not null
            || (_tokens is not null && await _tokens.IsReservedAsync(normalized, null, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false)))
        {
            return new RegistrationResult(RegistrationStatus.EmailTaken, null, null);
        }

        var hash = await _gate.RunAsync(() => _hasher.Hash(password), cancellationToken).ConfigureAwait(false);
        var now = Storage.StoredTime.Truncate(_time.GetUtcNow());
        var account = new Account(Guid.CreateVersion7(now).ToString(), trimmed, normalized, hash, now, now, EmailVerifiedAt: verified ? now : null, Roles: roles);
        if (!await _store.TryCreateAsync(account, cancellationToken).ConfigureAwait(false))
        {
            return new RegistrationResult(RegistrationStatus.EmailTaken, null, null);
        }

        _audit.AccountCreated(account.Id, new RequestOrigin(clientAddress, null).ClientIp);
        return new RegistrationResult(RegistrationStatus.Created, account, null);
    }

    // Unknown emails and wrong passwords take the same path (a verification against a dummy hash).
    private async Task<(SignInResult Result, AttemptOutcome Outcome)> CheckCredentialsAsync(
        string normalized, string? password, string? clientIp, AccountLookup? lookup, CancellationToken cancellationToken)
    {
        var account = lookup is not null ? lookup.Account
            : normalized.Length == 0 ? null
            : await _store.FindByNormalizedEmailAsync(normalized, cancellationToken).ConfigureAwait(false);
        var passwordOk = password is { Length: > 0 and <= PasswordPolicy.MaxLength * 2 };
        var stored = account?.PasswordHash;
        var result = await _gate.RunAsync(
            () => _hasher.Verify(stored ?? _dummyHash.Value, passwordOk ? password! : string.Empty), cancellationToken).ConfigureAwait(false);

        if (account is null || !passwordOk || result == PasswordVerificationResult.Failed)
        {
            _audit.LoginFailed(account is null ? SecurityAudit.LoginFailure.UnknownAccount : SecurityAudit.LoginFailure.WrongPassword, account?.Id, clientIp);
            return (new SignInResult(SignInStatus.InvalidCredentials, null, TimeSpan.Zero), AttemptOutcome.Failed);
        }

        if (account.DisabledAt is not null)
        {
            // Counted as a failure: a disabled account earns no reset of its counter.
            _audit.DisabledAccountRefused(account.Id, "login", clientIp);
            return (new SignInResult(SignInStatus.Disabled, account, TimeSpan.Zero), AttemptOutcome.Failed);
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await RehashAsync(account, password!, cancellationToken).ConfigureAwait(false);
        }

        // Only a caller who knows the password learns that the address is unverified.
        if (account.EmailVerifiedAt is null && _accountOptions.Value.RequireVerifiedEmail)
        {
            _audit.LoginUnverified(account.Id, clientIp);
            return (new SignInResult(SignInStatus.EmailNotVerified, account, TimeSpan.Zero), AttemptOutcome.Succeeded);
        }

        _audit.LoginSucceeded(account.Id, clientIp);
        return (new SignInResult(SignInStatus.Succeeded, account, TimeSpan.Zero), AttemptOutcome.Succeeded);
    }

    private async Task<PasswordChangeResult> ReplacePasswordAsync(
        Account account, string currentPassword, string newPassword, Session? currentSession, RequestOrigin origin, CancellationToken cancellationToken)
    {
        var check = currentPassword.Length > PasswordPolicy.MaxLength * 2
            ? PasswordVerificationResult.Failed
            : await _gate.RunAsync(() => _hasher.Verify(account.PasswordHash, currentPassword), cancellationToken).ConfigureAwait(false);
        if (check == PasswordVerificationResult.Failed)
        {
            _audit.PasswordChangeRefused(account.Id, origin.ClientIp);
            return new PasswordChangeResult(PasswordChangeStatus.InvalidCurrentPassword, null);
        }

        var hash = await _gate.RunAsync(() => _hasher.Hash(newPassword), cancellationToken).ConfigureAwait(false);
        if (!await _store.TryReplacePasswordHashAsync(account.Id, account.PasswordHash, hash, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            // Another change won the race; this one was checked against a password that is no longer current.
            return new PasswordChangeResult(PasswordChangeStatus.InvalidCurrentPassword, null);
        }

        // The password is set: what follows must happen even if the caller goes away. Links that would change
        // the account (a reset, an email change) were asked for under the old password and end with it.
        _audit.PasswordChanged(account.Id, origin.ClientIp);
        await _signOut.SignOutEverywhereAsync(account.Id, currentSession, origin, CancellationToken.None).ConfigureAwait(false);
        if (_tokens is not null)
        {
            await _tokens.RevokeUnspentAsync(account.Id, Recovery.AccountRecoveryService.PendingChanges, null, CancellationToken.None).ConfigureAwait(false);
        }
        return new PasswordChangeResult(PasswordChangeStatus.Changed, null);
    }

    private async Task RehashAsync(Account account, string password, CancellationToken cancellationToken)
    {
        var hash = await _gate.RunAsync(() => _hasher.Hash(password), cancellationToken).ConfigureAwait(false);

        // Compare-and-set: a password change that happened meanwhile wins.
        if (await _store.TryReplacePasswordHashAsync(account.Id, account.PasswordHash, hash, account.PasswordChangedAt, cancellationToken).ConfigureAwait(false))
        {
            Log.PasswordRehashed(_logger, account.Id);
        }
    }

    // An account looked up before the credential check (found or not), so that the check need not repeat it.
    private sealed record AccountLookup(Account? Account);
}
