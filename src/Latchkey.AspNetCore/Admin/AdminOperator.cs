using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Admin;

/// <summary>
/// Who is calling the admin API: an account with the admin role, by its session, or a service client whose
/// client-credentials token carries the <c>admin</c> scope. Set by <see cref="AdminAuthorizationFilter"/>.
/// </summary>
/// <param name="Kind"><c>account</c> or <c>client</c>.</param>
/// <param name="Id">The account id or the client id.</param>
public sealed record AdminOperator(string Kind, string Id)
{
    /// <summary>How the audit trail and the change records name the operator, e.g. <c>account:3f2a…</c>.</summary>
    public override string ToString() => $"{Kind}:{Id}";

    /// <summary>The operator of the current admin request; the filter runs before every admin endpoint.</summary>
    public static AdminOperator Of(HttpContext context) =>
        context.Features.Get<AdminOperator>() ?? throw new InvalidOperationException("The admin endpoints run behind AdminAuthorizationFilter.");
}
