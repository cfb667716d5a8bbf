using System.Text;
using Latchkey.Fuzzing;
using Latchkey.Fuzzing.Targets;
using Latchkey.Keys;
using Latchkey.Tokens;

namespace Latchkey.Fuzzing.Tests;

/// <summary>
/// Keeps the fuzz harness from rotting between fuzzing runs: every committed seed and every saved
/// regression input goes through its target, in-process, as <c>fuzz/run replay</c> does, and the seeds
/// still mean what their names say (a valid token validates, a signed pair reaches the claim checks).
/// </summary>
public sealed class FuzzCorpusReplayTests
{
    public static TheoryData<string> Targets => new(FuzzTargets.Names);

    [Theory]
    [MemberData(nameof(Targets))]
    public void Replay_CorpusAndRegressions_EveryInputHasADocumentedOutcome(string name)
    {
        var target = FuzzTargets.Create(name);
        var paths = new[] { Path.Combine(FuzzFolder, "corpus", name), Path.Combine(FuzzFolder, "regressions", name) };
        var output = new StringWriter();

        var failures = CorpusReplay.Run(target, paths, output);

        Assert.True(failures == 0, output.ToString());
        Assert.NotEmpty(CorpusReplay.Files([paths[0]]));
    }

    [Theory]
    [InlineData(SigningAlgorithms.ES256)]
    [InlineData(SigningAlgorithms.EdDSA)]
    [InlineData(SigningAlgorithms.RS256)]
    [InlineData(SigningAlgorithms.PS256)]
    public void Seeds_ValidTokenOfEachAlgorithm_Validates(string algorithm)
    {
        var token = File.ReadAllText(Path.Combine(FuzzFolder, "corpus", "jwt", $"valid-{algorithm.ToLowerInvariant()}.jwt"));

        var result = Validate(token);

        Assert.Equal(TokenValidationError.None, result.Error);
    }

    [Theory]
    [InlineData("header-crit.txt", TokenValidationError.ForbiddenHeader)]
    [InlineData("header-typ-jwt.txt", TokenValidationError.WrongType)]
    [InlineData("header-alg-mismatch.txt", TokenValidationError.AlgorithmMismatch)]
    [InlineData("payload-revoked.txt", TokenValidationError.Revoked)]
    [InlineData("payload-expired.txt", TokenValidationError.Expired)]
    [InlineData("payload-aud-array.txt", TokenValidationError.None)]
    public void Seeds_SignedPair_ReachesTheCheckItNames(string file, TokenValidationError expected)
    {
        var bytes = File.ReadAllBytes(Path.Combine(FuzzFolder, "corpus", "jwt", file));
        var newline = Array.IndexOf(bytes, (byte)'\n');

        var result = Validate(JwtTarget.Sign(bytes.AsSpan(0, newline), bytes.AsSpan(newline + 1)));

        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void Seeds_Generated_AreTheCommittedOnes()
    {
        // ES256 signatures are randomized: compare everything but signed compact tokens byte for byte.
        foreach (var (file, content) in SeedCorpus.Seeds().Where(s => !s.Name.EndsWith(".jwt", StringComparison.Ordinal)))
        {
            Assert.Equal(content, File.ReadAllText(Path.Combine(FuzzFolder, "corpus", "jwt", file), Encoding.UTF8));
        }
    }

    private static AccessTokenValidationResult Validate(string token) => new JwtTarget().Validate(token);

    private static string FuzzFolder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Latchkey.slnx")))
                {
                    return Path.Combine(dir.FullName, "fuzz");
                }
            }

            throw new InvalidOperationException("The repository root (Latchkey.slnx) was not found above the test binaries.");
        }
    }
}
