using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Latchkey.Security;

/// <summary>
/// The server's root secret, from which purpose-bound keys are derived with HKDF-SHA256 (RFC 5869):
/// the key that encrypts signing keys at rest, the key that derives refresh-token successors and the
/// key that signs device tokens (<see cref="Throttling.DeviceTokens"/>).
/// Configured (<c>Latchkey:Keys:MasterSecret</c>) or generated once into the data directory.
/// </summary>
public sealed class MasterSecret
{
    /// <summary>The file name in the data directory.</summary>
    public const string FileName = "latchkey.secret";

    private readonly byte[] _secret;

    /// <summary>Wraps raw secret bytes (at least 32).</summary>
    public MasterSecret(byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < 32)
        {
            throw new ArgumentException("The master secret must have at least 32 bytes.", nameof(secret));
        }

        _secret = secret;
    }

    /// <summary>Loads the configured secret, or reads or creates the one in the data directory.</summary>
    public static MasterSecret Load(IOptions<LatchkeyOptions> latchkey, IOptions<Keys.KeyOptions> keys)
    {
        ArgumentNullException.ThrowIfNull(latchkey);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Value.MasterSecret is { Length: > 0 } configured)
        {
            return new MasterSecret(Convert.FromBase64String(configured));
        }

        var directory = Path.GetFullPath(latchkey.Value.DataDirectory);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            try
            {
                // CreateNew: two processes starting at once cannot both write a different secret.
                var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var stream = new FileStream(path, fileOptions);
                stream.Write(Encoding.ASCII.GetBytes(fresh));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process won; use its secret.
            }
        }

        return new MasterSecret(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    /// <summary>Derives a 32-byte key for <paramref name="purpose"/>.</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _secret, 32, salt: [], info: Encoding.UTF8.GetBytes("latchkey/" + purpose));
}
