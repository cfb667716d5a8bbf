using Latchkey.Accounts;
using Latchkey.AspNetCore.Authentication;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.AspNetCore.Routing;
using Latchkey.Mfa;
using Latchkey.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using QRCoder;

namespace Latchkey.AspNetCore.Endpoints;

/// <summary>
/// Second factors: finishing a password sign-in with a code (<c>/api/session/mfa…</c>, anonymous, the challenge is the
/// credential), and managing one's own (<c>/api/account/mfa…</c>; every change needs a recent sign-in).
/// </summary>
internal static class MfaEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var signIn = api.MapGroup(string.Empty).WithTags("Second factors");
        signIn.MapPost("/session/mfa", CompleteSignInAsync).AllowAnonymous()
            .Documented("completeMfaSignIn", "Finish a password sign-in with a code or a recovery code", "The challenge of the 401 `mfa_required` is the credential.")
            .AcceptsJson<MfaSignInRequest>().Produces<LoginResponse>()
            .Refuses(
                LatchkeyErrors.ValidationFailed, LatchkeyErrors.MfaChallengeInvalid, LatchkeyErrors.InvalidMfaCode, LatchkeyErrors.AccountDisabled,
                LatchkeyErrors.TooManyAttempts);
        signIn.MapPost("/session/mfa/totp", BeginEnrollmentAsync).AllowAnonymous()
            .Documented("beginMfaEnrollment", "Set up an authenticator app during a sign-in that requires one", "The challenge of the 401 `mfa_enrollment_required` is the credential.")
            .AcceptsJson<MfaEnrollmentRequest>().Produces<TotpEnrollmentResponse>()
            .Refuses(LatchkeyErrors.MfaChallengeInvalid, LatchkeyErrors.MfaOff, LatchkeyErrors.TotpAlreadyEnabled, LatchkeyErrors.TooManyAttempts);
        signIn.MapPost("/session/mfa/totp/confirm", CompleteEnrollmentAsync).AllowAnonymous()
            .Documented("completeMfaEnrollment", "Confirm the new authenticator app with a first code and sign in", "The recovery codes are shown once.")
            .AcceptsJson<MfaEnrollmentRequest>().Produces<EnrolledLoginResponse>()
            .Refuses(LatchkeyErrors.MfaChallengeInvalid, LatchkeyErrors.InvalidMfaCode, LatchkeyErrors.AccountDisabled, LatchkeyErrors.TooManyAttempts);

        var mfa = api.MapGroup("/account/mfa").RequireAuthorization().RequireCsrfToken().WithTags("Second factors");
        mfa.MapGet("/", GetStatusAsync).Documented("getMfaStatus", "One's second factors and the server's policy").Produces<MfaStatusResponse>();
        mfa.MapPost("/totp", BeginTotpAsync).RequireRecentAuthentication()
            .Documented("beginTotp", "Begin setting up an authenticator app", "The secret is shown once; confirm it with a first code.")
            .Produces<TotpEnrollmentResponse>().Refuses(LatchkeyErrors.MfaOff, LatchkeyErrors.TotpAlreadyEnabled, LatchkeyErrors.TooManyAttempts);
        mfa.MapPost("/totp/confirm", ConfirmTotpAsync).RequireRecentAuthentication()
            .Documented("confirmTotp", "Confirm the authenticator app with a first code", "Answers the ten recovery codes, shown once.")
            .AcceptsJson<MfaCodeRequest>().Produces<RecoveryCodesResponse>()
            .Refuses(
                LatchkeyErrors.InvalidMfaCode, LatchkeyErrors.MfaOff, LatchkeyErrors.TotpAlreadyEnabled, LatchkeyErrors.TotpNotEnabled,
                LatchkeyErrors.TooManyAttempts);
        mfa.MapDelete("/totp", RemoveTotpAsync).RequireRecentAuthentication()
            .Documented("removeTotp", "Remove the authenticator app and its recovery codes").Produces(StatusCodes.Status204NoContent).Refuses(LatchkeyErrors.TotpNotEnabled);
        mfa.MapPost("/recovery-codes", RegenerateRecoveryCodesAsync).RequireRecentAuthentication()
            .Documented("regenerateRecoveryCodes", "Replace the recovery codes", "The new codes are shown once; the old ones stop working.")
            .Produces<RecoveryCodesResponse>().Refuses(LatchkeyErrors.MfaOff, LatchkeyErrors.TotpNotEnabled, LatchkeyErrors.TooManyAttempts);
    }

    private static async Task<IResult> CompleteSignInAsync(
        HttpContext context, MfaService mfa, AccountService accounts, SessionManager sessions, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.MfaSignInRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        errors.AddIfPresent("challenge", string.IsNullOrEmpty(body!.Challenge) ? "The challenge from the password step is required." : null);
        errors.AddIfPresent("code", (body.Code is null) == (body.RecoveryCode is null) ? "Give either a code from the authenticator app or a recovery code." : null);
        if (errors.Count > 0)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.ValidationFailed, errors: errors);
        }

        var origin = context.GetRequestOrigin();
        var result = await mfa.CompleteSignInAsync(body.Challenge, body.Code, body.RecoveryCode, origin.Address, context.RequestAborted);
        if (!result.Succeeded)
        {
            return Failure(result.Failure, result.RetryAfter);
        }

        var signIn = result.Value!;
        return signIn.Account.DisabledAt is not null
            ? LatchkeyProblems.Result(LatchkeyErrors.AccountDisabled)
            : await SessionEndpoints.StartSessionAsync(context, signIn.Account, signIn.Methods, accounts, sessions, origin, context.RequestAborted);
    }

    private static async Task<IResult> BeginEnrollmentAsync(HttpContext context, MfaService mfa, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.MfaEnrollmentRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var result = await mfa.BeginEnrollmentAsync(body!.Challenge, context.Connection.RemoteIpAddress, context.RequestAborted);
        return result.Succeeded ? Enrollment(result.Value!) : Failure(result.Failure, result.RetryAfter);
    }

    private static async Task<IResult> CompleteEnrollmentAsync(
        HttpContext context, MfaService mfa, AccountService accounts, SessionManager sessions, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.MfaEnrollmentRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var origin = context.GetRequestOrigin();
        var result = await mfa.CompleteEnrollmentAsync(body!.Challenge, body.Code, origin.Address, context.RequestAborted);
        if (!result.Succeeded)
        {
            return Failure(result.Failure, result.RetryAfter);
        }

        var (signIn, codes) = result.Value;
        return signIn.Account.DisabledAt is not null
            ? LatchkeyProblems.Result(LatchkeyErrors.AccountDisabled)
            : await SessionEndpoints.StartSessionAsync(
                context, signIn.Account, signIn.Methods, accounts, sessions, origin, context.RequestAborted,
                created => TypedResults.Json(
                    new EnrolledLoginResponse(UserResponse.For(signIn.Account), created.CsrfToken, created.Session.ExpiresAt, codes),
                    LatchkeyJsonContext.Default.EnrolledLoginResponse));
    }

    private static async Task<IResult> GetStatusAsync(HttpContext context, MfaService mfa, AccountService accounts)
    {
        if (await AccountOfAsync(context, accounts) is not { } account)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated);
        }

        var status = await mfa.GetStatusAsync(account.Id, context.RequestAborted);
        return TypedResults.Json(
            new MfaStatusResponse(mfa.Requirement.ToString().ToLowerInvariant(), status.TotpEnabled, status.TotpPending, status.RecoveryCodesLeft),
            LatchkeyJsonContext.Default.MfaStatusResponse);
    }

    private static async Task<IResult> BeginTotpAsync(HttpContext context, MfaService mfa, AccountService accounts)
    {
        if (await AccountOfAsync(context, accounts) is not { } account)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated);
        }

        var result = await mfa.BeginTotpAsync(account, context.RequestAborted);
        return result.Succeeded ? Enrollment(result.Value!) : Failure(result.Failure, result.RetryAfter);
    }

    private static async Task<IResult> ConfirmTotpAsync(HttpContext context, MfaService mfa, AccountService accounts, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.MfaCodeRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        if (await AccountOfAsync(context, accounts) is not { } account)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated);
        }

        var result = await mfa.ConfirmTotpAsync(account.Id, body!.Code, context.Connection.RemoteIpAddress, context.RequestAborted);
        return result.Succeeded ? RecoveryCodes(result.Value!) : Failure(result.Failure, result.RetryAfter);
    }

    private static async Task<IResult> RemoveTotpAsync(HttpContext context, MfaService mfa, AccountService accounts)
    {
        if (await AccountOfAsync(context, accounts) is not { } account)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated);
        }

        return await mfa.RemoveTotpAsync(account.Id, context.Connection.RemoteIpAddress, context.RequestAborted)
            ? TypedResults.NoContent()
            : LatchkeyProblems.Result(LatchkeyErrors.TotpNotEnabled);
    }

    private static async Task<IResult> RegenerateRecoveryCodesAsync(HttpContext context, MfaService mfa, AccountService accounts)
    {
        if (await AccountOfAsync(context, accounts) is not { } account)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated);
        }

        var result = await mfa.RegenerateRecoveryCodesAsync(account.Id, context.Connection.RemoteIpAddress, context.RequestAborted);
        return result.Succeeded ? RecoveryCodes(result.Value!) : Failure(result.Failure, result.RetryAfter);
    }

    private static async Task<Account?> AccountOfAsync(HttpContext context, AccountService accounts) =>
        context.GetSubject() is { } subject ? await accounts.FindByIdAsync(subject, context.RequestAborted) : null;

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<TotpEnrollmentResponse> Enrollment(TotpEnrollment enrollment)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(enrollment.Uri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(4);
        return TypedResults.Json(
            new TotpEnrollmentResponse(enrollment.Secret, enrollment.Uri, "data:image/png;base64," + Convert.ToBase64String(png)),
            LatchkeyJsonContext.Default.TotpEnrollmentResponse);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<RecoveryCodesResponse> RecoveryCodes(string[] codes) =>
        TypedResults.Json(new RecoveryCodesResponse(codes), LatchkeyJsonContext.Default.RecoveryCodesResponse);

    private static IResult Failure(MfaFailure failure, TimeSpan retryAfter) => failure switch
    {
        MfaFailure.Off => LatchkeyProblems.Result(LatchkeyErrors.MfaOff),
        MfaFailure.AlreadyEnabled => LatchkeyProblems.Result(LatchkeyErrors.TotpAlreadyEnabled),
        MfaFailure.NotEnabled => LatchkeyProblems.Result(LatchkeyErrors.TotpNotEnabled),
        MfaFailure.InvalidCode => LatchkeyProblems.Result(LatchkeyErrors.InvalidMfaCode),
        MfaFailure.Throttled => LatchkeyProblems.Result(LatchkeyErrors.TooManyAttempts, retryAfter: retryAfter),
        _ => LatchkeyProblems.Result(LatchkeyErrors.MfaChallengeInvalid),
    };
}
