using Latchkey.Accounts;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.Diagnostics;
using Latchkey.Mfa;
using Latchkey.Passkeys;
using Latchkey.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Latchkey.AspNetCore.Admin;

/// <summary>Accounts and their sessions under <c>/admin/accounts</c>.</summary>
internal static class AdminAccountEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        var accounts = admin.MapGroup("/accounts").WithTags("Admin: accounts");
        accounts.MapGet("/", SearchAsync).AcceptsQuery<AdminAccountQuery>()
            .Documented(
                "adminSearchAccounts", "Accounts, by part of their email",
                "`email` matches any part of the address, case-insensitively; without it every account is listed. Ordered by address; "
                + "`limit` (1-200, default 50) and `cursor` (the `next` of the page before) page through them.")
            .Produces<AdminPage<AdminAccount>>().Refuses(LatchkeyErrors.ValidationFailed);
        accounts.MapGet("/{id}", GetAsync)
            .Documented("adminGetAccount", "One account, with its second factors and how many sessions it has")
            .Produces<AdminAccountDetails>().Refuses(LatchkeyErrors.NotFound);
        accounts.MapPost("/{id}/disable", DisableAsync)
            .Documented(
                "adminDisableAccount", "Disable an account",
                "From this answer on the account cannot sign in, refresh or mint tokens, and every session, refresh token and access "
                + "token it had is refused on every node. Its data stays until it is deleted.")
            .Produces<AdminAccount>().Refuses(LatchkeyErrors.NotFound);
        accounts.MapPost("/{id}/enable", EnableAsync)
            .Documented("adminEnableAccount", "Enable a disabled account", "Its password works again; nothing it held before comes back.")
            .Produces<AdminAccount>().Refuses(LatchkeyErrors.NotFound);
        accounts.MapDelete("/{id}", DeleteAsync)
            .Documented("adminDeleteAccount", "Delete an account and its personal data", "Everything it was signed in with ends first, on every node.")
            .Produces(StatusCodes.Status204NoContent).Refuses(LatchkeyErrors.NotFound);
        accounts.MapPost("/{id}/mfa/reset", ResetMfaAsync)
            .Documented(
                "adminResetMfa", "Remove every second factor of an account",
                "For a user who lost their authenticator: removes the authenticator app, the recovery codes and the passkeys, and ends "
                + "everything the account is signed in with. The next sign-in is by password, followed by enrolment where MFA is required.")
            .Produces<AdminMfaReset>().Refuses(LatchkeyErrors.NotFound);

        accounts.MapGet("/{id}/sessions", ListSessionsAsync).AcceptsQuery<AdminListQuery>()
            .Documented("adminListSessions", "The live sessions of an account", "Ordered by session id; paged like every admin list.")
            .Produces<AdminPage<AdminSession>>().Refuses(LatchkeyErrors.NotFound, LatchkeyErrors.ValidationFailed);
        accounts.MapDelete("/{id}/sessions/{sessionId}", EndSessionAsync)
            .Documented("adminEndSession", "End one session of an account", "The access tokens minted from it are refused on every node.")
            .Produces(StatusCodes.Status204NoContent).Refuses(LatchkeyErrors.NotFound);
        accounts.MapDelete("/{id}/sessions", EndAllSessionsAsync)
            .Documented(
                "adminEndAllSessions", "Sign an account out everywhere",
                "Ends every session, every refresh-token family and every access token issued before now, on every node.")
            .Produces(StatusCodes.Status204NoContent).Refuses(LatchkeyErrors.NotFound);
    }

    internal static AdminAccount Describe(Account account) => new(
        account.Id, account.Email, account.EmailVerifiedAt is not null, account.CreatedAt, account.PasswordChangedAt, account.DisabledAt,
        account.Roles.HasFlag(AccountRoles.Admin) ? ["admin"] : []);

    private static async Task<IResult> SearchAsync(HttpContext context, IAccountStore store)
    {
        if (!AdminPaging.TryRead(context, out var limit, out var after, out var problem))
        {
            return problem!;
        }

        var email = context.Request.Query["email"].ToString().Trim();
        if (email.Length > EmailAddress.MaxLength || !AdminPaging.IsPlainText(email))
        {
            return LatchkeyProblems.Result(
                LatchkeyErrors.ValidationFailed, errors: new ValidationErrors { ["email"] = [$"email is at most {EmailAddress.MaxLength} characters of text."] });
        }

        var accounts = await store.SearchAsync(
            new AccountSearch(email.Length == 0 ? null : EmailAddress.Normalize(email), after, limit), context.RequestAborted);
        var items = accounts.Select(Describe).ToList();
        var next = accounts.Count == 0 ? null : AdminPaging.Next(accounts.Count, limit, accounts[^1].NormalizedEmail);
        return TypedResults.Json(new AdminPage<AdminAccount>(items, next), AdminJsonContext.Default.AdminPageAdminAccount);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, IAccountStore store, MfaService mfa, IPasskeyStore passkeys, SessionManager sessions)
    {
        var ct = context.RequestAborted;
        if (await store.FindByIdAsync(id, ct) is not { } account)
        {
            return AccountNotFound();
        }

        var status = await mfa.GetStatusAsync(id, ct);
        var keys = await passkeys.ListAsync(id, ct);
        var live = await sessions.ListAsync(id, ct);
        return TypedResults.Json(
            new AdminAccountDetails(Describe(account), new AdminMfaSummary(status.TotpEnabled, status.RecoveryCodesLeft, keys.Count), live.Count),
            AdminJsonContext.Default.AdminAccountDetails);
    }

    private static Task<IResult> DisableAsync(string id, HttpContext context, AccountLifecycleService lifecycle, IAccountStore store) =>
        ChangeAsync(id, context, store, (origin, ct) => lifecycle.DisableAsync(id, SecurityAudit.LifecycleActor.Operator, origin, ct));

    private static Task<IResult> EnableAsync(string id, HttpContext context, AccountLifecycleService lifecycle, IAccountStore store) =>
        ChangeAsync(id, context, store, (origin, ct) => lifecycle.EnableAsync(id, SecurityAudit.LifecycleActor.Operator, origin, ct));

    private static async Task<IResult> ChangeAsync(
        string id, HttpContext context, IAccountStore store, Func<Security.RequestOrigin, CancellationToken, Task<AccountLifecycleResult>> change)
    {
        var result = await change(context.GetRequestOrigin(), context.RequestAborted);
        if (result.Status != AccountLifecycleStatus.Done || await store.FindByIdAsync(id, CancellationToken.None) is not { } account)
        {
            return AccountNotFound();
        }

        return TypedResults.Json(Describe(account), AdminJsonContext.Default.AdminAccount);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, AccountLifecycleService lifecycle)
    {
        var result = await lifecycle.DeleteAsync(id, context.GetRequestOrigin(), context.RequestAborted);
        return result.Status == AccountLifecycleStatus.Done ? TypedResults.NoContent() : AccountNotFound();
    }

    private static async Task<IResult> ResetMfaAsync(string id, HttpContext context, IAccountStore store, MfaService mfa, UserSignOutService signOut)
    {
        if (await store.FindByIdAsync(id, context.RequestAborted) is null)
        {
            return AccountNotFound();
        }

        var reset = await mfa.ResetAsync(id, AdminOperator.Of(context).ToString(), context.RequestAborted);
        // Whoever holds the lost factor may hold a session too: the user signs in afresh.
        await signOut.SignOutEverywhereAsync(id, null, context.GetRequestOrigin(), CancellationToken.None);
        return TypedResults.Json(new AdminMfaReset(reset.Totp, reset.RecoveryCodes, reset.Passkeys), AdminJsonContext.Default.AdminMfaReset);
    }

    private static async Task<IResult> ListSessionsAsync(string id, HttpContext context, IAccountStore store, SessionManager sessions)
    {
        if (!AdminPaging.TryRead(context, out var limit, out var after, out var problem))
        {
            return problem!;
        }

        if (await store.FindByIdAsync(id, context.RequestAborted) is null)
        {
            return AccountNotFound();
        }

        var live = await sessions.ListAsync(id, context.RequestAborted);
        var page = AdminPaging.Slice(
            live.Select(s => new AdminSession(
                s.PublicId, s.CreatedAt, s.LastSeenAt, s.IdleExpiresAt, s.AbsoluteExpiresAt, s.UserAgent, s.IpAddress, AuthenticationMethodNames.Amr(s.Methods))),
            s => s.Id, limit, after);
        return TypedResults.Json(page, AdminJsonContext.Default.AdminPageAdminSession);
    }

    private static async Task<IResult> EndSessionAsync(string id, string sessionId, HttpContext context, SessionManager sessions)
    {
        var ended = await sessions.EndByPublicIdAsync(id, sessionId, SecurityAudit.SessionEnd.EndedByOperator, context.GetRequestOrigin(), context.RequestAborted);
        return ended is null
            ? LatchkeyProblems.Result(LatchkeyErrors.NotFound, "The account has no live session with this id.")
            : TypedResults.NoContent();
    }

    private static async Task<IResult> EndAllSessionsAsync(string id, HttpContext context, IAccountStore store, UserSignOutService signOut)
    {
        if (await store.FindByIdAsync(id, context.RequestAborted) is null)
        {
            return AccountNotFound();
        }

        // Once begun it finishes: a sign-out half done would leave some of what the operator ended alive.
        await signOut.SignOutEverywhereAsync(id, null, context.GetRequestOrigin(), CancellationToken.None);
        return TypedResults.NoContent();
    }

    private static IResult AccountNotFound() => LatchkeyProblems.Result(LatchkeyErrors.NotFound, "No account has this id.");
}
