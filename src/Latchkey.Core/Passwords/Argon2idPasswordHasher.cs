using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Latchkey.Accounts;
using Microsoft.Extensions.Options;
using NSec.Cryptography;

namespace Latchkey.Passwords;

/// <summary>
/// Argon2id (RFC 9106) through libsodium, stored in the PHC string format
/// <c>$argon2id$v=19$m=19456,t=2,p=1$&lt;salt&gt;$&lt;hash&gt;</c> with unpadded standard base64.
/// </summary>
public sealed class Argon2idPasswordHasher : IPasswordHasher
{
    private const int SaltSize = 16;
    private const int HashSize = 32;
    private const int Version = 19;
    private const string Prefix = "$argon2id$";

    private readonly PasswordHashingOptions _options;

    /// <summary>Creates a hasher with the configured parameters.</summary>
    public Argon2idPasswordHasher(IOptions<PasswordHashingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    /// <inheritdoc />
    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        Span<byte> salt = stackalloc byte[SaltSize];
        RandomNumberGenerator.Fill(salt);
        var parameters = new HashParameters(_options.MemorySizeKiB, _options.Iterations, _options.Parallelism);
        var hash = Derive(password, salt, parameters, HashSize);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}v={Version}$m={parameters.MemoryKiB},t={parameters.Iterations},p={parameters.Parallelism}${Encode(salt)}${Encode(hash)}");
    }

    /// <inheritdoc />
    public PasswordVerificationResult Verify(string hash, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(hash, out var parameters, out var salt, out var expected))
        {
            return PasswordVerificationResult.Failed;
        }

        var actual = Derive(password, salt, parameters, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordVerificationResult.Failed;
        }

        return parameters.MemoryKiB < _options.MemorySizeKiB || parameters.Iterations < _options.Iterations
            ? PasswordVerificationResult.SuccessRehashNeeded
            : PasswordVerificationResult.Success;
    }

    private static byte[] Derive(string password, ReadOnlySpan<byte> salt, HashParameters parameters, int length)
    {
        // NFKC first, so that the same typed characters always give the same bytes.
        var normalized = PasswordPolicy.TryNormalize(password, out var n) ? n : password;
        var bytes = Encoding.UTF8.GetBytes(normalized);
        try
        {
            var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
            {
                DegreeOfParallelism = parameters.Parallelism,
                MemorySize = parameters.MemoryKiB,
                NumberOfPasses = parameters.Iterations,
            });
            return algorithm.DeriveBytes(bytes, salt, length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static bool TryParse(string? phc, out HashParameters parameters, out byte[] salt, out byte[] hash)
    {
        parameters = default;
        salt = [];
        hash = [];
        if (phc is null || !phc.StartsWith(Prefix, StringComparison.Ordinal) || phc.Length > 512)
        {
            return false;
        }

        // $argon2id$v=19$m=..,t=..,p=..$salt$hash
        var parts = phc.Split('$');
        if (parts.Length != 6 || parts[2] != "v=19")
        {
            return false;
        }

        int m = 0, t = 0, p = 0;
        foreach (var pair in parts[3].Split(','))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length != 2 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            switch (kv[0])
            {
                case "m": m = value; break;
                case "t": t = value; break;
                case "p": p = value; break;
                default: return false;
            }
        }

        // Refuse parameters libsodium cannot run or that would make verification a denial of service.
        if (m < 8 || m > 4 * 1024 * 1024 || t < 1 || t > 64 || p != 1)
        {
            return false;
        }

        if (!TryDecode(parts[4], out salt) || salt.Length != SaltSize || !TryDecode(parts[5], out hash) || hash.Length is < 16 or > 64)
        {
            return false;
        }

        parameters = new HashParameters(m, t, p);
        return true;
    }

    private static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static bool TryDecode(string text, out byte[] bytes)
    {
        var padded = (text.Length % 4) switch
        {
            2 => text + "==",
            3 => text + "=",
            _ => text,
        };
        bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(padded.Length)];
        if (!Convert.TryFromBase64String(padded, bytes, out var written))
        {
            return false;
        }

        bytes = bytes[..written];
        return true;
    }

    private readonly record struct HashParameters(int MemoryKiB, int Iterations, int Parallelism);
}
