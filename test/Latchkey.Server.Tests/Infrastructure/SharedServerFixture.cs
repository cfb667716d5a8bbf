using Latchkey.Testing;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>
/// One server for all tests of a class (xunit runs a class's tests one after another, so they may
/// count rows in its database). The per-address login throttle is raised because every test connects
/// from 127.0.0.1; the per-account throttle keeps its default.
/// </summary>
public sealed class SharedServerFixture : IAsyncLifetime
{
    public LatchkeyTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Throttling:FreeFailuresPerAddress"] = "100000";
        Server = await LatchkeyTestServer.StartAsync(options);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
