// dotnet run -c Release --project bench/Latchkey.Benchmarks -- --filter '*TokenValidationBenchmarks*'
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using Latchkey.Keys;
using Latchkey.Tokens;

namespace Latchkey.Benchmarks;

/// <summary>
/// One access token checked three ways per algorithm: the bare signature primitive (the baseline, so that
/// the ratio column is Latchkey's overhead over the floor), Latchkey's validator without its cache, and
/// <c>JsonWebTokenHandler</c> with the same key and rules (issuer, audience, lifetime, <c>typ</c> at+jwt,
/// algorithm pinned). JsonWebTokenHandler has no EdDSA support, so that cell is left out.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(NoStockEdDsa))]
public class TokenValidationBenchmarks
{
    private BenchmarkTokens _tokens = null!;
    private AccessTokenValidator _validator = null!;

    [Params(SigningAlgorithms.ES256, SigningAlgorithms.EdDSA, SigningAlgorithms.RS256, SigningAlgorithms.PS256)]
    public string Algorithm { get; set; } = SigningAlgorithms.ES256;

    [GlobalSetup]
    public async Task Setup()
    {
        _tokens = new BenchmarkTokens(Algorithm);
        _validator = _tokens.Validator(cacheSize: 0);
        await _tokens.CheckAllAcceptAsync(_validator, stock: Algorithm != SigningAlgorithms.EdDSA);
    }

    [GlobalCleanup]
    public void Cleanup() => _tokens.Dispose();

    [Benchmark(Baseline = true)]
    public bool RawVerify() => _tokens.RawVerify();

    [Benchmark]
    public AccessToken? Latchkey() => _validator.Validate(_tokens.Token, _tokens.Parameters).Token;

    [Benchmark]
    public async Task<bool> JsonWebTokenHandler() => (await _tokens.StockHandler.ValidateTokenAsync(_tokens.Token, _tokens.StockParameters)).IsValid;

    /// <summary>Leaves out JsonWebTokenHandler × EdDSA, which IdentityModel cannot verify.</summary>
    public sealed class NoStockEdDsa : ManualConfig
    {
        public NoStockEdDsa() => AddFilter(new SimpleFilter(c =>
            c.Descriptor.WorkloadMethod.Name != nameof(JsonWebTokenHandler) || !Equals(c.Parameters["Algorithm"], SigningAlgorithms.EdDSA)));
    }
}
