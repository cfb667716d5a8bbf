using Latchkey.Clients;

namespace Latchkey.Stores.Tests;

/// <summary>Clients registered at run time, on every backend.</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task Clients_CreateListUpdateDelete_KeepTheDefinitionAndOnlyTheSecretHash()
    {
        var web = new ClientOptions
        {
            ClientId = "web", Scopes = "openid email", GrantTypes = "authorization_code refresh_token", RequireConsent = false,
            BackChannelLogoutUri = "https://web.example/bcl", IdTokenSigningAlgorithm = "ES256", RequireMfa = true,
        };
        web.RedirectUris.Add("https://web.example/cb");
        web.RedirectUris.Add("https://web.example/cb2");
        web.PostLogoutRedirectUris.Add("https://web.example/out");
        var spa = new ClientOptions { ClientId = "spa", Scopes = "openid" };
        spa.RedirectUris.Add("https://spa.example/");
        spa.AllowedCorsOrigins.Add("https://app.example");
        byte[] hash = [1, 2, 3, 4];

        Assert.True(await Stores.Clients.CreateAsync(new StoredClient(web, hash, Now, Now), default));
        Assert.True(await Stores.Clients.CreateAsync(new StoredClient(spa, null, Now, Now), default));
        Assert.False(await Stores.Clients.CreateAsync(new StoredClient(new ClientOptions { ClientId = "web" }, null, Now, Now), default));

        var listed = await Stores.Clients.ListAsync(default);
        Assert.Equal(["spa", "web"], listed.Select(c => c.ClientId));
        var stored = listed[1];
        Assert.Equal(hash, stored.SecretHash);
        Assert.Null(listed[0].SecretHash);
        Assert.Equal(Now, stored.CreatedAt);
        Assert.Equal("openid email", stored.Definition.Scopes);
        Assert.Equal("authorization_code refresh_token", stored.Definition.GrantTypes);
        Assert.Equal(["https://web.example/cb", "https://web.example/cb2"], stored.Definition.RedirectUris);
        Assert.Equal(["https://web.example/out"], stored.Definition.PostLogoutRedirectUris);
        Assert.False(stored.Definition.RequireConsent);
        Assert.Equal("https://web.example/bcl", stored.Definition.BackChannelLogoutUri);
        Assert.Equal("ES256", stored.Definition.IdTokenSigningAlgorithm);
        Assert.True(stored.Definition.RequireMfa);
        Assert.Null(stored.Definition.ClientSecret);
        Assert.Equal(["https://app.example"], listed[0].Definition.AllowedCorsOrigins);

        var changed = new ClientOptions { ClientId = "web", Scopes = "openid" };
        changed.RedirectUris.Add("https://web.example/new");
        Assert.True(await Stores.Clients.UpdateAsync(new StoredClient(changed, [9, 9], Now.AddDays(5), Now.AddMinutes(1)), default));
        var updated = (await Stores.Clients.ListAsync(default)).Single(c => c.ClientId == "web");
        Assert.Equal([9, 9], updated.SecretHash);
        Assert.Equal(["https://web.example/new"], updated.Definition.RedirectUris);
        Assert.Equal(Now, updated.CreatedAt);
        Assert.Equal(Now.AddMinutes(1), updated.UpdatedAt);
        Assert.False(await Stores.Clients.UpdateAsync(new StoredClient(new ClientOptions { ClientId = "nobody" }, null, Now, Now), default));

        Assert.True(await Stores.Clients.DeleteAsync("web", default));
        Assert.False(await Stores.Clients.DeleteAsync("web", default));
        Assert.Equal(["spa"], (await Stores.Clients.ListAsync(default)).Select(c => c.ClientId));
    }

    [Fact]
    public async Task Clients_TheSecretNeverReachesTheStore()
    {
        var client = new ClientOptions { ClientId = "svc", ClientSecret = "plain-secret-never-stored", Scopes = "read" };
        Assert.True(await Stores.Clients.CreateAsync(new StoredClient(client, [7], Now, Now), default));

        var stored = Assert.Single(await Stores.Clients.ListAsync(default));
        Assert.Null(stored.Definition.ClientSecret);
        Assert.DoesNotContain("plain-secret-never-stored", stored.SerializeDefinition(), StringComparison.Ordinal);
    }
}
