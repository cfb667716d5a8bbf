using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Latchkey.Reference;

/// <summary>
/// Users in process memory with Argon2id password hashes at Latchkey's default parameters (m=19 MiB,
/// t=2, p=1, through libsodium): what a team writes by hand when the docs say "hash with Argon2id".
/// In memory, so the stock app pays no storage cost at all; Latchkey's figures include SQLite.
/// </summary>
public sealed class UserDirectory
{
    private const int SaltSize = 16;
    private const int HashSize = 32;

    private static readonly PasswordBasedKeyDerivationAlgorithm Argon2id = PasswordBasedKeyDerivationAlgorithm.Argon2id(
        new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = 19456, NumberOfPasses = 2 });

    private readonly ConcurrentDictionary<string, User> _byEmail = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds a user; false when the email is taken.</summary>
    public bool TryAdd(string email, string password, out User user)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        user = new User(Guid.NewGuid().ToString(), email, salt, Hash(password, salt));
        return _byEmail.TryAdd(email, user);
    }

    /// <summary>The user with this email and password, or null.</summary>
    public User? Verify(string email, string password)
    {
        if (!_byEmail.TryGetValue(email, out var user))
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Hash(password, user.Salt), user.PasswordHash) ? user : null;
    }

    /// <summary>The median time of one hash over <paramref name="iterations"/> runs, after one warm-up run.</summary>
    public static TimeSpan MeasureHashTime(int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        Hash("warm-up password", salt);
        var times = new TimeSpan[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            Hash("correct horse battery staple", salt);
            times[i] = Stopwatch.GetElapsedTime(start);
        }

        Array.Sort(times);
        return times[iterations / 2];
    }

    private static byte[] Hash(string password, byte[] salt) =>
        Argon2id.DeriveBytes(Encoding.UTF8.GetBytes(password), salt, HashSize);

    /// <summary>A stored user.</summary>
    public sealed record User(string Id, string Email, byte[] Salt, byte[] PasswordHash);
}
