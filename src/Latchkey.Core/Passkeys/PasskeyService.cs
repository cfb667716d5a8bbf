using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Fido2NetLib.Serialization;
using Latchkey.AccessTokens;
using Latchkey.Accounts;
using Latchkey.Accounts.Recovery;
using Latchkey.Diagnostics;
using Latchkey.Mfa;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Storage;
using Latchkey.Throttling;
using Microsoft.Extensions.Options;

namespace Latchkey.Passkeys;

/// <summary>
/// Passkeys (WebAuthn Level 3, verified by the Fido2 library): registering them to an account, signing in with one alone
/// (discoverable credentials) or as the second factor after a password, and managing them. The options of each ceremony
/// are kept server-side under the hash of an opaque ceremony id, for one use and a few minutes.
/// </summary>
public sealed class PasskeyService
{
    /// <summary>The longest passkey name.</summary>
    public const int MaxNameLength = 64;

    private const string CeremonyPrefix = "lk_pk_";
    private const int CeremonyRandomBytes = 32;

    private readonly IPasskeyStore _store;
    private readonly IAccountStore _accounts;
    private readonly MfaService _mfa;
    private readonly CredentialThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly IOptions<WebAuthnOptions> _options;
    private readonly IOptions<AccountOptions> _accountOptions;
    private readonly IIssuerProvider _issuer;
    private readonly SecurityAudit _audit;
    private Fido2? _fido2;

    /// <summary>Creates the service.</summary>
    public PasskeyService(
        IPasskeyStore store, IAccountStore accounts, MfaService mfa, CredentialThrottle throttle, TimeProvider time,
        IOptions<WebAuthnOptions> options, IOptions<AccountOptions> accountOptions, IIssuerProvider issuer, SecurityAudit audit)
    {
        _store = store;
        _accounts = accounts;
        _mfa = mfa;
        _throttle = throttle;
        _time = time;
        _options = options;
        _accountOptions = accountOptions;
        _issuer = issuer;
        _audit = audit;
    }

    /// <summary>The relying party id in effect: the configured one, else the issuer's host.</summary>
    public string RelyingPartyId => _options.Value.RelyingPartyId ?? new Uri(_issuer.Issuer).Host;

    /// <summary>The origins accepted in effect: the configured ones, else the issuer's origin.</summary>
    public IReadOnlyList<string> Origins =>
        _options.Value.Origins.Count > 0 ? [.. _options.Value.Origins] : [new Uri(_issuer.Issuer).GetLeftPart(UriPartial.Authority)];

    private Fido2 Fido => _fido2 ??= new Fido2(new Fido2Configuration
    {
        RPID = RelyingPartyId,
        RPName = _options.Value.RelyingPartyName,
        Origins = new HashSet<string>(Origins, StringComparer.Ordinal),
        Timeout = (uint)_options.Value.Timeout.TotalMilliseconds,
    });

    /// <summary>The account's passkeys, oldest first.</summary>
    public Task<IReadOnlyList<Passkey>> ListAsync(string accountId, CancellationToken cancellationToken) => _store.ListAsync(accountId, cancellationToken);

    /// <summary>Renames one of the account's passkeys.</summary>
    /// <returns>The renamed passkey, or <see langword="null"/> when the account has none with this id.</returns>
    public async Task<Passkey?> RenameAsync(string accountId, string id, string name, CancellationToken cancellationToken) =>
        await _store.RenameAsync(accountId, id, name, cancellationToken).ConfigureAwait(false)
            ? (await _store.ListAsync(accountId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(p => p.Id == id)
            : null;

    /// <summary>Removes one of the account's passkeys.</summary>
    public async Task<bool> RemoveAsync(string accountId, string id, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var removed = await _store.DeleteAsync(accountId, id, cancellationToken).ConfigureAwait(false);
        if (removed)
        {
            _audit.PasskeyRemoved(id, accountId, ClientIp(clientAddress));
        }

        return removed;
    }

    /// <summary>
    /// A passkey name as given, trimmed, or <see langword="null"/> when it is empty, longer than
    /// <see cref="MaxNameLength"/>, or holds control characters.
    /// </summary>
    public static string? NormalizeName(string? name)
    {
        var trimmed = name?.Trim();
        return trimmed is { Length: > 0 and <= MaxNameLength } && !trimmed.Any(char.IsControl) ? trimmed : null;
    }

    /// <summary>Begins registering a passkey to the account: a discoverable credential, user verification preferred, existing ones excluded.</summary>
    public async Task<PasskeyCeremonyStart> BeginRegistrationAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var existing = await _store.ListAsync(account.Id, cancellationToken).ConfigureAwait(false);
        var options = Fido.RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = UserHandle(account.Id), Name = account.Email, DisplayName = account.Email },
            ExcludeCredentials = [.. existing.Select(p => new PublicKeyCredentialDescriptor(p.CredentialId))],
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Required,
                UserVerification = UserVerificationRequirement.Preferred,
            },
            AttestationPreference = AttestationConveyancePreference.None,
            Extensions = new AuthenticationExtensionsClientInputs { CredProps = true },
        });
        return await StartAsync(PasskeyCeremonyKind.Registration, account.Id, options.ToJson(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes a registration: verifies the authenticator's response against the ceremony and stores the passkey under <paramref name="name"/>.</summary>
    public async Task<PasskeyResult<Passkey>> CompleteRegistrationAsync(
        Account account, string? ceremony, string name, string? credential, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var clientIp = ClientIp(clientAddress);
        var taken = await TakeAsync(ceremony, PasskeyCeremonyKind.Registration, account.Id, cancellationToken).ConfigureAwait(false);
        if (taken is null)
        {
            _audit.PasskeyRefused("registration", "ceremony_invalid", account.Id, clientIp);
            return PasskeyResult.Fail<Passkey>(PasskeyFailure.CeremonyInvalid);
        }

        RegisteredPublicKeyCredential made;
        try
        {
            var response = Parse(credential, TypeInfo<AuthenticatorAttestationRawResponse>());
            made = await Fido.MakeNewCredentialAsync(
                new MakeNewCredentialParams
                {
                    AttestationResponse = response,
                    OriginalOptions = CredentialCreateOptions.FromJson(taken.Options),
                    IsCredentialIdUniqueToUserCallback = async (args, ct) =>
                        await _store.FindByCredentialIdAsync(args.CredentialId, ct).ConfigureAwait(false) is null,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsVerificationFailure(ex))
        {
            var duplicate = ex is Fido2VerificationException { Code: Fido2ErrorCode.NonUniqueCredentialId };
            _audit.PasskeyRefused("registration", duplicate ? "already_registered" : ReasonOf(ex), account.Id, clientIp);
            return PasskeyResult.Fail<Passkey>(duplicate ? PasskeyFailure.AlreadyRegistered : PasskeyFailure.Invalid);
        }

        var passkey = new Passkey(
            RandomTokens.Create(16), account.Id, made.Id, made.PublicKey, made.SignCount, made.IsBackupEligible, made.IsBackedUp,
            name, StoredTime.Truncate(_time.GetUtcNow()), null);
        if (!await _store.AddAsync(passkey, cancellationToken).ConfigureAwait(false))
        {
            _audit.PasskeyRefused("registration", "already_registered", account.Id, clientIp);
            return PasskeyResult.Fail<Passkey>(PasskeyFailure.AlreadyRegistered);
        }

        _audit.PasskeyRegistered(passkey.Id, account.Id, clientIp);
        return PasskeyResult.Success(passkey);
    }

    /// <summary>Begins a sign-in with a passkey alone: no credentials listed (the authenticator offers its discoverable ones), user verification required.</summary>
    public Task<PasskeyCeremonyStart> BeginSignInAsync(CancellationToken cancellationToken) =>
        StartAsync(PasskeyCeremonyKind.SignIn, null, AssertionOptionsFor([]).ToJson(), cancellationToken);

    /// <summary>
    /// Completes a sign-in with a passkey alone. The passkey must be registered, verified by the user (it stands for both
    /// factors), and its account enabled (and verified, where the server requires it). Failures count against the
    /// account's second-factor counter once the credential names one, and always against the address.
    /// </summary>
    public async Task<PasskeyResult<PasskeySignIn>> CompleteSignInAsync(string? ceremony, string? credential, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var clientIp = ClientIp(clientAddress);
        var response = TryParse(credential, TypeInfo<AuthenticatorAssertionRawResponse>());
        var passkey = response?.RawId is { Length: > 0 } rawId ? await _store.FindByCredentialIdAsync(rawId, cancellationToken).ConfigureAwait(false) : null;
        return await _throttle.RunAsync(
            ThrottleKeys.ForPasskey(passkey?.AccountId, clientAddress),
            clientAddress,
            static wait => PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.Throttled, wait),
            async ct =>
            {
                var taken = await TakeAsync(ceremony, PasskeyCeremonyKind.SignIn, null, ct).ConfigureAwait(false);
                if (taken is null)
                {
                    _audit.PasskeyRefused("sign_in", "ceremony_invalid", passkey?.AccountId, clientIp);
                    return (PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.CeremonyInvalid), AttemptOutcome.Failed);
                }

                if (response is null || passkey is null)
                {
                    _audit.PasskeyRefused("sign_in", response is null ? "malformed" : "unknown_credential", null, clientIp);
                    return (PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.Invalid), AttemptOutcome.Failed);
                }

                var verified = await VerifyAsync(passkey, response, taken, "sign_in", clientIp, ct).ConfigureAwait(false);
                if (!verified.Succeeded)
                {
                    return (verified, AttemptOutcome.Failed);
                }

                var account = verified.Value!.Account;
                if (account.DisabledAt is not null)
                {
                    _audit.DisabledAccountRefused(account.Id, "passkey", clientIp);
                    return (PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.Disabled), AttemptOutcome.Failed);
                }

                if (account.EmailVerifiedAt is null && _accountOptions.Value.RequireVerifiedEmail)
                {
                    _audit.LoginUnverified(account.Id, clientIp);
                    return (PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.EmailNotVerified), AttemptOutcome.Succeeded);
                }

                _audit.PasskeySignInSucceeded(passkey.Id, account.Id, "sign_in", clientIp);
                return (verified, AttemptOutcome.Succeeded);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Begins a passkey as the second factor of a password sign-in: the account's passkeys are the allowed credentials.</summary>
    public async Task<PasskeyResult<PasskeyCeremonyStart>> BeginSecondFactorAsync(string? challenge, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        if (await _mfa.FindSecondFactorChallengeAsync(challenge, clientAddress, cancellationToken).ConfigureAwait(false) is not { } pending)
        {
            return PasskeyResult.Fail<PasskeyCeremonyStart>(PasskeyFailure.ChallengeInvalid);
        }

        var passkeys = await _store.ListAsync(pending.Account.Id, cancellationToken).ConfigureAwait(false);
        if (passkeys.Count == 0)
        {
            return PasskeyResult.Fail<PasskeyCeremonyStart>(PasskeyFailure.Invalid);
        }

        var options = AssertionOptionsFor(passkeys);
        return PasskeyResult.Success(await StartAsync(PasskeyCeremonyKind.SecondFactor, pending.Account.Id, options.ToJson(), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Completes a password sign-in with a passkey of the same account. The challenge is spent only by an accepted passkey;
    /// failures count against the account's second-factor counter, as wrong codes do.
    /// </summary>
    public async Task<PasskeyResult<SecondFactorSignIn>> CompleteSecondFactorAsync(
        string? challenge, string? ceremony, string? credential, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        if (await _mfa.FindSecondFactorChallengeAsync(challenge, clientAddress, cancellationToken).ConfigureAwait(false) is not { } pending)
        {
            return PasskeyResult.Fail<SecondFactorSignIn>(PasskeyFailure.ChallengeInvalid);
        }

        var clientIp = ClientIp(clientAddress);
        var accountId = pending.Account.Id;
        var verified = await _throttle.RunAsync(
            ThrottleKeys.ForSecondFactor(accountId, clientAddress),
            clientAddress,
            static wait => PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.Throttled, wait),
            async ct =>
            {
                var taken = await TakeAsync(ceremony, PasskeyCeremonyKind.SecondFactor, accountId, ct).ConfigureAwait(false);
                if (taken is null)
                {
                    _audit.PasskeyRefused("second_factor", "ceremony_invalid", accountId, clientIp);
                    return (PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.CeremonyInvalid), AttemptOutcome.Failed);
                }

                var response = TryParse(credential, TypeInfo<AuthenticatorAssertionRawResponse>());
                var passkey = response?.RawId is { Length: > 0 } rawId ? await _store.FindByCredentialIdAsync(rawId, ct).ConfigureAwait(false) : null;
                if (response is null || passkey is null || passkey.AccountId != accountId)
                {
                    _audit.PasskeyRefused("second_factor", response is null ? "malformed" : passkey is null ? "unknown_credential" : "other_account", accountId, clientIp);
                    return (PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.Invalid), AttemptOutcome.Failed);
                }

                var result = await VerifyAsync(passkey, response, taken, "second_factor", clientIp, ct).ConfigureAwait(false);
                return (result, result.Succeeded ? AttemptOutcome.Succeeded : AttemptOutcome.Failed);
            },
            cancellationToken).ConfigureAwait(false);
        if (!verified.Succeeded)
        {
            return verified.As<SecondFactorSignIn>();
        }

        _audit.PasskeySignInSucceeded(verified.Value!.Passkey.Id, accountId, "second_factor", clientIp);
        var spent = await _mfa.SpendSecondFactorChallengeAsync(
            pending, AuthenticationMethods.Password | AuthenticationMethods.Passkey, clientAddress, cancellationToken).ConfigureAwait(false);
        return spent.Succeeded ? PasskeyResult.Success(spent.Value!) : PasskeyResult.Fail<SecondFactorSignIn>(PasskeyFailure.ChallengeInvalid);
    }

    /// <summary>The user handle of an account's passkeys: its id, which is random and names no person.</summary>
    internal static byte[] UserHandle(string accountId) => Encoding.UTF8.GetBytes(accountId);

    private static string? ClientIp(IPAddress? address) => new RequestOrigin(address, null).ClientIp;

    // The library's own source-generated contracts for its types (the response types sit in one of its two contexts).
    private static JsonTypeInfo<T> TypeInfo<T>() =>
        (JsonTypeInfo<T>?)FidoModelSerializerContext.Default.GetTypeInfo(typeof(T))
        ?? (JsonTypeInfo<T>?)FidoSerializerContext.Default.GetTypeInfo(typeof(T))
        ?? (JsonTypeInfo<T>)ReflectionJson.GetTypeInfo(typeof(T));

    // For the library types its contexts leave out (the attestation response): its attributes, read by reflection.
    private static readonly JsonSerializerOptions ReflectionJson = new(JsonSerializerDefaults.General)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        MaxDepth = 16,
    };

    private static T Parse<T>(string? json, JsonTypeInfo<T> typeInfo) where T : class =>
        TryParse(json, typeInfo) ?? throw new JsonException("The credential is missing or malformed.");

    private static T? TryParse<T>(string? json, JsonTypeInfo<T> typeInfo) where T : class
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, typeInfo);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    // Everything a hostile or broken response can make the library throw; never a store or cancellation fault.
    private static bool IsVerificationFailure(Exception ex) =>
        ex is Fido2VerificationException or JsonException or FormatException or ArgumentException or InvalidOperationException
            or NotSupportedException or IndexOutOfRangeException or InvalidCastException or OverflowException
            or System.Security.Cryptography.CryptographicException or System.Formats.Cbor.CborContentException
            or KeyNotFoundException or NullReferenceException;

    private static string ReasonOf(Exception ex) => ex is Fido2VerificationException fido ? fido.Code.ToString() : "malformed";

    private AssertionOptions AssertionOptionsFor(IReadOnlyList<Passkey> allowed) =>
        Fido.GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = [.. allowed.Select(p => new PublicKeyCredentialDescriptor(p.CredentialId))],
            UserVerification = allowed.Count == 0 ? UserVerificationRequirement.Required : UserVerificationRequirement.Preferred,
        });

    private async Task<PasskeyResult<PasskeySignIn>> VerifyAsync(
        Passkey passkey, AuthenticatorAssertionRawResponse response, PasskeyCeremony ceremony, string step, string? clientIp, CancellationToken cancellationToken)
    {
        VerifyAssertionResult result;
        try
        {
            result = await Fido.MakeAssertionAsync(
                new MakeAssertionParams
                {
                    AssertionResponse = response,
                    OriginalOptions = AssertionOptions.FromJson(ceremony.Options),
                    StoredPublicKey = passkey.PublicKey,
                    StoredSignatureCounter = passkey.SignCount,
                    IsUserHandleOwnerOfCredentialIdCallback = (args, _) =>
                        Task.FromResult(SecretHash.FixedTimeEquals(args.UserHandle, UserHandle(passkey.AccountId))),
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Fido2VerificationException ex) when (ex.Code == Fido2ErrorCode.InvalidSignCount)
        {
            _audit.PasskeySignCountAnomaly(passkey.Id, passkey.AccountId, passkey.SignCount, SignCountOf(response), clientIp);
            return PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.SignCount);
        }
        catch (Exception ex) when (IsVerificationFailure(ex))
        {
            _audit.PasskeyRefused(step, ReasonOf(ex), passkey.AccountId, clientIp);
            return PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.Invalid);
        }

        // A discoverable sign-in stands for both factors, so the user must have been verified, not only present.
        var flags = AuthenticatorData.Parse(response.Response.AuthenticatorData);
        if (ceremony.Kind == PasskeyCeremonyKind.SignIn && !flags.UserVerified)
        {
            _audit.PasskeyRefused(step, "user_not_verified", passkey.AccountId, clientIp);
            return PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.Invalid);
        }

        // Backup eligibility is fixed when the credential is made; a change means this is not the authenticator registered.
        if (flags.IsBackupEligible != passkey.BackupEligible)
        {
            _audit.PasskeyBackupEligibilityChanged(passkey.Id, passkey.AccountId, clientIp);
            return PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.Invalid);
        }

        // Of two uses of one assertion, or of a clone racing the original, the counter lets one through.
        if (!await _store.TryRecordUseAsync(passkey.Id, passkey.SignCount, result.SignCount, result.IsBackedUp, StoredTime.Truncate(_time.GetUtcNow()), cancellationToken)
                .ConfigureAwait(false))
        {
            _audit.PasskeySignCountAnomaly(passkey.Id, passkey.AccountId, passkey.SignCount, result.SignCount, clientIp);
            return PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.SignCount);
        }

        var account = await _accounts.FindByIdAsync(passkey.AccountId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            _audit.PasskeyRefused(step, "account_gone", passkey.AccountId, clientIp);
            return PasskeyResult.Fail<PasskeySignIn>(PasskeyFailure.Invalid);
        }

        return PasskeyResult.Success(new PasskeySignIn(account, passkey));
    }

    private static uint SignCountOf(AuthenticatorAssertionRawResponse response)
    {
        try
        {
            return AuthenticatorData.Parse(response.Response.AuthenticatorData).SignCount;
        }
        catch (Exception ex) when (IsVerificationFailure(ex))
        {
            return 0;
        }
    }

    private async Task<PasskeyCeremonyStart> StartAsync(PasskeyCeremonyKind kind, string? accountId, string options, CancellationToken cancellationToken)
    {
        var id = CeremonyPrefix + RandomTokens.Create(CeremonyRandomBytes);
        var expires = StoredTime.Truncate(_time.GetUtcNow() + _options.Value.CeremonyLifetime);
        await _store.AddCeremonyAsync(new PasskeyCeremony(SecretHash.Compute(id), kind, accountId, options, expires), cancellationToken).ConfigureAwait(false);
        return new PasskeyCeremonyStart(id, WithoutNulls(options));
    }

    private async Task<PasskeyCeremony?> TakeAsync(string? ceremony, PasskeyCeremonyKind kind, string? accountId, CancellationToken cancellationToken)
    {
        if (ceremony is not { Length: > 6 and < 128 } || !ceremony.StartsWith(CeremonyPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var taken = await _store.TakeCeremonyAsync(SecretHash.Compute(ceremony), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return taken is not null && taken.Kind == kind && taken.AccountId == accountId ? taken : null;
    }

    // The browser's JSON parsers take a missing member for its default, but refuse a null where a list or string is meant.
    private static string WithoutNulls(string json)
    {
        var node = JsonNode.Parse(json);
        Strip(node);
        return node!.ToJsonString();

        static void Strip(JsonNode? node)
        {
            if (node is JsonObject obj)
            {
                foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
                {
                    obj.Remove(key);
                }

                foreach (var child in obj)
                {
                    Strip(child.Value);
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var child in array)
                {
                    Strip(child);
                }
            }
        }
    }
}
