using System.Net;
using Latchkey.Accounts;
using Latchkey.Diagnostics;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Tests.Admin;

/// <summary>Who may call /admin: operators only, whatever else the caller holds; every call audited with the operator's id.</summary>
public sealed class AdminAuthorizationTests(AdminFixture fixture) : IClassFixture<AdminFixture>
{
    private LatchkeyTestServer Server => fixture.Server;

    // One read and one change of each area: the filter guards the whole group.
    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "admin/accounts" },
        { "GET", "admin/accounts/someone" },
        { "POST", "admin/accounts/someone/disable" },
        { "DELETE", "admin/accounts/someone/sessions" },
        { "GET", "admin/clients" },
        { "DELETE", "admin/clients/svc" },
        { "GET", "admin/keys" },
        { "POST", "admin/keys/rotate" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Anonymous_IsUnauthenticated(string method, string path)
    {
        using var client = Server.CreateClient();
        using var response = await client.SendAsync(new HttpMethod(method), path, csrf: false);
        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task NormalUsersSession_IsForbidden_AndAudited(string method, string path)
    {
        using var user = Server.CreateClient();
        var id = await user.SignUpAndLoginAsync();

        using var response = await user.SendAsync(new HttpMethod(method), path);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "forbidden");
        var refused = Assert.Single(Server.Logs.Entries, e => e.Category == SecurityAudit.Category && e.EventId.Id == 1602 && e["CallerId"] == id);
        Assert.Equal("account", refused["CallerKind"]);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task NormalUsersToken_IsForbidden(string method, string path)
    {
        using var user = Server.CreateClient();
        var email = TestData.NewEmail();
        await user.RegisterAsync(email);
        var tokens = await user.LoginWithTokensAsync(email);

        using var response = await user.SendAsync(new HttpMethod(method), path, bearer: tokens.AccessToken, cookie: false);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task ClientWithoutTheAdminScope_IsForbidden(string method, string path)
    {
        using var client = Server.CreateClient();
        var token = (await TokenPair.ReadAsync(await client.ClientCredentialsAsync("read write"))).AccessToken;

        using var response = await client.SendAsync(new HttpMethod(method), path, bearer: token, cookie: false);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    // Every route the admin API maps, read from the endpoints themselves, so that a new one cannot be left unguarded.
    private List<(string Method, string Path)> AllAdminRoutes() =>
        [.. Server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/admin", StringComparison.Ordinal) == true && !e.RoutePattern.RawText.Contains("**", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => (m, Regex.Replace(e.RoutePattern.RawText!, "{[^}]+}", "x").TrimStart('/'))))];

    [Fact]
    public async Task EveryAdminRoute_RefusesEveryCallerThatIsNoOperator()
    {
        var routes = AllAdminRoutes();
        Assert.True(routes.Count >= 17, $"Only {routes.Count} admin routes found.");

        using var anonymous = Server.CreateClient();
        using var user = Server.CreateClient();
        var email = TestData.NewEmail();
        await user.RegisterAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await user.LoginAsync(email)).StatusCode);
        var userToken = (await user.LoginWithTokensAsync(email)).AccessToken;
        var serviceToken = (await TokenPair.ReadAsync(await user.ClientCredentialsAsync("read write"))).AccessToken;

        // An operator's own access token: a person operates with a session, never with a token.
        var (admin, adminId) = await fixture.NewOperatorAsync();
        var adminEmail = (await (await admin.GetAsync($"admin/accounts/{adminId}")).ReadJsonObjectAsync())["account"]!["email"]!.GetValue<string>();
        var operatorToken = (await admin.LoginWithTokensAsync(adminEmail)).AccessToken;

        // A disabled operator's session.
        var (disabled, disabledId) = await fixture.NewOperatorAsync();
        Assert.True(await Server.App.Services.GetRequiredService<IAccountStore>().SetDisabledAtAsync(disabledId, Server.App.Services.GetRequiredService<TimeProvider>().GetUtcNow(), default));

        foreach (var (method, path) in routes)
        {
            var verb = new HttpMethod(method);
            await ExpectAsync(await anonymous.SendAsync(verb, path, csrf: false), HttpStatusCode.Unauthorized, "unauthenticated", "anonymous", method, path);
            await ExpectAsync(await user.SendAsync(verb, path), HttpStatusCode.Forbidden, "forbidden", "a user's session", method, path);
            await ExpectAsync(await user.SendAsync(verb, path, bearer: userToken, cookie: false), HttpStatusCode.Forbidden, "forbidden", "a user's token", method, path);
            await ExpectAsync(await user.SendAsync(verb, path, bearer: serviceToken, cookie: false), HttpStatusCode.Forbidden, "forbidden", "a client without admin", method, path);
            await ExpectAsync(await admin.SendAsync(verb, path, bearer: operatorToken, cookie: false), HttpStatusCode.Forbidden, "forbidden", "an operator's token", method, path);
            var fromDisabled = await disabled.SendAsync(verb, path);
            Assert.True((int)fromDisabled.StatusCode is 401 or 403, $"a disabled operator's session got {(int)fromDisabled.StatusCode} on {method} {path}");
        }

        admin.Dispose();
        disabled.Dispose();
    }

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status, string code, string caller, string method, string path)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status && body.Contains($"\"code\":\"{code}\"", StringComparison.Ordinal), $"{caller}: {method} {path} answered {(int)response.StatusCode} {body}");
        }
    }

    [Fact]
    public async Task ClientWithoutTheAdminScope_CannotAskForIt()
    {
        using var client = Server.CreateClient();
        using var response = await client.ClientCredentialsAsync("admin");
        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task OperatorsClientToken_IsAllowed_AndTheCallAuditedWithTheClientsId()
    {
        using var client = Server.CreateClient();
        var token = await fixture.OpsTokenAsync(client);
        using var allowed = await client.SendAsync(HttpMethod.Get, "admin/keys", bearer: token, cookie: false);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var read = Assert.Single(Server.Logs.Entries, e => e.EventId.Id == 1600 && e["OperatorId"] == AdminFixture.OpsClientId && e["Action"] == "adminListKeys");
        Assert.Equal("client", read["OperatorKind"]);
        Assert.Equal("200", read["Status"]);
    }

    [Fact]
    public async Task OperatorsSession_NeedsTheCsrfTokenForChanges_AndLosesTheApiWithItsRole()
    {
        var (admin, adminId) = await fixture.NewOperatorAsync();
        using var user = Server.CreateClient();
        var userId = await user.SignUpAndLoginAsync();

        using (var withoutCsrf = await admin.SendAsync(HttpMethod.Post, $"admin/accounts/{userId}/disable", csrf: false))
        {
            await ProblemAssert.IsAsync(withoutCsrf, HttpStatusCode.Forbidden, "csrf_token_invalid");
        }

        using (var me = await user.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode); // nothing changed
        }

        using (var foreignOrigin = await admin.SendAsync(HttpMethod.Post, $"admin/accounts/{userId}/disable", origin: "https://evil.example"))
        {
            await ProblemAssert.IsAsync(foreignOrigin, HttpStatusCode.Forbidden, "origin_not_allowed");
        }

        using (var read = await admin.GetAsync($"admin/accounts/{userId}"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("no-store", read.Headers.CacheControl?.ToString());
        }

        Assert.Contains(Server.Logs.Entries, e => e.EventId.Id == 1600 && e["OperatorId"] == adminId && e["Target"] == $"id={userId}");

        // The role is read on every call: taking it away closes the API to the sessions the account already has.
        var store = Server.App.Services.GetRequiredService<IAccountStore>();
        Assert.True(await store.SetRolesAsync(adminId, AccountRoles.None, default));
        using var after = await admin.GetAsync($"admin/accounts/{userId}");
        await ProblemAssert.IsAsync(after, HttpStatusCode.Forbidden, "forbidden");
        admin.Dispose();
    }

    [Fact]
    public async Task UnknownAdminPath_IsNotFound_AndAWrongMethodIsNotAllowed()
    {
        var (admin, _) = await fixture.NewOperatorAsync();
        using (var missing = await admin.GetAsync("admin/nothing-here"))
        {
            await ProblemAssert.IsAsync(missing, HttpStatusCode.NotFound, "not_found");
        }

        using (var wrong = await admin.SendAsync(HttpMethod.Put, "admin/keys/rotate"))
        {
            await ProblemAssert.IsAsync(wrong, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
            Assert.Contains("POST", wrong.Content.Headers.Allow);
        }

        admin.Dispose();
    }
}
