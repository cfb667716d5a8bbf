// dotnet run -c Release --project bench/Latchkey.Benchmarks -- --filter '*RepeatedTokenBenchmarks*'
using BenchmarkDotNet.Attributes;
using Latchkey.Grants;
using Latchkey.Keys;
using Latchkey.Tokens;

namespace Latchkey.Benchmarks;

/// <summary>
/// The same ES256 token validated again and again, as a client calling an API with one token does:
/// Latchkey with its validated-token cache (expiry, revocation and key still checked on each hit), Latchkey
/// without it, and <c>JsonWebTokenHandler</c>, which validates from scratch every time.
/// </summary>
[MemoryDiagnoser]
public class RepeatedTokenBenchmarks
{
    private BenchmarkTokens _tokens = null!;
    private AccessTokenValidator _cached = null!;
    private AccessTokenValidator _uncached = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _tokens = new BenchmarkTokens(SigningAlgorithms.ES256);
        _cached = _tokens.Validator(cacheSize: new TokenOptions().ValidatedTokenCacheSize);
        _uncached = _tokens.Validator(cacheSize: 0);
        await _tokens.CheckAllAcceptAsync(_cached, stock: true);
        await _tokens.CheckAllAcceptAsync(_uncached, stock: false);
    }

    [GlobalCleanup]
    public void Cleanup() => _tokens.Dispose();

    [Benchmark(Baseline = true)]
    public AccessToken? LatchkeyCached() => _cached.Validate(_tokens.Token, _tokens.Parameters).Token;

    [Benchmark]
    public AccessToken? LatchkeyUncached() => _uncached.Validate(_tokens.Token, _tokens.Parameters).Token;

    [Benchmark]
    public async Task<bool> JsonWebTokenHandler() => (await _tokens.StockHandler.ValidateTokenAsync(_tokens.Token, _tokens.StockParameters)).IsValid;
}
