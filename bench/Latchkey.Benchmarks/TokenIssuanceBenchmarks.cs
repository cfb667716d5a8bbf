// dotnet run -c Release --project bench/Latchkey.Benchmarks -- --filter '*TokenIssuanceBenchmarks*'
using System.Net;
using BenchmarkDotNet.Attributes;
using Latchkey.Clients;
using Latchkey.Grants;
using Latchkey.RefreshTokens;
using Latchkey.Security;
using Latchkey.Tokens;

namespace Latchkey.Benchmarks;

/// <summary>
/// The two token grants a busy service runs, through the core services on the embedded SQLite store (a
/// temporary file): a refresh-token rotation (find, spend, insert the successor, read the account, sign) and
/// a client-credentials grant (authenticate the client through the throttle, sign).
/// </summary>
[MemoryDiagnoser]
public class TokenIssuanceBenchmarks
{
    private BenchmarkServer _server = null!;
    private TokenService _tokens = null!;
    private ClientAuthenticator _clients = null!;
    private string _refreshToken = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await BenchmarkServer.StartAsync();
        _tokens = _server.Get<TokenService>();
        _clients = _server.Get<ClientAuthenticator>();
        (_refreshToken, _) = await _server.Get<RefreshTokenService>()
            .IssueAsync(_server.Account.Id, _tokens.DefaultClientId, "read", RequestOrigin.None, CancellationToken.None);
        await RefreshRotation();
        _ = ClientCredentials();
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _server.DisposeAsync();

    [Benchmark]
    public async Task<string> RefreshRotation()
    {
        var result = await _tokens.RefreshGrantAsync(_refreshToken, null, null, RequestOrigin.None, CancellationToken.None);
        _refreshToken = result.RefreshToken ?? throw new InvalidOperationException($"Refresh failed: {result.Error} {result.ErrorDescription}");
        return _refreshToken;
    }

    [Benchmark]
    public async Task<string> ClientCredentials()
    {
        var client = (await _clients.AuthenticateAsync(BenchmarkServer.ClientId, BenchmarkServer.ClientSecret, IPAddress.Loopback, CancellationToken.None)).Client
            ?? throw new InvalidOperationException("The client does not authenticate.");
        var result = _tokens.ClientCredentialsGrant(client, null);
        return result.AccessToken?.Token ?? throw new InvalidOperationException($"Client credentials failed: {result.Error}");
    }
}
