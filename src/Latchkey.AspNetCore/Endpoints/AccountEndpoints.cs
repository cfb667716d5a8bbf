using Latchkey.Accounts;
using Latchkey.Accounts.Recovery;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Endpoints;

/// <summary><c>POST /api/accounts</c>, <c>POST /api/account/password</c> and <c>DELETE /api/account</c>.</summary>
internal static class AccountEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var accounts = api.MapGroup(string.Empty).WithTags("Accounts");
        accounts.MapPost("/accounts", CreateAsync).AllowAnonymous()
            .Documented("createAccount", "Create an account", "Sends a verification link to the address (docs/accounts.md).")
            .AcceptsJson<CredentialsRequest>().Produces<AccountCreatedResponse>(StatusCodes.Status201Created)
            .Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.EmailTaken, LatchkeyErrors.TooManyAttempts);
        accounts.MapPost("/account/password", ChangePasswordAsync).RequireAuthorization().RequireCsrfToken().RequireRecentAuthentication()
            .Documented(
                "changePassword", "Change the password",
                "Ends every other session and every refresh token of the user, and invalidates every access token issued before the change.")
            .AcceptsJson<ChangePasswordRequest>().Produces(StatusCodes.Status204NoContent)
            .Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.InvalidCurrentPassword, LatchkeyErrors.TooManyAttempts);
        accounts.MapDelete("/account", DeleteAsync).RequireAuthorization().RequireCsrfToken().RequireRecentAuthentication()
            .Documented("deleteAccount", "Delete one's own account", "The current password is required; see docs/account-lifecycle.md for what goes.")
            .AcceptsJson<DeleteAccountRequest>().Produces(StatusCodes.Status204NoContent)
            .Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.InvalidCurrentPassword, LatchkeyErrors.TooManyAttempts);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, AccountService accounts, AccountRecoveryService recovery, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.CredentialsRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var result = await accounts.RegisterAsync(body!.Email, body.Password, context.Connection.RemoteIpAddress, context.RequestAborted);
        if (result.Status == RegistrationStatus.Created)
        {
            await recovery.SendVerificationAsync(result.Account!, context.Connection.RemoteIpAddress, context.RequestAborted);
        }

        return result.Status switch
        {
            RegistrationStatus.Created => TypedResults.Json(
                new AccountCreatedResponse(result.Account!.Id, result.Account.Email), LatchkeyJsonContext.Default.AccountCreatedResponse, statusCode: StatusCodes.Status201Created),
            RegistrationStatus.EmailTaken => LatchkeyProblems.Result(LatchkeyErrors.EmailTaken),
            RegistrationStatus.Throttled => LatchkeyProblems.Result(LatchkeyErrors.TooManyAttempts, retryAfter: result.RetryAfter),
            _ => LatchkeyProblems.Result(LatchkeyErrors.ValidationFailed, errors: result.Errors),
        };
    }

    private static async Task<IResult> ChangePasswordAsync(HttpContext context, AccountService accounts, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.ChangePasswordRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var userId = context.GetSubject()!;
        var result = await accounts.ChangePasswordAsync(userId, body!.CurrentPassword, body.NewPassword, context.GetCookieSession(), context.Connection.RemoteIpAddress, context.RequestAborted);
        return result.Status switch
        {
            PasswordChangeStatus.Changed => TypedResults.NoContent(),
            PasswordChangeStatus.InvalidCurrentPassword => LatchkeyProblems.Result(LatchkeyErrors.InvalidCurrentPassword),
            PasswordChangeStatus.AccountNotFound => LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated),
            PasswordChangeStatus.Throttled => LatchkeyProblems.Result(LatchkeyErrors.TooManyAttempts, retryAfter: result.RetryAfter),
            _ => LatchkeyProblems.Result(LatchkeyErrors.ValidationFailed, errors: result.Errors),
        };
    }

    // Re-authentication: the current password, on the same throttle as a password change.
    private static async Task<IResult> DeleteAsync(HttpContext context, AccountLifecycleService lifecycle, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.DeleteAccountRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var result = await lifecycle.DeleteOwnAsync(context.GetSubject()!, body!.CurrentPassword, context.Connection.RemoteIpAddress, context.RequestAborted);
        switch (result.Status)
        {
            case AccountLifecycleStatus.Done:
                Authentication.SessionCookie.Clear(context);
                return TypedResults.NoContent();
            case AccountLifecycleStatus.InvalidCurrentPassword:
                return LatchkeyProblems.Result(LatchkeyErrors.InvalidCurrentPassword);
            case AccountLifecycleStatus.NotFound:
                return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated);
            case AccountLifecycleStatus.Throttled:
                return LatchkeyProblems.Result(LatchkeyErrors.TooManyAttempts, retryAfter: result.RetryAfter);
            default:
                return LatchkeyProblems.Result(LatchkeyErrors.ValidationFailed, errors: result.Errors);
        }
    }
}
