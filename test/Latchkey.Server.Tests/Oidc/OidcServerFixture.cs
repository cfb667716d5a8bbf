using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Oidc;

/// <summary>
/// One server with the clients of the code flow: <see cref="Oidc.WebClient"/> (confidential, first-party, no consent
/// screen), <see cref="Oidc.SpaClient"/> (public, third-party, consent required) and the service client of
/// <see cref="OAuth.AddClient"/>.
/// </summary>
public sealed class OidcServerFixture : IAsyncLifetime
{
    public LatchkeyTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Throttling:FreeFailuresPerAddress"] = "100000";
        Oidc.AddClients(options.Settings);
        Server = await LatchkeyTestServer.StartAsync(options);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
