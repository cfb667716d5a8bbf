namespace Latchkey.Passwords;

/// <summary>Hashes and verifies passwords. Implementations are CPU- and memory-heavy on purpose.</summary>
public interface IPasswordHasher
{
    /// <summary>Hashes <paramref name="password"/> with a fresh salt and returns a self-describing hash string.</summary>
    string Hash(string password);

    /// <summary>Checks <paramref name="password"/> against <paramref name="hash"/>.</summary>
    PasswordVerificationResult Verify(string hash, string password);
}
