using System.Collections.Concurrent;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Interop;

/// <summary>
/// One Latchkey server per signing algorithm, started on first use and shared by the interoperability
/// tests (each test still registers its own account and mints its own tokens).
/// </summary>
public sealed class InteropServers : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<LatchkeyTestServer>>> _servers = new(StringComparer.Ordinal);

    /// <summary>The server whose keys use <paramref name="algorithm"/> (<c>Latchkey:Keys:Algorithm</c>).</summary>
    public Task<LatchkeyTestServer> ForAsync(string algorithm) =>
        _servers.GetOrAdd(algorithm, a => new Lazy<Task<LatchkeyTestServer>>(() => StartAsync(a))).Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers.Values.Where(s => s.IsValueCreated))
        {
            await (await server.Value).DisposeAsync();
        }
    }

    private static Task<LatchkeyTestServer> StartAsync(string algorithm)
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Keys:Algorithm"] = algorithm;
        return LatchkeyTestServer.StartAsync(options);
    }
}

/// <summary>The interoperability tests share <see cref="InteropServers"/>.</summary>
[CollectionDefinition(Name)]
public sealed class InteropCollection : ICollectionFixture<InteropServers>
{
    public const string Name = "Interop";
}
