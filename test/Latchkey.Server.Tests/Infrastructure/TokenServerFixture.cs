using Latchkey.Testing;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>
/// One server for all tests of a class, with the service client <see cref="OAuth.ClientId"/> declared
/// and the per-address login throttle raised (every test connects from 127.0.0.1).
/// </summary>
public sealed class TokenServerFixture : IAsyncLifetime
{
    public LatchkeyTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Throttling:FreeFailuresPerAddress"] = "100000";
        OAuth.AddClient(options.Settings);
        Server = await LatchkeyTestServer.StartAsync(options);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
