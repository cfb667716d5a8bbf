// dotnet run -c Release --project bench/Latchkey.Benchmarks -- --filter '*PasswordHashingBenchmarks*'
using BenchmarkDotNet.Attributes;
using Latchkey.Passwords;
using Microsoft.Extensions.Options;

namespace Latchkey.Benchmarks;

/// <summary>
/// Argon2id at the configured defaults (m=19 MiB, t=2, p=1, through libsodium): one hash and one
/// verification, the cost of a sign-up and of a login. One core does 1 / mean of these per second.
/// </summary>
[MemoryDiagnoser]
public class PasswordHashingBenchmarks
{
    private const string Password = "correct horse battery";
    private readonly Argon2idPasswordHasher _hasher = new(Options.Create(new PasswordHashingOptions()));
    private string _hash = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hash = _hasher.Hash(Password);
        if (_hasher.Verify(_hash, Password) != PasswordVerificationResult.Success)
        {
            throw new InvalidOperationException("The hash does not verify.");
        }
    }

    [Benchmark]
    public string Hash() => _hasher.Hash(Password);

    [Benchmark]
    public PasswordVerificationResult Verify() => _hasher.Verify(_hash, Password);
}
