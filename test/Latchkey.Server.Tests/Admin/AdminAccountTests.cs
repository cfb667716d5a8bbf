using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Admin;

/// <summary>Accounts and sessions through the admin API, by an operator's session and by an operator service.</summary>
public sealed class AdminAccountTests(AdminFixture fixture) : IClassFixture<AdminFixture>
{
    private LatchkeyTestServer Server => fixture.Server;

    [Fact]
    public async Task Search_FindsByPartOfTheEmail_PageByPage_AndViewShowsOneAccount()
    {
        var (admin, _) = await fixture.NewOperatorAsync();
        var marker = Guid.NewGuid().ToString("N")[..12];
        var ids = new List<string>();
        foreach (var prefix in new[] { "c", "a", "b" })
        {
            using var user = Server.CreateClient();
            ids.Add((await user.RegisterAsync($"{prefix}.{marker}@Example.com"))["id"]!.GetValue<string>());
        }

        var first = await ReadAsync(await admin.GetAsync($"admin/accounts?email={marker.ToUpperInvariant()}&limit=2"));
        Assert.Equal([$"a.{marker}@Example.com", $"b.{marker}@Example.com"], Emails(first));
        var next = first["next"]!.GetValue<string>();
        var second = await ReadAsync(await admin.GetAsync($"admin/accounts?email={marker}&limit=2&cursor={next}"));
        Assert.Equal([$"c.{marker}@Example.com"], Emails(second));
        Assert.Null(second["next"]);

        var view = await ReadAsync(await admin.GetAsync($"admin/accounts/{ids[1]}"));
        Assert.Equal(ids[1], view["account"]!["id"]!.GetValue<string>());
        Assert.Equal($"a.{marker}@Example.com", view["account"]!["email"]!.GetValue<string>());
        Assert.Empty(view["account"]!["roles"]!.AsArray());
        Assert.Null(view["account"]!["disabledAt"]);
        Assert.False(view["mfa"]!["totp"]!.GetValue<bool>());
        Assert.Equal(0, view["sessions"]!.GetValue<int>());
        Assert.DoesNotContain("argon2", view.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        using var missing = await admin.GetAsync("admin/accounts/no-such-account");
        await ProblemAssert.IsAsync(missing, HttpStatusCode.NotFound, "not_found");
        admin.Dispose();
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("limit=ten")]
    [InlineData("cursor=%25%25%25")]
    [InlineData("cursor=")]
    public async Task MalformedPaging_IsAValidationProblem(string query)
    {
        var (admin, id) = await fixture.NewOperatorAsync();
        foreach (var path in new[] { "admin/accounts", $"admin/accounts/{id}/sessions", "admin/clients", "admin/keys" })
        {
            using var response = await admin.GetAsync($"{path}?{query}");
            await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        }

        admin.Dispose();
    }

    [Fact]
    public async Task Disable_EndsTheUsersSessionsAndTokens_RefusesLogin_AndEnableLetsThemBackIn()
    {
        var (admin, adminId) = await fixture.NewOperatorAsync();
        using var user = Server.CreateClient();
        var email = TestData.NewEmail();
        var userId = (await user.RegisterAsync(email))["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await user.LoginAsync(email)).StatusCode);
        var tokens = await user.LoginWithTokensAsync(email);

        var disabled = await ReadAsync(await admin.PostJsonAsync($"admin/accounts/{userId}/disable", new { }));
        Assert.NotNull(disabled["disabledAt"]);

        using (var me = await user.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        Assert.False(await user.IsAcceptedAsync(tokens.AccessToken));
        using (var refresh = await user.RefreshAsync(tokens.RefreshToken!))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        }

        await ProblemAssert.IsAsync(await user.LoginAsync(email), HttpStatusCode.Forbidden, "account_disabled");
        Assert.Contains(Server.Logs.Entries, e => e.EventId.Id == 1601 && e["Action"] == "adminDisableAccount" && e["OperatorId"] == adminId && e["Status"] == "200");
        Assert.Contains(Server.Logs.Entries, e => e.EventId.Id == 1535 && e["AccountId"] == userId);

        var enabled = await ReadAsync(await admin.PostJsonAsync($"admin/accounts/{userId}/enable", new { }));
        Assert.Null(enabled["disabledAt"]);
        Assert.Equal(HttpStatusCode.OK, (await user.LoginAsync(email)).StatusCode);
        admin.Dispose();
    }

    [Fact]
    public async Task Sessions_AreListed_OneEnds_ThenAllEnd()
    {
        var (admin, _) = await fixture.NewOperatorAsync();
        var email = TestData.NewEmail();
        using var laptop = Server.CreateClient();
        var userId = (await laptop.RegisterAsync(email))["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await laptop.LoginAsync(email)).StatusCode);
        using var phone = Server.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await phone.LoginAsync(email)).StatusCode);
        var tokens = await phone.LoginWithTokensAsync(email);

        var list = await ReadAsync(await admin.GetAsync($"admin/accounts/{userId}/sessions"));
        var sessions = list["items"]!.AsArray();
        Assert.Equal(2, sessions.Count);
        Assert.All(sessions, s => Assert.Equal(["pwd"], s!["amr"]!.AsArray().Select(a => a!.GetValue<string>())));
        var laptopSession = (await ReadAsync(await laptop.GetAsync("api/session")))["session"]!["id"]!.GetValue<string>();
        Assert.Contains(sessions, s => s!["id"]!.GetValue<string>() == laptopSession);

        var firstPage = await ReadAsync(await admin.GetAsync($"admin/accounts/{userId}/sessions?limit=1"));
        var secondPage = await ReadAsync(await admin.GetAsync($"admin/accounts/{userId}/sessions?limit=1&cursor={firstPage["next"]!.GetValue<string>()}"));
        Assert.NotEqual(firstPage["items"]![0]!["id"]!.GetValue<string>(), secondPage["items"]![0]!["id"]!.GetValue<string>());

        using (var end = await admin.DeleteAsync($"admin/accounts/{userId}/sessions/{laptopSession}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, end.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("api/me")).StatusCode);
        await ProblemAssert.IsAsync(await admin.DeleteAsync($"admin/accounts/{userId}/sessions/{laptopSession}"), HttpStatusCode.NotFound, "not_found");

        using (var all = await admin.DeleteAsync($"admin/accounts/{userId}/sessions"))
        {
            Assert.Equal(HttpStatusCode.NoContent, all.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("api/me")).StatusCode);
        Assert.False(await phone.IsAcceptedAsync(tokens.AccessToken));
        Assert.Empty((await ReadAsync(await admin.GetAsync($"admin/accounts/{userId}/sessions")))["items"]!.AsArray());
        Assert.Contains(Server.Logs.Entries, e => e.EventId.Id == 1506 && e["SessionPublicId"] == laptopSession && e["Reason"] == "EndedByOperator");
        admin.Dispose();
    }

    [Fact]
    public async Task OperatorService_DeletesAnAccount()
    {
        using var operatorClient = Server.CreateClient();
        var token = await fixture.OpsTokenAsync(operatorClient);
        using var user = Server.CreateClient();
        var email = TestData.NewEmail();
        var userId = await user.SignUpAndLoginAsync(email);

        using (var delete = await operatorClient.SendAsync(HttpMethod.Delete, $"admin/accounts/{userId}", bearer: token, cookie: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("api/me")).StatusCode);
        await ProblemAssert.IsAsync(await user.LoginAsync(email), HttpStatusCode.Unauthorized, "invalid_credentials");
        using var again = await operatorClient.SendAsync(HttpMethod.Delete, $"admin/accounts/{userId}", bearer: token, cookie: false);
        await ProblemAssert.IsAsync(again, HttpStatusCode.NotFound, "not_found");
        Assert.Contains(Server.Logs.Entries, e => e.EventId.Id == 1601 && e["Action"] == "adminDeleteAccount" && e["OperatorKind"] == "client" && e["Status"] == "204");
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
            return JsonNode.Parse(text)!.AsObject();
        }
    }

    private static List<string> Emails(JsonObject page) => [.. page["items"]!.AsArray().Select(a => a!["email"]!.GetValue<string>())];
}
