using Latchkey.Passwords;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.Tests;

public sealed class Argon2idPasswordHasherTests
{
    private static Argon2idPasswordHasher Hasher(int memoryKiB = 1024, int iterations = 1) =>
        new(Options.Create(new PasswordHashingOptions { MemorySizeKiB = memoryKiB, Iterations = iterations }));

    [Fact]
    public void Hash_WithDefaults_IsPhcStringWithOwaspParameters()
    {
        var hasher = new Argon2idPasswordHasher(Options.Create(new PasswordHashingOptions()));

        var hash = hasher.Hash("correct horse battery");

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash);
        var parts = hash.Split('$');
        Assert.Equal(6, parts.Length);
        Assert.Equal(22, parts[4].Length); // 16-byte salt, unpadded base64
        Assert.Equal(43, parts[5].Length); // 32-byte hash, unpadded base64
        Assert.Equal(PasswordVerificationResult.Success, hasher.Verify(hash, "correct horse battery"));
    }

    [Fact]
    public void Hash_SamePasswordTwice_UsesFreshSalt()
    {
        var hasher = Hasher();
        Assert.NotEqual(hasher.Hash("password-one"), hasher.Hash("password-one"));
    }

    [Fact]
    public void Verify_WrongPassword_Fails()
    {
        var hasher = Hasher();
        var hash = hasher.Hash("password-one");
        Assert.Equal(PasswordVerificationResult.Failed, hasher.Verify(hash, "password-two"));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.Verify(hash, "Password-one"));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.Verify(hash, string.Empty));
    }

    [Fact]
    public void Verify_HashWithWeakerParameters_AsksForRehash()
    {
        var weak = Hasher(memoryKiB: 1024, iterations: 1).Hash("password-one");
        var stronger = Hasher(memoryKiB: 2048, iterations: 2);

        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, stronger.Verify(weak, "password-one"));
        Assert.Equal(PasswordVerificationResult.Failed, stronger.Verify(weak, "password-two"));
        Assert.Equal(PasswordVerificationResult.Success, stronger.Verify(stronger.Hash("password-one"), "password-one"));
    }

    [Fact]
    public void Verify_HashWithStrongerParameters_DoesNotAskForRehash()
    {
        var strong = Hasher(memoryKiB: 2048, iterations: 2).Hash("password-one");
        Assert.Equal(PasswordVerificationResult.Success, Hasher().Verify(strong, "password-one"));
    }

    [Fact]
    public void Verify_CompatibleSpellingsOfOnePassword_MatchAfterNfkc()
    {
        var hasher = Hasher();
        // U+FB01 (the "fi" ligature) and U+2126 (Ohm sign) fold under NFKC.
        var hash = hasher.Hash("\uFB01nancial \u2126mega");
        Assert.Equal(PasswordVerificationResult.Success, hasher.Verify(hash, "financial \u03A9mega"));
    }

    public static TheoryData<string> MalformedHashes => new()
    {
        string.Empty,
        "plaintext",
        "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$argon2id$v=16$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$argon2id$v=19$m=1024,t=1,p=4$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$argon2id$v=19$m=1024,t=1,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$argon2id$v=19$m=1024,t=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$argon2id$v=19$m=1024,t=1,p=1,x=2$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
    };

    [Theory]
    [MemberData(nameof(MalformedHashes))]
    public void Verify_MalformedOrUnsupportedHash_FailsWithoutThrowing(string hash) =>
        Assert.Equal(PasswordVerificationResult.Failed, Hasher().Verify(hash, "password-one"));

    [Fact]
    public void Verify_TamperedHash_Fails()
    {
        var hasher = Hasher();
        var hash = hasher.Hash("password-one");

        // Change a character in the middle of the hash: the last one also carries padding bits, which
        // a decoder may ignore, so changing it does not always change the hash.
        var i = hash.Length - 10;
        var tampered = hash[..i] + (hash[i] == 'A' ? 'B' : 'A') + hash[(i + 1)..];
        Assert.Equal(PasswordVerificationResult.Failed, hasher.Verify(tampered, "password-one"));
    }
}
