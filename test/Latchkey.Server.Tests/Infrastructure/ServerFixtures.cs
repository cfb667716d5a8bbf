using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>One real server shared by the tests of a class (through <c>IClassFixture</c>).</summary>
public class ServerFixture : IAsyncLifetime
{
    /// <summary>The running server.</summary>
    public LatchkeyTestServer Server { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var options = new TestServerOptions();
        Configure(options);
        Server = await LatchkeyTestServer.StartAsync(options);
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Adjusts how the shared server starts.</summary>
    protected virtual void Configure(TestServerOptions options)
    {
    }
}

/// <summary>A shared server whose clock only moves when a test advances it.</summary>
public class FakeClockServerFixture : ServerFixture
{
    /// <summary>Where the fake clock starts: a whole second, so that millisecond truncation changes nothing.</summary>
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The server's clock.</summary>
    public FakeTimeProvider Time { get; } = new(Start);

    /// <inheritdoc />
    protected override void Configure(TestServerOptions options) => options.Time = Time;
}
