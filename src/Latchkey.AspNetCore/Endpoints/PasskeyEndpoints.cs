using System.Text.Json;
using Latchkey.Accounts;
using Latchkey.AspNetCore.Authentication;
using Latchkey.AspNetCore.Events;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.AspNetCore.Routing;
using Latchkey.Passkeys;
using Latchkey.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Endpoints;

/// <summary>
/// Passkeys: signing in with one alone (<c>/api/session/passkey…</c>, anonymous), as the second factor after a password
/// (<c>/api/session/mfa/passkey…</c>, the challenge is the credential), and managing one's own (<c>/api/passkeys…</c>;
/// registering and removing need a recent sign-in).
/// </summary>
internal static class PasskeyEndpoints
{
    // What completing a passkey ceremony may answer besides success.
    private static readonly string[] CeremonyRefusals =
    [
        LatchkeyErrors.ValidationFailed, LatchkeyErrors.PasskeyInvalid, LatchkeyErrors.PasskeyCeremonyInvalid, LatchkeyErrors.PasskeySignCountInvalid,
        LatchkeyErrors.AccountDisabled, LatchkeyErrors.TooManyAttempts,
    ];

    public static void Map(IEndpointRouteBuilder api)
    {
        var signIn = api.MapGroup(string.Empty).WithTags("Passkeys");
        signIn.MapPost("/session/passkey/options", BeginSignInAsync).AllowAnonymous()
            .Documented("beginPasskeySignIn", "Begin signing in with a passkey", "The body may be empty or `{}`; nothing in it is read.")
            .Produces<PasskeyOptionsResponse>();
        signIn.MapPost("/session/passkey", CompleteSignInAsync).AllowAnonymous()
            .Documented("completePasskeySignIn", "Sign in with a passkey").AcceptsJson<PasskeySignInRequest>().Produces<LoginResponse>()
            .Refuses([.. CeremonyRefusals, LatchkeyErrors.EmailNotVerified, LatchkeyErrors.SignInDenied]);
        signIn.MapPost("/session/mfa/passkey/options", BeginSecondFactorAsync).AllowAnonymous()
            .Documented("beginPasskeySecondFactor", "Begin finishing a password sign-in with a passkey", "The challenge of the 401 `mfa_required` is the credential.")
            .AcceptsJson<PasskeyChallengeRequest>().Produces<PasskeyOptionsResponse>()
            .Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.MfaChallengeInvalid, LatchkeyErrors.TooManyAttempts);
        signIn.MapPost("/session/mfa/passkey", CompleteSecondFactorAsync).AllowAnonymous()
            .Documented("completePasskeySecondFactor", "Finish a password sign-in with a passkey")
            .AcceptsJson<PasskeySecondFactorRequest>().Produces<LoginResponse>().Refuses([.. CeremonyRefusals, LatchkeyErrors.MfaChallengeInvalid]);

        var passkeys = api.MapGroup("/passkeys").RequireAuthorization().RequireCsrfToken().WithTags("Passkeys");
        passkeys.MapGet("/", ListAsync).Documented("listPasskeys", "One's passkeys").Produces<PasskeyItem[]>();
        passkeys.MapPost("/options", BeginRegistrationAsync).RequireRecentAuthentication()
            .Documented("beginPasskeyRegistration", "Begin registering a passkey").Produces<PasskeyOptionsResponse>();
        passkeys.MapPost("/", CompleteRegistrationAsync).RequireRecentAuthentication()
            .Documented("registerPasskey", "Register a passkey").AcceptsJson<PasskeyRegistrationRequest>().Produces<PasskeyItem>(StatusCodes.Status201Created)
            .Refuses(
                LatchkeyErrors.ValidationFailed, LatchkeyErrors.PasskeyInvalid, LatchkeyErrors.PasskeyCeremonyInvalid, LatchkeyErrors.PasskeyAlreadyRegistered,
                LatchkeyErrors.TooManyAttempts);
        passkeys.MapPatch("/{id}", RenameAsync)
            .Documented("renamePasskey", "Rename a passkey").AcceptsJson<PasskeyRenameRequest>().Produces<PasskeyItem>()
            .Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.PasskeyNotFound);
        passkeys.MapDelete("/{id}", RemoveAsync).RequireRecentAuthentication()
            .Documented("removePasskey", "Remove a passkey").Produces(StatusCodes.Status204NoContent).Refuses(LatchkeyErrors.PasskeyNotFound);
    }

    // The body may be empty or {}: nothing in it is read.
    private static async Task<IResult> BeginSignInAsync(HttpContext context, PasskeyService passkeys) =>
        Options(await passkeys.BeginSignInAsync(context.RequestAborted));

    private static async Task<IResult> CompleteSignInAsync(
        HttpContext context, PasskeyService passkeys, AccountService accounts, SessionManager sessions, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.PasskeySignInRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        if (Invalid(("ceremony", body!.Ceremony is null), ("credential", body.Credential is not { ValueKind: JsonValueKind.Object })) is { } invalid)
        {
            return invalid;
        }

        var origin = context.GetRequestOrigin();
        var result = await passkeys.CompleteSignInAsync(body.Ceremony, body.Credential!.Value.GetRawText(), origin.Address, context.RequestAborted);
        if (!result.Succeeded)
        {
            return Failure(result.Failure, result.RetryAfter);
        }

        var account = result.Value!.Account;
        if (await LatchkeyEventsDispatcher.For(context).SigningInAsync(context, account, "session", clientId: null) is { } denial)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.SignInDenied, denial);
        }

        return await SessionEndpoints.StartSessionAsync(context, account, AuthenticationMethods.Passkey, accounts, sessions, origin, context.RequestAborted);
    }

    private static async Task<IResult> BeginSecondFactorAsync(HttpContext context, PasskeyService passkeys, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.PasskeyChallengeRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        if (Invalid(("challenge", string.IsNullOrEmpty(body!.Challenge))) is { } invalid)
        {
            return invalid;
        }

        var result = await passkeys.BeginSecondFactorAsync(body.Challenge, context.Connection.RemoteIpAddress, context.RequestAborted);
        return result.Succeeded ? Options(result.Value!) : Failure(result.Failure, result.RetryAfter);
    }

    private static async Task<IResult> CompleteSecondFactorAsync(
        HttpContext context, PasskeyService passkeys, AccountService accounts, SessionManager sessions, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.PasskeySecondFactorRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        if (Invalid(
                ("challenge", string.IsNullOrEmpty(body!.Challenge)), ("ceremony", body.Ceremony is null),
                ("credential", body.Credential is not { ValueKind: JsonValueKind.Object })) is { } invalid)
        {
            return invalid;
        }

        var origin = context.GetRequestOrigin();
        var result = await passkeys.CompleteSecondFactorAsync(
            body.Challenge, body.Ceremony, body.Credential!.Value.GetRawText(), origin.Address, context.RequestAborted);
        if (!result.Succeeded)
        {
            return Failure(result.Failure, result.RetryAfter);
        }

        var signIn = result.Value!;
        return signIn.Account.DisabledAt is not null
            ? LatchkeyProblems.Result(LatchkeyErrors.AccountDisabled)
            : await SessionEndpoints.StartSessionAsync(context, signIn.Account, signIn.Methods, accounts, sessions, origin, context.RequestAborted);
    }

    private static async Task<IResult> ListAsync(HttpContext context, PasskeyService passkeys)
    {
        var list = await passkeys.ListAsync(context.GetSubject()!, context.RequestAborted);
        return TypedResults.Json(list.Select(PasskeyItem.For).ToArray(), LatchkeyJsonContext.Default.PasskeyItemArray);
    }

    private static async Task<IResult> BeginRegistrationAsync(HttpContext context, PasskeyService passkeys, AccountService accounts)
    {
        if (await AccountOfAsync(context, accounts) is not { } account)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated);
        }

        return Options(await passkeys.BeginRegistrationAsync(account, context.RequestAborted));
    }

    private static async Task<IResult> CompleteRegistrationAsync(
        HttpContext context, PasskeyService passkeys, AccountService accounts, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.PasskeyRegistrationRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var name = PasskeyService.NormalizeName(body!.Name);
        if (Invalid(
                ("ceremony", body.Ceremony is null), ("name", name is null),
                ("credential", body.Credential is not { ValueKind: JsonValueKind.Object })) is { } invalid)
        {
            return invalid;
        }

        if (await AccountOfAsync(context, accounts) is not { } account)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated);
        }

        var result = await passkeys.CompleteRegistrationAsync(
            account, body.Ceremony, name!, body.Credential!.Value.GetRawText(), context.Connection.RemoteIpAddress, context.RequestAborted);
        return result.Succeeded
            ? TypedResults.Json(PasskeyItem.For(result.Value!), LatchkeyJsonContext.Default.PasskeyItem, statusCode: StatusCodes.Status201Created)
            : Failure(result.Failure, result.RetryAfter);
    }

    private static async Task<IResult> RenameAsync(string id, HttpContext context, PasskeyService passkeys, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.PasskeyRenameRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var name = PasskeyService.NormalizeName(body!.Name);
        if (Invalid(("name", name is null)) is { } invalid)
        {
            return invalid;
        }

        var renamed = await passkeys.RenameAsync(context.GetSubject()!, id, name!, context.RequestAborted);
        return renamed is null
            ? LatchkeyProblems.Result(LatchkeyErrors.PasskeyNotFound)
            : TypedResults.Json(PasskeyItem.For(renamed), LatchkeyJsonContext.Default.PasskeyItem);
    }

    private static async Task<IResult> RemoveAsync(string id, HttpContext context, PasskeyService passkeys) =>
        await passkeys.RemoveAsync(context.GetSubject()!, id, context.Connection.RemoteIpAddress, context.RequestAborted)
            ? TypedResults.NoContent()
            : LatchkeyProblems.Result(LatchkeyErrors.PasskeyNotFound);

    private static async Task<Account?> AccountOfAsync(HttpContext context, AccountService accounts) =>
        context.GetSubject() is { } subject ? await accounts.FindByIdAsync(subject, context.RequestAborted) : null;

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<PasskeyOptionsResponse> Options(PasskeyCeremonyStart start)
    {
        using var options = JsonDocument.Parse(start.Options);
        return TypedResults.Json(new PasskeyOptionsResponse(start.Ceremony, options.RootElement.Clone()), LatchkeyJsonContext.Default.PasskeyOptionsResponse);
    }

    private static IResult? Invalid(params (string Field, bool Missing)[] checks)
    {
        var errors = new ValidationErrors();
        foreach (var (field, missing) in checks)
        {
            errors.AddIfPresent(field, missing ? Message(field) : null);
        }

        return errors.Count > 0 ? LatchkeyProblems.Result(LatchkeyErrors.ValidationFailed, errors: errors) : null;

        static string Message(string field) => field switch
        {
            "challenge" => "The challenge from the password step is required.",
            "ceremony" => "The ceremony from the options step is required.",
            "name" => $"A name of 1 to {PasskeyService.MaxNameLength} characters, without control characters, is required.",
            _ => "The credential (PublicKeyCredential.toJSON()) is required, as an object.",
        };
    }

    private static IResult Failure(PasskeyFailure failure, TimeSpan retryAfter) => failure switch
    {
        PasskeyFailure.CeremonyInvalid => LatchkeyProblems.Result(LatchkeyErrors.PasskeyCeremonyInvalid),
        PasskeyFailure.AlreadyRegistered => LatchkeyProblems.Result(LatchkeyErrors.PasskeyAlreadyRegistered),
        PasskeyFailure.SignCount => LatchkeyProblems.Result(LatchkeyErrors.PasskeySignCountInvalid),
        PasskeyFailure.Throttled => LatchkeyProblems.Result(LatchkeyErrors.TooManyAttempts, retryAfter: retryAfter),
        PasskeyFailure.Disabled => LatchkeyProblems.Result(LatchkeyErrors.AccountDisabled),
        PasskeyFailure.EmailNotVerified => LatchkeyProblems.Result(LatchkeyErrors.EmailNotVerified),
        PasskeyFailure.ChallengeInvalid => LatchkeyProblems.Result(LatchkeyErrors.MfaChallengeInvalid),
        _ => LatchkeyProblems.Result(LatchkeyErrors.PasskeyInvalid),
    };
}
