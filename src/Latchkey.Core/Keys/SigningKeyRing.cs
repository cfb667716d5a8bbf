using System.Collections.Frozen;
using Latchkey.Tokens;

namespace Latchkey.Keys;

/// <summary>
/// The keys this node signs and verifies with, as an immutable snapshot swapped atomically on reload:
/// lookups on the request path take no lock and do no I/O.
/// </summary>
public sealed class SigningKeyRing : IVerificationKeyResolver
{
    /// <summary>How many sequences each chain of keys has: the main chain has 1 to this, the next chain the band after, and so on.</summary>
    public const long ChainSize = 1_000_000_000_000;

    private volatile Snapshot _snapshot = Snapshot.Empty;

    /// <summary>The published keys, in sequence order (pending, current and retiring ones).</summary>
    public IReadOnlyList<RingKey> Keys => _snapshot.Keys;

    /// <summary>The band of sequences of the ID-token chain for <paramref name="algorithm"/> (never 0, the main chain's).</summary>
    public static long BandOf(string algorithm)
    {
        for (var i = 0; i < SigningAlgorithms.All.Count; i++)
        {
            if (SigningAlgorithms.All[i] == algorithm)
            {
                return i + 1;
            }
        }

        throw new ArgumentException($"Unsupported signing algorithm '{algorithm}'.", nameof(algorithm));
    }

    /// <summary>The key of the main chain that signs access tokens at <paramref name="now"/>: the newest one already active.</summary>
    /// <exception cref="InvalidOperationException">The ring has not been loaded yet.</exception>
    public RingKey GetSigningKey(DateTimeOffset now) =>
        Current(_snapshot.Keys, 0, now) ?? throw new InvalidOperationException("The signing key ring is empty; keys are loaded at start.");

    /// <summary>
    /// The key that signs ID tokens with <paramref name="algorithm"/> at <paramref name="now"/>: the main chain's when it
    /// has that algorithm, else that algorithm's own chain; <see langword="null"/> when no key of the algorithm is loaded.
    /// </summary>
    public RingKey? GetSigningKey(DateTimeOffset now, string algorithm)
    {
        var keys = _snapshot.Keys;
        if (Current(keys, 0, now) is { } main && main.Material.Algorithm == algorithm)
        {
            return main;
        }

        return SigningAlgorithms.IsSupported(algorithm) && Current(keys, BandOf(algorithm), now) is { } own && own.Material.Algorithm == algorithm ? own : null;
    }

    private static RingKey? Current(IReadOnlyList<RingKey> keys, long band, DateTimeOffset now)
    {
        RingKey? first = null;
        for (var i = keys.Count - 1; i >= 0; i--)
        {
            if (keys[i].Sequence / ChainSize != band)
            {
                continue;
            }

            first = keys[i];
            if (keys[i].ActivatesAt <= now)
            {
                return keys[i];
            }
        }

        return first;
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
