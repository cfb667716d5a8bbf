using Latchkey.Accounts.Recovery;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Endpoints;

/// <summary>Email verification, password reset and email change (docs/accounts.md).</summary>
internal static class AccountRecoveryEndpoints
{
    // What redeeming an emailed link may answer besides success.
    private static readonly string[] LinkRefusals =
    [
        LatchkeyErrors.ValidationFailed, LatchkeyErrors.AccountTokenInvalid, LatchkeyErrors.AccountTokenExpired, LatchkeyErrors.AccountTokenUsed,
        LatchkeyErrors.TooManyAttempts,
    ];

    public static void Map(IEndpointRouteBuilder api)
    {
        var recovery = api.MapGroup(string.Empty).WithTags("Accounts");
        recovery.MapPost("/accounts/verify", VerifyAsync).AllowAnonymous()
            .Documented("verifyEmail", "Verify an email address with the token of the emailed link")
            .AcceptsJson<AccountTokenRequest>().Produces(StatusCodes.Status204NoContent).Refuses(LinkRefusals);
        recovery.MapPost("/accounts/verification", RequestVerificationAsync).AllowAnonymous()
            .Documented("requestVerification", "Send a new verification link", "202 whether or not the address has an unverified account.")
            .AcceptsJson<VerificationRequest>().Produces(StatusCodes.Status202Accepted).Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.TooManyAttempts);
        recovery.MapPost("/account/verification", ResendAsync).RequireAuthorization().RequireCsrfToken()
            .Documented("resendVerification", "Send a new verification link to one's own address")
            .Produces(StatusCodes.Status202Accepted).Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.TooManyAttempts);
        recovery.MapPost("/password-reset", RequestResetAsync).AllowAnonymous()
            .Documented("requestPasswordReset", "Send a password-reset link", "202 whether or not the address has an account.")
            .AcceptsJson<PasswordResetRequest>().Produces(StatusCodes.Status202Accepted).Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.TooManyAttempts);
        recovery.MapPost("/password-reset/complete", CompleteResetAsync).AllowAnonymous()
            .Documented("completePasswordReset", "Set a new password with the token of the emailed link", "Ends every session and refresh token of the account, and every access token issued before.")
            .AcceptsJson<PasswordResetCompletion>().Produces(StatusCodes.Status204NoContent).Refuses(LinkRefusals);
        recovery.MapPost("/account/email", RequestEmailChangeAsync).RequireAuthorization().RequireCsrfToken().RequireRecentAuthentication()
            .Documented("requestEmailChange", "Change the email address", "Sends a link to the new address; the change is made when it is followed.")
            .AcceptsJson<EmailChangeRequest>().Produces(StatusCodes.Status202Accepted)
            .Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.InvalidCurrentPassword, LatchkeyErrors.EmailTaken, LatchkeyErrors.TooManyAttempts);
        recovery.MapPost("/account/email/confirm", ConfirmEmailChangeAsync).AllowAnonymous()
            .Documented("confirmEmailChange", "Confirm an email change with the token of the link sent to the new address")
            .AcceptsJson<AccountTokenRequest>().Produces(StatusCodes.Status204NoContent).Refuses([.. LinkRefusals, LatchkeyErrors.EmailTaken]);
        recovery.MapPost("/account/email/undo", UndoEmailChangeAsync).AllowAnonymous()
            .Documented("undoEmailChange", "Undo an email change with the token of the link sent to the old address")
            .AcceptsJson<AccountTokenRequest>().Produces(StatusCodes.Status204NoContent).Refuses([.. LinkRefusals, LatchkeyErrors.EmailTaken]);
    }

    private static Task<IResult> VerifyAsync(HttpContext context, AccountRecoveryService recovery, IOptions<LatchkeyOptions> options) =>
        RedeemAsync(context, options, (token, ct) => recovery.VerifyEmailAsync(token, context.Connection.RemoteIpAddress, ct));

    private static Task<IResult> ConfirmEmailChangeAsync(HttpContext context, AccountRecoveryService recovery, IOptions<LatchkeyOptions> options) =>
        RedeemAsync(context, options, (token, ct) => recovery.ConfirmEmailChangeAsync(token, context.Connection.RemoteIpAddress, ct));

    private static Task<IResult> UndoEmailChangeAsync(HttpContext context, AccountRecoveryService recovery, IOptions<LatchkeyOptions> options) =>
        RedeemAsync(context, options, (token, ct) => recovery.UndoEmailChangeAsync(token, context.Connection.RemoteIpAddress, ct));

    private static async Task<IResult> ResendAsync(HttpContext context, AccountRecoveryService recovery) =>
        Answer(await recovery.ResendVerificationAsync(context.GetSubject()!, context.Connection.RemoteIpAddress, context.RequestAborted), StatusCodes.Status202Accepted, signedIn: true);

    // Like a reset request: 202 with an empty body whether or not the address has an unverified account.
    private static async Task<IResult> RequestVerificationAsync(HttpContext context, AccountRecoveryService recovery, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.VerificationRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var wait = await recovery.RequestVerificationAsync(body!.Email, context.Connection.RemoteIpAddress, context.RequestAborted);
        return wait is { } retryAfter ? LatchkeyProblems.Result(LatchkeyErrors.TooManyAttempts, retryAfter: retryAfter) : TypedResults.Accepted((string?)null);
    }

    // Always 202 with an empty body for a well-formed request, whether or not the address has an account.
    private static async Task<IResult> RequestResetAsync(HttpContext context, AccountRecoveryService recovery, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.PasswordResetRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var wait = await recovery.RequestPasswordResetAsync(body!.Email, context.Connection.RemoteIpAddress, context.RequestAborted);
        return wait is { } retryAfter ? LatchkeyProblems.Result(LatchkeyErrors.TooManyAttempts, retryAfter: retryAfter) : TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> CompleteResetAsync(HttpContext context, AccountRecoveryService recovery, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.PasswordResetCompletion, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        return Answer(await recovery.CompletePasswordResetAsync(body!.Token, body.NewPassword, context.Connection.RemoteIpAddress, context.RequestAborted));
    }

    private static async Task<IResult> RequestEmailChangeAsync(HttpContext context, AccountRecoveryService recovery, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.EmailChangeRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        return Answer(
            await recovery.RequestEmailChangeAsync(context.GetSubject()!, body!.NewEmail, body.CurrentPassword, context.Connection.RemoteIpAddress, context.RequestAborted),
            StatusCodes.Status202Accepted,
            signedIn: true);
    }

    private static async Task<IResult> RedeemAsync(
        HttpContext context, IOptions<LatchkeyOptions> options, Func<string?, CancellationToken, Task<AccountFlowResult>> redeem)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.AccountTokenRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        return Answer(await redeem(body!.Token, context.RequestAborted));
    }

    // A signed-in caller whose account is gone (deleted meanwhile) is unauthenticated; for a link it is a bad link.
    private static IResult Answer(AccountFlowResult result, int successStatus = StatusCodes.Status204NoContent, bool signedIn = false) => result.Status switch
    {
        AccountFlowStatus.AccountNotFound when signedIn => LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated),
        AccountFlowStatus.Done => successStatus == StatusCodes.Status204NoContent ? TypedResults.NoContent() : TypedResults.StatusCode(successStatus),
        AccountFlowStatus.TokenExpired => LatchkeyProblems.Result(LatchkeyErrors.AccountTokenExpired),
        AccountFlowStatus.TokenUsed => LatchkeyProblems.Result(LatchkeyErrors.AccountTokenUsed),
        AccountFlowStatus.TokenInvalid or AccountFlowStatus.AccountNotFound => LatchkeyProblems.Result(LatchkeyErrors.AccountTokenInvalid),
        AccountFlowStatus.WrongPassword => LatchkeyProblems.Result(LatchkeyErrors.InvalidCurrentPassword),
        AccountFlowStatus.EmailTaken => LatchkeyProblems.Result(LatchkeyErrors.EmailTaken),
        AccountFlowStatus.Throttled => LatchkeyProblems.Result(LatchkeyErrors.TooManyAttempts, retryAfter: result.RetryAfter),
        _ => LatchkeyProblems.Result(LatchkeyErrors.ValidationFailed, errors: result.Errors),
    };
}
