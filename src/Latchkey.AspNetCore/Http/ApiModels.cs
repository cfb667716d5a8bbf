using System.Text.Json;
using System.Text.Json.Serialization;

namespace Latchkey.AspNetCore.Http;

/// <summary>Body of <c>POST /api/accounts</c> and <c>POST /api/session</c>.</summary>
public sealed record CredentialsRequest(string? Email, string? Password);

/// <summary>Body of the endpoints that redeem an emailed account token.</summary>
public sealed record AccountTokenRequest(string? Token);

/// <summary>A password-reset request.</summary>
public sealed record PasswordResetRequest(string? Email);

/// <summary>Body of <c>POST /api/accounts/verification</c>: the address to send a new verification link to.</summary>
public sealed record VerificationRequest(string? Email);

/// <summary>Completes a password reset.</summary>
public sealed record PasswordResetCompletion(string? Token, string? NewPassword);

/// <summary>Starts an email change.</summary>
public sealed record EmailChangeRequest(string? NewEmail, string? CurrentPassword);

/// <summary>Body of <c>POST /api/account/password</c>.</summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>Body of <c>DELETE /api/account</c>: the current password, for re-authentication.</summary>
public sealed record DeleteAccountRequest(string? CurrentPassword);

/// <summary>Body of <c>POST /api/session/mfa</c>: the challenge of the password step and one code.</summary>
public sealed record MfaSignInRequest(string? Challenge, string? Code, string? RecoveryCode);

/// <summary>Body of the enrolment steps of a sign-in when every account must have a second factor.</summary>
public sealed record MfaEnrollmentRequest(string? Challenge, string? Code);

/// <summary>Body that carries one TOTP code.</summary>
public sealed record MfaCodeRequest(string? Code);

/// <summary>A TOTP enrolment begun: the secret (shown once), its <c>otpauth://</c> URI, and that URI as a QR code (a PNG data URL).</summary>
public sealed record TotpEnrollmentResponse(string Secret, string Uri, string QrCode);

/// <summary>A new set of recovery codes, shown once.</summary>
public sealed record RecoveryCodesResponse(string[] RecoveryCodes);

/// <summary>What the account has enrolled, and the server's policy (<c>off</c>, <c>optional</c>, <c>required</c>).</summary>
public sealed record MfaStatusResponse(string Policy, bool TotpEnabled, bool TotpPending, int RecoveryCodesLeft);

/// <summary>A sign-in completed by enrolling a first authenticator: the session, and the recovery codes shown once.</summary>
public sealed record EnrolledLoginResponse(UserResponse User, string CsrfToken, DateTimeOffset ExpiresAt, string[] RecoveryCodes);

/// <summary>A passkey ceremony begun: its id, and the WebAuthn options in their JSON form.</summary>
public sealed record PasskeyOptionsResponse(string Ceremony, JsonElement Options);

/// <summary>Body of <c>POST /api/session/passkey</c>: the ceremony and what <c>PublicKeyCredential.toJSON()</c> gave.</summary>
public sealed record PasskeySignInRequest(string? Ceremony, JsonElement? Credential);

/// <summary>Body of <c>POST /api/session/mfa/passkey/options</c>.</summary>
public sealed record PasskeyChallengeRequest(string? Challenge);

/// <summary>Body of <c>POST /api/session/mfa/passkey</c>.</summary>
public sealed record PasskeySecondFactorRequest(string? Challenge, string? Ceremony, JsonElement? Credential);

/// <summary>Body of <c>POST /api/passkeys</c>.</summary>
public sealed record PasskeyRegistrationRequest(string? Ceremony, string? Name, JsonElement? Credential);

/// <summary>Body of <c>PATCH /api/passkeys/{id}</c>.</summary>
public sealed record PasskeyRenameRequest(string? Name);

/// <summary>One of the caller's passkeys.</summary>
public sealed record PasskeyItem(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool BackedUp)
{
    /// <summary>The owner's view of <paramref name="passkey"/>.</summary>
    public static PasskeyItem For(Latchkey.Passkeys.Passkey passkey)
    {
        ArgumentNullException.ThrowIfNull(passkey);
        return new(passkey.Id, passkey.Name, passkey.CreatedAt, passkey.LastUsedAt, passkey.BackedUp);
    }
}

/// <summary>The answer to <c>POST /api/accounts</c>: exactly the contract's <c>{"id","email"}</c> (a new address is never verified).</summary>
public sealed record AccountCreatedResponse(string Id, string Email);

/// <summary>An account as shown to its owner; <paramref name="EmailVerified"/> says whether an emailed link proved the address.</summary>
public sealed record UserResponse(string Id, string Email, bool EmailVerified)
{
    /// <summary>The owner's view of <paramref name="account"/>.</summary>
    public static UserResponse For(Latchkey.Accounts.Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.Id, account.Email, account.EmailVerifiedAt is not null);
    }
}

/// <summary>Answer to a successful login.</summary>
public sealed record LoginResponse(UserResponse User, string CsrfToken, DateTimeOffset ExpiresAt);

/// <summary>The current session's times, and how its user signed in (<c>amr</c>, <c>acr</c>, as in tokens minted from it).</summary>
public sealed record SessionDetails(
    string Id, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset IdleExpiresAt, DateTimeOffset AbsoluteExpiresAt,
    IReadOnlyList<string> Amr, string Acr);

/// <summary>Answer to <c>GET /api/session</c>.</summary>
public sealed record CurrentSessionResponse(UserResponse User, SessionDetails Session, string CsrfToken);

/// <summary>One entry of <c>GET /api/sessions</c>.</summary>
public sealed record SessionListItem(
    string Id, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, string? UserAgent, string? Ip, bool Current);

/// <summary>Answer to <c>GET /api/me</c>.</summary>
public sealed record MeResponse(string Id, string? Email, string AuthMethod);

/// <summary>Answer to <c>POST /api/session/token</c>, in the shape of an OAuth token response.</summary>
public sealed record SessionTokenResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn);

/// <summary>Answer to the health probes.</summary>
public sealed record ProbeResponse(
    string Status,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Unavailable = null);

/// <summary>Body of <c>POST /api/consent</c>: the user's decision on a client's scopes.</summary>
public sealed record ConsentRequest(string? ClientId, string? Scope, bool? Allow, string? RedirectUri, string? State);

/// <summary>Answer of <c>POST /api/consent</c>; after a denial, <c>redirectTo</c> is the client's redirect URI with <c>error=access_denied</c>.</summary>
public sealed record ConsentResponse(string ClientId, string Scope, bool Allowed, string? RedirectTo);

/// <summary>An application the user has let in (<c>GET /api/apps</c>).</summary>
public sealed record AppItem(string ClientId, string Scope, bool FirstParty, DateTimeOffset GrantedAt, DateTimeOffset UpdatedAt);

/// <summary>Source-generated JSON for every API body: no reflection on the request path.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    AllowDuplicateProperties = false,
    MaxDepth = 16,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CredentialsRequest))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(AccountTokenRequest))]
[JsonSerializable(typeof(PasswordResetRequest))]
[JsonSerializable(typeof(VerificationRequest))]
[JsonSerializable(typeof(PasswordResetCompletion))]
[JsonSerializable(typeof(EmailChangeRequest))]
[JsonSerializable(typeof(DeleteAccountRequest))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(AccountCreatedResponse))]
[JsonSerializable(typeof(CurrentSessionResponse))]
[JsonSerializable(typeof(SessionListItem[]))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(ProbeResponse))]
[JsonSerializable(typeof(SessionTokenResponse))]
[JsonSerializable(typeof(MfaSignInRequest))]
[JsonSerializable(typeof(MfaEnrollmentRequest))]
[JsonSerializable(typeof(MfaCodeRequest))]
[JsonSerializable(typeof(TotpEnrollmentResponse))]
[JsonSerializable(typeof(RecoveryCodesResponse))]
[JsonSerializable(typeof(MfaStatusResponse))]
[JsonSerializable(typeof(EnrolledLoginResponse))]
[JsonSerializable(typeof(PasskeyOptionsResponse))]
[JsonSerializable(typeof(PasskeySignInRequest))]
[JsonSerializable(typeof(PasskeyChallengeRequest))]
[JsonSerializable(typeof(PasskeySecondFactorRequest))]
[JsonSerializable(typeof(PasskeyRegistrationRequest))]
[JsonSerializable(typeof(PasskeyRenameRequest))]
[JsonSerializable(typeof(PasskeyItem))]
[JsonSerializable(typeof(PasskeyItem[]))]
[JsonSerializable(typeof(ConsentRequest))]
[JsonSerializable(typeof(ConsentResponse))]
[JsonSerializable(typeof(AppItem[]))]
public sealed partial class LatchkeyJsonContext : JsonSerializerContext;
