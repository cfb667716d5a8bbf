using System.Collections.Frozen;
using Latchkey.Tokens;

namespace Latchkey.Keys;

/// <summary>
/// The keys this node signs and verifies with, as an immutable snapshot swapped atomically on reload:
/// lookups on the request path take no lock and do no I/O.
/// </summary>
public sealed class SigningKeyRing : IVerificationKeyResolver
{
    private volatile Snapshot _snapshot = Snapshot.Empty;

    /// <summary>The published keys, in sequence order (pending, current and retiring ones).</summary>
    public IReadOnlyList<RingKey> Keys => _snapshot.Keys;

    /// <summary>The key that signs at <paramref name="now"/>: the newest one already active.</summary>
    /// <exception cref="InvalidOperationException">The ring has not been loaded yet.</exception>
    public RingKey GetSigningKey(DateTimeOffset now)
    {
        var keys = _snapshot.Keys;
        if (keys.Count == 0)
        {
            throw new InvalidOperationException("The signing key ring is empty; keys are loaded at start.");
        }

        for (var i = keys.Count - 1; i >= 0; i--)
        {
            if (keys[i].ActivatesAt <= now)
            {
                return keys[i];
            }
        }

        return keys[0];
    }

    /// <inheritdoc />
    public bool TryGetKey(string kid, out JwsVerificationKey? key)
    {
        if (_snapshot.ByKid.TryGetValue(kid, out var ringKey))
        {
            key = ringKey.Material;
            return true;
        }

        key = null;
        return false;
    }

    /// <summary>Replaces the ring's contents.</summary>
    public void Replace(IReadOnlyList<RingKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _snapshot = new Snapshot(keys, keys.ToFrozenDictionary(k => k.Kid, StringComparer.Ordinal));
    }

    private sealed record Snapshot(IReadOnlyList<RingKey> Keys, FrozenDictionary<string, RingKey> ByKid)
    {
        public static readonly Snapshot Empty = new([], FrozenDictionary<string, RingKey>.Empty);
    }
}

/// <summary>A loaded key with its schedule.</summary>
/// <param name="Kid">Its <c>kid</c>.</param>
/// <param name="Sequence">Its place in the rotation.</param>
/// <param name="ActivatesAt">When it starts signing.</param>
/// <param name="Material">The key pair.</param>
public sealed record RingKey(string Kid, long Sequence, DateTimeOffset ActivatesAt, SigningKeyMaterial Material);
