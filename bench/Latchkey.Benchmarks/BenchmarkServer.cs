using System.Net;
using Latchkey.Accounts;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Benchmarks;

/// <summary>
/// The real server (the same composition <c>Program</c> runs) on SQLite in a temporary data directory, with
/// one service client and one account, whose singletons the benchmarks call directly.
/// </summary>
public sealed class BenchmarkServer : IAsyncDisposable
{
    public const string ClientId = "bench-service";
    public const string ClientSecret = "bench-service-secret-0123456789abcdef";

    private BenchmarkServer(LatchkeyTestServer server, Account account)
    {
        Server = server;
        Account = account;
    }

    public LatchkeyTestServer Server { get; }

    /// <summary>A registered account.</summary>
    public Account Account { get; }

    public static async Task<BenchmarkServer> StartAsync()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Clients:0:ClientId"] = ClientId;
        options.Settings["Latchkey:Clients:0:ClientSecret"] = ClientSecret;
        options.Settings["Latchkey:Clients:0:Scopes"] = "read write";
        var server = await LatchkeyTestServer.StartAsync(options);
        var registered = await server.App.Services.GetRequiredService<AccountService>()
            .RegisterAsync(TestData.NewEmail(), TestData.Password, IPAddress.Loopback, CancellationToken.None);
        return new BenchmarkServer(server, registered.Account ?? throw new InvalidOperationException($"Registration failed: {registered.Status}."));
    }

    public T Get<T>()
        where T : notnull => Server.App.Services.GetRequiredService<T>();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
