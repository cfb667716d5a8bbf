using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Latchkey.AspNetCore.Admin;

/// <summary>Signing keys under <c>/admin/keys</c>: list, rotate now, retire. Private halves never leave the store.</summary>
internal static class AdminKeyEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        var keys = admin.MapGroup("/keys").WithTags("Admin: signing keys");
        keys.MapGet("/", ListAsync).AcceptsQuery<AdminListQuery>()
            .Documented("adminListKeys", "The signing keys, pending, signing and retiring", "Ordered by key id; paged like every admin list.")
            .Produces<AdminPage<AdminSigningKey>>().Refuses(LatchkeyErrors.ValidationFailed);
        keys.MapPost("/rotate", RotateAsync)
            .Documented(
                "adminRotateKeys", "Publish new signing keys now",
                "One new key per chain (access tokens, and each other ID-token algorithm in use); each signs after `Latchkey:Keys:PublishAhead`, "
                + "so that verifiers learn it first. Answers the new keys.")
            .Produces<AdminSigningKey[]>();
        keys.MapPost("/{kid}/retire", RetireAsync)
            .Documented(
                "adminRetireKey", "Retire a signing key at once",
                "For a compromised key: it leaves the JWKS and every token it signed is refused, here at once and on other nodes at their next "
                + "key refresh (`Latchkey:Keys:RefreshInterval`). If it was signing, a replacement signs from now.")
            .Produces<AdminKeyRetirement>().Refuses(LatchkeyErrors.NotFound);
    }

    private static AdminSigningKey Describe(SigningKeyInfo key) => new(
        key.Kid, key.Algorithm, key.Use == SigningKeyUse.AccessTokens ? "access_tokens" : "id_tokens",
        key.State switch { SigningKeyState.Pending => "pending", SigningKeyState.Signing => "signing", _ => "retiring" },
        key.CreatedAt, key.ActivatesAt);

    private static async Task<IResult> ListAsync(HttpContext context, KeyRingManager manager)
    {
        if (!AdminPaging.TryRead(context, out var limit, out var after, out var problem))
        {
            return problem!;
        }

        var keys = await manager.ListAsync(context.RequestAborted);
        return TypedResults.Json(AdminPaging.Slice(keys.Select(Describe), k => k.Kid, limit, after), AdminJsonContext.Default.AdminPageAdminSigningKey);
    }

    private static async Task<IResult> RotateAsync(HttpContext context, KeyRingManager manager)
    {
        var before = (await manager.ListAsync(context.RequestAborted)).Select(k => k.Kid).ToHashSet(StringComparer.Ordinal);
        await manager.RotateNowAsync(context.RequestAborted);
        var added = (await manager.ListAsync(CancellationToken.None)).Where(k => !before.Contains(k.Kid)).Select(Describe).ToArray();
        return TypedResults.Json(added, AdminJsonContext.Default.AdminSigningKeyArray);
    }

    private static async Task<IResult> RetireAsync(string kid, HttpContext context, KeyRingManager manager)
    {
        var (found, replacement) = await manager.RetireAsync(kid, AdminOperator.Of(context).ToString(), context.RequestAborted);
        return found
            ? TypedResults.Json(new AdminKeyRetirement(kid, replacement), AdminJsonContext.Default.AdminKeyRetirement)
            : LatchkeyProblems.Result(LatchkeyErrors.NotFound, "No signing key has this id.");
    }
}
