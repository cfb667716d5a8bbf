using System.Net;
using Latchkey.Accounts;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Admin;

/// <summary>
/// A server with an operator service client (<c>ops</c>, scope <c>admin</c>), the ordinary service client of
/// <see cref="OAuth.AddClient"/> (scopes <c>read write</c>, client credentials and password grants), and helpers that
/// make an operator account and the tokens the refusal tests need.
/// </summary>
public sealed class AdminFixture : IAsyncLifetime
{
    public const string OpsClientId = "ops";
    public const string OpsClientSecret = "ops-secret-of-sixteen-plus";

    public LatchkeyTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Throttling:FreeFailuresPerAddress"] = "100000";
        OAuth.AddClient(options.Settings);
        options.Settings["Latchkey:Clients:1:ClientId"] = OpsClientId;
        options.Settings["Latchkey:Clients:1:ClientSecret"] = OpsClientSecret;
        options.Settings["Latchkey:Clients:1:Scopes"] = "admin";
        Server = await LatchkeyTestServer.StartAsync(options);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A signed-in client whose account has the admin role (given the way the command line gives it: in the store).</summary>
    public async Task<(LatchkeyTestClient Client, string AccountId)> NewOperatorAsync()
    {
        var client = Server.CreateClient();
        var id = await client.SignUpAndLoginAsync();
        Assert.True(await Server.App.Services.GetRequiredService<IAccountStore>().SetRolesAsync(id, AccountRoles.Admin, default));
        return (client, id);
    }

    /// <summary>A client-credentials access token of <c>ops</c> with the admin scope.</summary>
    public async Task<string> OpsTokenAsync(LatchkeyTestClient client)
    {
        using var response = await client.PostFormAsync(
            "oauth/token", [("grant_type", "client_credentials"), ("scope", "admin")], (OpsClientId, OpsClientSecret));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await TokenPair.ReadAsync(response)).AccessToken;
    }
}
