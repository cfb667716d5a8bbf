namespace Latchkey;

/// <summary>
/// Stable, machine-readable error codes. Each one is documented in <c>docs/errors.md</c> under an
/// anchor of the same name; clients may rely on them, so they never change once released.
/// </summary>
public static class LatchkeyErrors
{
    /// <summary>The request body did not pass validation; <c>errors</c> names the fields.</summary>
    public const string ValidationFailed = "validation_failed";
    /// <summary>The body is not well-formed JSON of the expected shape.</summary>
    public const string MalformedJson = "malformed_json";
    /// <summary>The body is not <c>application/json</c>.</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";
    /// <summary>The body is larger than the configured limit.</summary>
    public const string PayloadTooLarge = "payload_too_large";
    /// <summary>The email address is already registered.</summary>
    public const string EmailTaken = "email_taken";
    /// <summary>Email or password is wrong (the two are not told apart).</summary>
    public const string InvalidCredentials = "invalid_credentials";
    /// <summary>The password is right but the account is disabled; a wrong password answers <see cref="InvalidCredentials"/> as usual.</summary>
    public const string AccountDisabled = "account_disabled";
    /// <summary>The current password given to a password change is wrong.</summary>
    public const string InvalidCurrentPassword = "invalid_current_password";
    /// <summary>No live session or valid credential came with the request.</summary>
    public const string Unauthenticated = "unauthenticated";
    /// <summary>A bearer token was presented and refused (malformed, badly signed, expired, revoked…).</summary>
    public const string InvalidToken = "invalid_token";
    /// <summary>The unsafe request lacks the session's CSRF token.</summary>
    public const string CsrfTokenInvalid = "csrf_token_invalid";
    /// <summary>The request's <c>Origin</c> is not an allowed origin.</summary>
    public const string OriginNotAllowed = "origin_not_allowed";
    /// <summary>The caller is authenticated but may not do this.</summary>
    public const string Forbidden = "forbidden";
    /// <summary>The password was right, but the application's <c>OnSigningIn</c> event refused the sign-in.</summary>
    public const string SignInDenied = "sign_in_denied";
    /// <summary>Too many attempts; see <c>Retry-After</c>.</summary>
    public const string TooManyAttempts = "too_many_attempts";
    /// <summary>The server is at its bound for password hashing; see <c>Retry-After</c>.</summary>
    public const string ServerBusy = "server_busy";
    /// <summary>A store did not answer.</summary>
    public const string StoreUnavailable = "store_unavailable";
    /// <summary>No such resource (or not one of the caller's).</summary>
    public const string NotFound = "not_found";
    /// <summary>The resource exists but not for this HTTP method.</summary>
    public const string MethodNotAllowed = "method_not_allowed";
    /// <summary>The request is malformed at the HTTP level.</summary>
    public const string BadRequest = "bad_request";
    /// <summary>A request header is too large.</summary>
    public const string HeadersTooLarge = "headers_too_large";
    /// <summary>The account token is malformed, unknown, for another purpose, superseded by a newer one, or no longer matches the account.</summary>
    public const string AccountTokenInvalid = "account_token_invalid";
    /// <summary>The account token has expired; ask for a new link.</summary>
    public const string AccountTokenExpired = "account_token_expired";
    /// <summary>The account token was used before; each link works once.</summary>
    public const string AccountTokenUsed = "account_token_used";
    /// <summary>The password was right, but the account's email address is not verified yet.</summary>
    public const string EmailNotVerified = "email_not_verified";
    /// <summary>The password was right and the account has a second factor: finish with the <c>challenge</c> the problem carries at <c>POST /api/session/mfa</c>.</summary>
    public const string MfaRequired = "mfa_required";
    /// <summary>The password was right, but every account must have a second factor and this one has none: enrol one with the <c>challenge</c> the problem carries.</summary>
    public const string MfaEnrollmentRequired = "mfa_enrollment_required";
    /// <summary>The sign-in challenge is malformed, unknown, expired or spent, or the password changed since; sign in again.</summary>
    public const string MfaChallengeInvalid = "mfa_challenge_invalid";
    /// <summary>The TOTP or recovery code is wrong, malformed, or was used before.</summary>
    public const string InvalidMfaCode = "invalid_mfa_code";
    /// <summary>Second factors are turned off on this server (<c>Latchkey:Mfa:Required</c> is <c>Off</c>).</summary>
    public const string MfaOff = "mfa_off";
    /// <summary>The account already has a confirmed TOTP authenticator; remove it before enrolling another.</summary>
    public const string TotpAlreadyEnabled = "totp_already_enabled";
    /// <summary>The account has no TOTP authenticator in the state this needs (none pending to confirm, none confirmed for recovery codes).</summary>
    public const string TotpNotEnabled = "totp_not_enabled";
    /// <summary>This action needs a recent sign-in (<c>Latchkey:Sessions:ReauthWindow</c>): sign in again, then retry.</summary>
    public const string ReauthenticationRequired = "reauthentication_required";
    /// <summary>The passkey response (<c>credential</c>) is malformed or failed verification: wrong origin, relying party, challenge, signature, or user.</summary>
    public const string PasskeyInvalid = "passkey_invalid";
    /// <summary>The passkey ceremony is malformed, unknown, expired, already used, or belongs to another step or account: ask for new options.</summary>
    public const string PasskeyCeremonyInvalid = "passkey_ceremony_invalid";
    /// <summary>The account has no passkey with this id.</summary>
    public const string PasskeyNotFound = "passkey_not_found";
    /// <summary>This passkey is already registered (to this or another account).</summary>
    public const string PasskeyAlreadyRegistered = "passkey_already_registered";
    /// <summary>The passkey's signature counter did not increase: the authenticator may have been cloned. The sign-in is refused.</summary>
    public const string PasskeySignCountInvalid = "passkey_sign_count_invalid";
    /// <summary>A client with this id is registered already (in configuration or in the store).</summary>
    public const string ClientExists = "client_exists";
    /// <summary>An unexpected server fault; never caused by input alone.</summary>
    public const string InternalError = "internal_error";
}
