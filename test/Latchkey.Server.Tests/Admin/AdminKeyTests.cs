using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Admin;

/// <summary>Signing keys through the admin API: list, rotate now, retire at once (a server of its own: it changes the keys).</summary>
public sealed class AdminKeyTests : IAsyncLifetime
{
    private readonly AdminFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task Rotate_PublishesAPendingKey_RetiringTheSigningKey_RefusesItsTokensAndSignsWithTheReplacement()
    {
        var server = _fixture.Server;
        var (admin, adminId) = await _fixture.NewOperatorAsync();
        using var user = server.CreateClient();
        var email = TestData.NewEmail();
        await user.RegisterAsync(email);
        var before = await user.LoginWithTokensAsync(email);
        var signingKid = Jwt.Decode(before.AccessToken).Header["kid"]!.GetValue<string>();

        var keys = await ListAsync(admin);
        var signing = Assert.Single(keys, k => k["state"]!.GetValue<string>() == "signing" && k["use"]!.GetValue<string>() == "access_tokens");
        Assert.Equal(signingKid, signing["kid"]!.GetValue<string>());
        Assert.DoesNotContain("private", string.Join(",", keys.Select(k => k.ToJsonString())), StringComparison.OrdinalIgnoreCase);

        string pendingKid;
        using (var rotated = await admin.PostJsonAsync("admin/keys/rotate", new { }))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
            var added = Assert.Single(await rotated.ReadJsonArrayAsync());
            Assert.Equal("pending", added!["state"]!.GetValue<string>());
            pendingKid = added["kid"]!.GetValue<string>();
            Assert.Contains(await ListAsync(admin), k => k["kid"]!.GetValue<string>() == pendingKid);
        }

        using (var retired = await admin.PostJsonAsync($"admin/keys/{signingKid}/retire", new { }))
        {
            Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
            var body = await retired.ReadJsonObjectAsync();
            Assert.Equal(signingKid, body["retired"]!.GetValue<string>());
            var replacement = body["replacement"]!.GetValue<string>();

            Assert.False(await user.IsAcceptedAsync(before.AccessToken));
            var jwks = await (await user.GetAsync(".well-known/jwks.json")).ReadJsonObjectAsync();
            Assert.DoesNotContain(jwks["keys"]!.AsArray(), k => k!["kid"]!.GetValue<string>() == signingKid);

            var after = await user.LoginWithTokensAsync(email);
            Assert.Equal(replacement, Jwt.Decode(after.AccessToken).Header["kid"]!.GetValue<string>());
            Assert.True(await user.IsAcceptedAsync(after.AccessToken));

            // The key that was waiting to sign never would now: it went with the retirement; the replacement signs.
            var left = await ListAsync(admin);
            Assert.DoesNotContain(left, k => k["kid"]!.GetValue<string>() == pendingKid);
            Assert.Equal(replacement, Assert.Single(left, k => k["use"]!.GetValue<string>() == "access_tokens")["kid"]!.GetValue<string>());
        }

        Assert.Contains(server.Logs.Entries, e => e.EventId.Id == 1605 && e["Kid"] == signingKid && e["Actor"] == $"account:{adminId}");
        await ProblemAssert.IsAsync(await admin.PostJsonAsync($"admin/keys/{signingKid}/retire", new { }), HttpStatusCode.NotFound, "not_found");
        admin.Dispose();
    }

    private static async Task<List<JsonObject>> ListAsync(LatchkeyTestClient admin)
    {
        using var response = await admin.GetAsync("admin/keys");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonObjectAsync())["items"]!.AsArray().Select(k => k!.AsObject())];
    }
}
