using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Admin;

/// <summary>Clients through the admin API: the same rules and the same service as the <c>clients</c> command.</summary>
public sealed class AdminClientTests(AdminFixture fixture) : IClassFixture<AdminFixture>
{
    private LatchkeyTestServer Server => fixture.Server;

    [Fact]
    public async Task Create_ShowsTheSecretOnce_TheClientWorks_RotateReplacesIt_DeleteEndsIt()
    {
        var (admin, adminId) = await fixture.NewOperatorAsync();
        var clientId = $"reports-{Guid.NewGuid():N}"[..20];

        using var created = await admin.PostJsonAsync("admin/clients", new { clientId, scopes = "reports:read" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.EndsWith($"/admin/clients/{clientId}", created.Headers.Location!.ToString(), StringComparison.Ordinal);
        var body = await created.ReadJsonObjectAsync();
        var secret = body["clientSecret"]!.GetValue<string>();
        Server.Secrets.Add("client secret", secret);
        Assert.True(secret.Length >= 40);
        Assert.Equal("store", body["client"]!["source"]!.GetValue<string>());
        Assert.True(body["client"]!["confidential"]!.GetValue<bool>());
        Assert.Equal("client_credentials", body["client"]!["grantTypes"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(clientId, secret)).StatusCode);
        var shown = await (await admin.GetAsync($"admin/clients/{clientId}")).ReadJsonObjectAsync();
        Assert.Null(shown["clientSecret"]);
        Assert.DoesNotContain(secret, shown.ToJsonString(), StringComparison.Ordinal);

        await ProblemAssert.IsAsync(await admin.PostJsonAsync("admin/clients", new { clientId, scopes = "x" }), HttpStatusCode.Conflict, "client_exists");
        await ProblemAssert.IsAsync(await admin.PostJsonAsync("admin/clients", new { clientId = "svc" }), HttpStatusCode.Conflict, "client_exists");

        using (var rotated = await admin.PostJsonAsync($"admin/clients/{clientId}/secret", new { }))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
            var newSecret = (await rotated.ReadJsonObjectAsync())["clientSecret"]!.GetValue<string>();
            Server.Secrets.Add("client secret", newSecret);
            Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(clientId, secret)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await TokenAsync(clientId, newSecret)).StatusCode);
        }

        Assert.Contains(Server.Logs.Entries, e => e.EventId.Id == 1596 && e["ClientId"] == clientId && e["Actor"] == $"account:{adminId}");

        using (var deleted = await admin.DeleteAsync($"admin/clients/{clientId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await ProblemAssert.IsAsync(await admin.GetAsync($"admin/clients/{clientId}"), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsAsync(await admin.DeleteAsync($"admin/clients/{clientId}"), HttpStatusCode.NotFound, "not_found");
        admin.Dispose();
    }

    [Fact]
    public async Task Update_ReplacesTheDefinition_ConfiguredClientsAreReadOnly_AndTheListShowsBoth()
    {
        var (admin, _) = await fixture.NewOperatorAsync();
        var clientId = $"web-{Guid.NewGuid():N}"[..16];
        using (var created = await admin.PostJsonAsync(
            "admin/clients", new { clientId, confidential = false, scopes = "openid", redirectUris = new[] { "https://web.example/cb" } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Null((await created.ReadJsonObjectAsync())["clientSecret"]);
        }

        using (var updated = await admin.SendAsync(
            HttpMethod.Put, $"admin/clients/{clientId}", new { scopes = "openid email", redirectUris = new[] { "https://web.example/new" }, requireConsent = false }))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            var client = await updated.ReadJsonObjectAsync();
            Assert.Equal("openid email", client["scopes"]!.GetValue<string>());
            Assert.Equal("https://web.example/new", client["redirectUris"]![0]!.GetValue<string>());
            Assert.False(client["requireConsent"]!.GetValue<bool>());
            Assert.False(client["confidential"]!.GetValue<bool>());
        }

        await ProblemAssert.IsAsync(await admin.SendAsync(HttpMethod.Put, "admin/clients/svc", new { scopes = "read" }), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsAsync(await admin.DeleteAsync("admin/clients/svc"), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsAsync(
            await admin.SendAsync(HttpMethod.Put, $"admin/clients/{clientId}", new { clientId = "another" }), HttpStatusCode.BadRequest, "validation_failed");

        var all = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = await (await admin.GetAsync($"admin/clients?limit=1{(cursor is null ? string.Empty : "&cursor=" + cursor)}")).ReadJsonObjectAsync();
            all.AddRange(page["items"]!.AsArray().Select(c => c!.AsObject()));
            cursor = page["next"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal("configuration", all.Single(c => c["clientId"]!.GetValue<string>() == "svc")["source"]!.GetValue<string>());
        Assert.Equal("configuration", all.Single(c => c["clientId"]!.GetValue<string>() == AdminFixture.OpsClientId)["source"]!.GetValue<string>());
        Assert.Equal("store", all.Single(c => c["clientId"]!.GetValue<string>() == clientId)["source"]!.GetValue<string>());
        Assert.Equal(all.Select(c => c["clientId"]!.GetValue<string>()).Order(StringComparer.Ordinal), all.Select(c => c["clientId"]!.GetValue<string>()));
        admin.Dispose();
    }

    [Fact]
    public async Task InvalidDefinitions_AreValidationProblems_AndNothingIsStored()
    {
        var (admin, _) = await fixture.NewOperatorAsync();

        // A public client may not hold the admin scope: no user's token may ever open the admin API.
        var problem = await ProblemDetailsAssert.IsValidationProblemAsync(
            await admin.PostJsonAsync("admin/clients", new { clientId = "sneaky", confidential = false, scopes = "admin", redirectUris = new[] { "https://x.example/cb" } }),
            "scopes");
        Assert.Contains("admin scope", problem["errors"]!["scopes"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        await ProblemDetailsAssert.IsValidationProblemAsync(
            await admin.PostJsonAsync("admin/clients", new { clientId = "sneaky", scopes = "admin", grantTypes = "client_credentials password" }), "scopes");
        await ProblemDetailsAssert.IsValidationProblemAsync(
            await admin.PostJsonAsync("admin/clients", new { clientId = "bad", confidential = false, redirectUris = new[] { "not a uri" } }), "redirectUris");
        await ProblemDetailsAssert.IsValidationProblemAsync(await admin.PostJsonAsync("admin/clients", new { clientId = "has space" }), "clientId");
        await ProblemAssert.IsAsync(await admin.PostJsonAsync("admin/clients", new { clientId = 5 }), HttpStatusCode.BadRequest, "malformed_json");

        using var raw = new HttpRequestMessage(HttpMethod.Post, "admin/clients") { Content = new StringContent("clientId=x", System.Text.Encoding.UTF8, "text/plain") };
        await ProblemAssert.IsAsync(await admin.SendAsync(raw), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");

        foreach (var id in new[] { "sneaky", "bad", "has space" })
        {
            await ProblemAssert.IsAsync(await admin.GetAsync($"admin/clients/{Uri.EscapeDataString(id)}"), HttpStatusCode.NotFound, "not_found");
        }

        admin.Dispose();
    }

    [Fact]
    public async Task StoredAdminClient_OperatesUntilItIsRemoved()
    {
        var (admin, _) = await fixture.NewOperatorAsync();
        var clientId = $"ops-{Guid.NewGuid():N}"[..16];
        using var created = await admin.PostJsonAsync("admin/clients", new { clientId, scopes = "admin", grantTypes = "client_credentials" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = (await created.ReadJsonObjectAsync())["clientSecret"]!.GetValue<string>();
        Server.Secrets.Add("client secret", secret);

        using var service = Server.CreateClient();
        using var issued = await TokenAsync(clientId, secret);
        var token = (await TokenPair.ReadAsync(issued)).AccessToken;
        using (var allowed = await service.SendAsync(HttpMethod.Get, "admin/clients", bearer: token, cookie: false))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"admin/clients/{clientId}")).StatusCode);
        using var refused = await service.SendAsync(HttpMethod.Get, "admin/clients", bearer: token, cookie: false);
        Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, $"The removed client's token got {(int)refused.StatusCode}.");
        admin.Dispose();
    }

    private async Task<HttpResponseMessage> TokenAsync(string clientId, string secret)
    {
        using var client = Server.CreateClient();
        return await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], (clientId, secret));
    }
}
