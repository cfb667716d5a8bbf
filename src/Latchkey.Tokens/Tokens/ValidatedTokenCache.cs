using Latchkey.Keys;

namespace Latchkey.Tokens;

/// <summary>
/// A fixed number of slots remembering tokens that passed full validation, so that a token presented
/// again skips the signature check, which is nearly all of the cost. A token lands in the slot chosen by
/// a hash of its signature segment and replaces whatever was there: the size never grows past the slot
/// count, insertion takes no lock, and a lookup is one volatile read and allocates nothing.
/// </summary>
/// <remarks>
/// The key is the exact token text, compared ordinally in full, so a token that differs in any character
/// (a forged one with the same header and payload included) never matches. Keeping the text rather than a
/// digest of it costs no hashing on a hit; the text is what the caller just sent. The comparison need not
/// be constant-time: it tells the caller at most whether the string it sent itself is one this node has
/// already validated, and it is reached only when the per-process randomized hash code of the caller's
/// string equals the stored one, which a caller cannot steer character by character.
/// </remarks>
internal sealed class ValidatedTokenCache
{
    // Enough of the signature to tell tokens apart: every signature in use is at least 43 characters.
    private const int HashedSuffix = 64;

    private readonly Entry?[] _slots;

    public ValidatedTokenCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _slots = new Entry?[capacity];
    }

    /// <summary>How many slots hold a token (a scan; for diagnostics and tests).</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var entry in _slots)
            {
                count += entry is null ? 0 : 1;
            }

            return count;
        }
    }

    public Entry? Find(string token)
    {
        var hash = Hash(token);
        var entry = Volatile.Read(ref _slots[Slot(hash)]);
        return entry is not null && entry.Hash == hash && string.Equals(entry.Text, token, StringComparison.Ordinal) ? entry : null;
    }

    public void Add(string token, AccessToken result, string kid, JwsVerificationKey key, AccessTokenValidationParameters parameters)
    {
        var hash = Hash(token);
        Volatile.Write(ref _slots[Slot(hash)], new Entry(token, hash, result, kid, key, parameters));
    }

    /// <summary>Empties the entry's slot unless another token has taken it meanwhile.</summary>
    public void Remove(Entry entry) => Interlocked.CompareExchange(ref _slots[Slot(entry.Hash)], null, entry);

    private static int Hash(string token) => string.GetHashCode(token.AsSpan(Math.Max(0, token.Length - HashedSuffix)));

    private int Slot(int hash) => (int)((uint)hash % (uint)_slots.Length);

    /// <summary>A validated token with what its validity depended on: the key that verified it and the rules applied.</summary>
    internal sealed record Entry(string Text, int Hash, AccessToken Token, string Kid, JwsVerificationKey Key, AccessTokenValidationParameters Parameters);
}
