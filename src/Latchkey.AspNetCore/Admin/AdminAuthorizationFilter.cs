using Latchkey.Accounts;
using Latchkey.AspNetCore.Authentication;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.AspNetCore.ResourceServer;
using Latchkey.Clients;
using Latchkey.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.AspNetCore.Admin;

/// <summary>
/// Opens the admin API to operators only, and audits every call with the operator's id. An operator is an account with
/// <see cref="AccountRoles.Admin"/>, by its session cookie (the CSRF check runs before this), or a service client by a
/// client-credentials token with the <c>admin</c> scope. Both are looked up again on each call, so that a removed role,
/// a disabled account or a removed client loses the API at once. Anyone else who is signed in gets 403 and an audit event.
/// </summary>
internal sealed class AdminAuthorizationFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var audit = services.GetRequiredService<SecurityAudit>();
        var action = http.GetEndpoint()?.Metadata.GetMetadata<OperationIdMetadata>()?.OperationId ?? http.Request.Path.Value ?? "?";
        var clientIp = http.GetRequestOrigin().ClientIp;

        var (admin, callerKind, callerId) = await FindOperatorAsync(http, services);
        if (admin is null)
        {
            audit.AdminRefused(action, callerKind, callerId, clientIp);
            return LatchkeyProblems.Result(LatchkeyErrors.Forbidden, "The admin API is for operators: an account with the admin role, or a service client with the admin scope.");
        }

        http.Features.Set(admin);
        var read = HttpMethods.IsGet(http.Request.Method);
        foreach (var value in http.Request.RouteValues.Values)
        {
            // No account, session, client or key has a control character in its id; asking a store would only fail there.
            if (value is string text && !AdminPaging.IsPlainText(text))
            {
                Audit(audit, read, action, http, admin, clientIp, StatusCodes.Status404NotFound);
                return LatchkeyProblems.Result(LatchkeyErrors.NotFound);
            }
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception ex)
        {
            // A change may have half-happened before the fault: it is recorded with the operator all the same. The
            // exception handler answers it (503 for a store fault, else 500).
            var failed = ex is Storage.StoreUnavailableException or ServerBusyException ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
            Audit(audit, read, action, http, admin, clientIp, failed);
            throw;
        }

        Audit(audit, read, action, http, admin, clientIp, result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode);
        return result;
    }

    private static void Audit(SecurityAudit audit, bool read, string action, HttpContext http, AdminOperator admin, string? clientIp, int status)
    {
        if (read)
        {
            audit.AdminRead(action, Target(http), admin.Kind, admin.Id, clientIp, status);
        }
        else
        {
            audit.AdminChange(action, Target(http), admin.Kind, admin.Id, clientIp, status);
        }
    }

    private static async Task<(AdminOperator? Operator, string Kind, string Id)> FindOperatorAsync(HttpContext http, IServiceProvider services)
    {
        if (http.Features.Get<LatchkeyAccessTokenFeature>() is { } bearer)
        {
            var token = bearer.Token;
            // Only a service's own token: a user's token never opens the admin API, whatever its scopes say.
            var client = token.IsClientToken ? services.GetRequiredService<IClientRegistry>().Find(token.ClientId) : null;
            return client is not null && HasAdminScope(token.Scope) && client.Scopes.Contains(Grants.Scopes.Admin)
                ? (new AdminOperator("client", client.ClientId), "client", client.ClientId)
                : (null, token.IsClientToken ? "client" : "account", token.Subject);
        }

        if (http.GetCookieSession() is { } session)
        {
            var account = await services.GetRequiredService<IAccountStore>().FindByIdAsync(session.UserId, http.RequestAborted);
            return account is { DisabledAt: null } && account.Roles.HasFlag(AccountRoles.Admin)
                ? (new AdminOperator("account", account.Id), "account", account.Id)
                : (null, "account", session.UserId);
        }

        return (null, "unknown", http.GetSubject() ?? "unknown");
    }

    private static bool HasAdminScope(string scope)
    {
        foreach (var part in scope.AsSpan().Split(' '))
        {
            if (scope.AsSpan()[part].SequenceEqual(Grants.Scopes.Admin))
            {
                return true;
            }
        }

        return false;
    }

    // What the call was about, from its route: the account, session, client or key.
    private static string? Target(HttpContext http)
    {
        var values = http.Request.RouteValues;
        string? target = null;
        foreach (var name in (ReadOnlySpan<string>)["id", "sessionId", "clientId", "kid"])
        {
            if (values.TryGetValue(name, out var value) && value is string text)
            {
                target = target is null ? $"{name}={text}" : $"{target} {name}={text}";
            }
        }

        return target;
    }
}
