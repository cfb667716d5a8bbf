using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.ResourceServer.Tests.Infrastructure;

/// <summary>
/// One real Latchkey server for the tests of a class, with the two service clients declared. The server and
/// every resource API a test starts share one fake clock, so that time moves for both at once; xunit runs a
/// class's tests one after another, so a test may move it.
/// </summary>
public class LatchkeyFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(TimeProvider.System.GetUtcNow());

    public LatchkeyTestServer Server { get; private set; } = null!;

    /// <summary>The server's address without a trailing slash: its issuer.</summary>
    public string Authority => Server.BaseAddress.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        var options = new TestServerOptions { Time = Time };
        LatchkeyTokens.DeclareClients(options);
        Configure(options);
        Server = await LatchkeyTestServer.StartAsync(options);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Starts a resource API that trusts this server and runs on the shared clock.</summary>
    public Task<ResourceApiHost> StartApiAsync() => ResourceApiHost.StartAsync(Authority, Time);

    protected virtual void Configure(TestServerOptions options)
    {
    }
}

/// <summary>
/// A server whose new keys sign as soon as they are made (no publish-ahead), so that a resource server meets
/// a key it has never seen: the unknown-kid path.
/// </summary>
public sealed class ImmediateRotationFixture : LatchkeyFixture
{
    protected override void Configure(TestServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Settings["Latchkey:Keys:JwksCacheMaxAge"] = "00:00:00";
        options.Settings["Latchkey:Keys:PublishAhead"] = "00:00:00";
    }
}
