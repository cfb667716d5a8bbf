using Latchkey.Diagnostics;
using Latchkey.Grants;
using Latchkey.Security;
using Latchkey.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Keys;

/// <summary>
/// Keeps the signing key ring loaded from the store and rotates it: a new key is published
/// <see cref="KeyOptions.PublishAhead"/> before it signs, and a key stays published until the last
/// token it signed has expired. Every node runs the same rules against the same store, and the unique
/// key sequence lets only one node add each new key.
/// </summary>
/// <remarks>
/// The ring holds one chain of keys per algorithm in use. The main chain (<see cref="KeyOptions.Algorithm"/>, sequences
/// below <see cref="SigningKeyRing.ChainSize"/>) signs access tokens. When a client's ID tokens need another algorithm
/// (<c>IdTokenSigningAlgorithm</c>, RS256 by default), that algorithm gets a chain of its own in its own band of
/// sequences, rotated and retired by the same rules; its keys sign ID tokens only.
/// </remarks>
public sealed class KeyRingManager : IDisposable
{
    private readonly ISigningKeyStore _store;
    private readonly SigningKeyRing _ring;
    private readonly KeyProtector _protector;
    private readonly TimeProvider _time;
    private readonly IOptions<KeyOptions> _options;
    private readonly IOptions<TokenOptions> _tokens;
    private readonly ILogger<KeyRingManager> _logger;
    private readonly SecurityAudit _audit;
    private const string MasterSecretKey = "Latchkey:Keys:MasterSecret";
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, SigningKeyMaterial> _loaded = new(StringComparer.Ordinal);
    private readonly Clients.IClientRegistry? _clients;

    /// <summary>Creates the manager.</summary>
    public KeyRingManager(
        ISigningKeyStore store, SigningKeyRing ring, KeyProtector protector, TimeProvider time,
        IOptions<KeyOptions> options, IOptions<TokenOptions> tokens, SecurityAudit audit, ILogger<KeyRingManager> logger,
        Clients.IClientRegistry? clients = null)
    {
        _clients = clients;
        _audit = audit;
        _store = store;
        _ring = ring;
        _protector = protector;
        _time = time;
        _options = options;
        _tokens = tokens;
        _logger = logger;
    }

    /// <summary>Loads the keys, adds the first or next key when due, drops expired ones, and refreshes the ring.</summary>
    /// <exception cref="LatchkeyConfigurationException">A stored key does not decrypt under this node's master secret.</exception>
    public Task RefreshAsync(CancellationToken cancellationToken) => RunAsync(rotateNow: false, cancellationToken);

    /// <summary>Schedules a new key now: it is published at once and signs after <see cref="KeyOptions.PublishAhead"/>.</summary>
    public Task RotateNowAsync(CancellationToken cancellationToken) => RunAsync(rotateNow: true, cancellationToken);

    /// <summary>The stored keys with what each does at this moment, in sequence order.</summary>
    public async Task<IReadOnlyList<SigningKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var list = new List<SigningKeyInfo>(keys.Count);
        foreach (var key in keys)
        {
            var band = key.Sequence / SigningKeyRing.ChainSize;
            var signer = InBand(keys, band).LastOrDefault(k => k.ActivatesAt <= now);
            var state = key.ActivatesAt > now ? SigningKeyState.Pending : ReferenceEquals(signer, key) ? SigningKeyState.Signing : SigningKeyState.Retiring;
            list.Add(new SigningKeyInfo(key.Kid, key.Algorithm, band == 0 ? SigningKeyUse.AccessTokens : SigningKeyUse.IdTokens, state, key.CreatedAt, key.ActivatesAt));
        }

        return list;
    }

    /// <summary>
    /// Retires a key at once, as after a compromise: it leaves the store, the JWKS and this node's ring, so that every token
    /// it signed is refused here now and on other nodes at their next refresh (<see cref="KeyOptions.RefreshInterval"/>).
    /// When it is the key that signs, a replacement is added that signs at once: waiting out <see cref="KeyOptions.PublishAhead"/>
    /// would keep the retired key signing, and a verifier meeting the new <c>kid</c> fetches the JWKS again. A key of the chain
    /// that was waiting to sign is dropped then, since the replacement, newer, would keep it from ever signing.
    /// </summary>
    /// <param name="kid">The key id.</param>
    /// <param name="actor">Who asked, for the audit trail.</param>
    /// <param name="cancellationToken">Cancels the wait for the ring and the store reads; once the store changes, the rest runs.</param>
    /// <returns>The replacement's key id when one was added; <see langword="null"/> in <c>Found</c> when no key has <paramref name="kid"/>.</returns>
    public async Task<(bool Found, string? Replacement)> RetireAsync(string kid, string actor, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var keys = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
                var key = keys.FirstOrDefault(k => k.Kid == kid);
                if (key is null)
                {
                    return (false, null);
                }

                var band = key.Sequence / SigningKeyRing.ChainSize;
                var chain = InBand(keys, band);
                var now = _time.GetUtcNow();
                StoredSigningKey? replacement = null;
                if (ReferenceEquals(chain.LastOrDefault(k => k.ActivatesAt <= now), key))
                {
                    replacement = Create(chain[^1].Sequence + 1, band == 0 ? _options.Value.Algorithm : key.Algorithm, now, now);
                    if (!await _store.TryAddAsync(replacement, CancellationToken.None).ConfigureAwait(false))
                    {
                        continue; // Another node added that sequence first: look again.
                    }

                    _audit.KeyRotated(replacement.Kid, replacement.Algorithm, replacement.Sequence, replacement.ActivatesAt);
                }

                await _store.DeleteRangeAsync(key.Sequence, key.Sequence + 1, CancellationToken.None).ConfigureAwait(false);
                if (replacement is not null)
                {
                    // A key that was waiting to sign never would now (the replacement is newer and signs already): it goes.
                    foreach (var pending in chain.Where(k => k.ActivatesAt > now))
                    {
                        await _store.DeleteRangeAsync(pending.Sequence, pending.Sequence + 1, CancellationToken.None).ConfigureAwait(false);
                    }
                }

                _audit.KeyRetired(kid, actor, replacement?.Kid);
                Load(await _store.ListAsync(CancellationToken.None).ConfigureAwait(false));
                return (true, replacement?.Kid);
            }

            throw new Storage.StoreUnavailableException("Other nodes kept adding signing keys while this one retired a key; try again.");
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task RunAsync(bool rotateNow, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var chains = Chains();
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var keys = (await _store.ListAsync(cancellationToken).ConfigureAwait(false)).ToList();
                var added = false;
                var due = false;
                foreach (var (band, algorithm) in chains)
                {
                    var next = NextKey(InBand(keys, band), band, algorithm, rotateNow);
                    if (next is null)
                    {
                        continue;
                    }

                    due = true;
                    if (await _store.TryAddAsync(next, cancellationToken).ConfigureAwait(false))
                    {
                        _audit.KeyRotated(next.Kid, next.Algorithm, next.Sequence, next.ActivatesAt);
                        added = true;
                    }
                }

                if (!due)
                {
                    foreach (var (band, _) in chains)
                    {
                        await PruneAsync(InBand(keys, band), band, cancellationToken).ConfigureAwait(false);
                    }

                    Load(await _store.ListAsync(cancellationToken).ConfigureAwait(false));
                    return;
                }

                if (added)
                {
                    rotateNow = false;
                }

                // Added, or another node added this sequence first: reload and look again.
            }

            Load(await _store.ListAsync(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _lock.Release();
        }
    }

    // The main chain in band 0, then one chain per other algorithm that a client's ID tokens need.
    private List<(long Band, string Algorithm)> Chains()
    {
        var main = _options.Value.Algorithm;
        var chains = new List<(long, string)> { (0, main) };
        if (_clients is not null)
        {
            foreach (var algorithm in _clients.All.Where(c => c.Allows("authorization_code")).Select(c => c.IdTokenSigningAlgorithm).Distinct(StringComparer.Ordinal))
            {
                if (algorithm != main && SigningAlgorithms.IsSupported(algorithm))
                {
                    chains.Add((SigningKeyRing.BandOf(algorithm), algorithm));
                }
            }
        }

        return chains;
    }

    private static List<StoredSigningKey> InBand(IReadOnlyList<StoredSigningKey> keys, long band) =>
        keys.Where(k => k.Sequence / SigningKeyRing.ChainSize == band).ToList();

    private StoredSigningKey? NextKey(List<StoredSigningKey> keys, long band, string algorithm, bool rotateNow)
    {
        var options = _options.Value;
        var now = _time.GetUtcNow();
        if (keys.Count == 0)
        {
            // First start of the chain: no token was signed with it yet, so the first key signs at once (a verifier that
            // meets it before its JWKS cache expires fetches the JWKS again for the unknown kid).
            return Create((band * SigningKeyRing.ChainSize) + 1, algorithm, now, now);
        }

        var newest = keys[^1];
        var pending = newest.ActivatesAt > now;
        if (pending)
        {
            return null;
        }

        if (rotateNow || newest.Algorithm != algorithm)
        {
            return Create(newest.Sequence + 1, algorithm, now, now + options.PublishAhead);
        }

        if (now >= newest.ActivatesAt + options.RotationInterval - options.PublishAhead)
        {
            var activates = newest.ActivatesAt + options.RotationInterval;
            if (activates < now + options.PublishAhead)
            {
                activates = now + options.PublishAhead;
            }

            return Create(newest.Sequence + 1, algorithm, now, activates);
        }

        return null;
    }

    private StoredSigningKey Create(long sequence, string algorithm, DateTimeOffset now, DateTimeOffset activatesAt)
    {
        using var material = SigningKeyMaterial.Generate(algorithm);
        var kid = RandomTokens.Create(16);
        var privateKey = material.ExportPrivateKey();
        try
        {
            return new StoredSigningKey(kid, sequence, algorithm, StoredTime.Truncate(now), StoredTime.Truncate(activatesAt), _protector.Protect(kid, privateKey));
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    // A key is dropped once its successor has signed for longer than any token the key signed can live.
    private async Task PruneAsync(List<StoredSigningKey> keys, long band, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var tokens = _tokens.Value;
        var keepFrom = keys.Count > 0 ? keys[0].Sequence : 0;
        for (var i = 0; i < keys.Count - 1; i++)
        {
            if (keys[i + 1].ActivatesAt + tokens.AccessTokenLifetime + tokens.ClockSkew < now)
            {
                keepFrom = keys[i + 1].Sequence;
            }
        }

        if (keys.Count > 0 && keepFrom > keys[0].Sequence)
        {
            var deleted = band == 0
                ? await _store.DeleteBeforeAsync(keepFrom, cancellationToken).ConfigureAwait(false)
                : await _store.DeleteRangeAsync(band * SigningKeyRing.ChainSize, keepFrom, cancellationToken).ConfigureAwait(false);
            Log.SigningKeysRetired(_logger, deleted);
        }
    }

    private void Load(IReadOnlyList<StoredSigningKey> keys)
    {
        var ring = new List<RingKey>(keys.Count);
        foreach (var key in keys)
        {
            if (!_loaded.TryGetValue(key.Kid, out var material))
            {
                var privateKey = Unprotect(key);
                try
                {
                    material = SigningKeyMaterial.Import(key.Algorithm, privateKey);
                }
                finally
                {
                    System.Security.Cryptography.CryptographicOperations.ZeroMemory(privateKey);
                }

                _loaded[key.Kid] = material;
            }

            ring.Add(new RingKey(key.Kid, key.Sequence, key.ActivatesAt, material));
        }

        _ring.Replace(ring);

        // Keys dropped from the store are no longer needed; a request that still holds one finishes with it.
        foreach (var kid in _loaded.Keys.Except(ring.Select(k => k.Kid)).ToList())
        {
            _loaded.Remove(kid);
        }
    }

    private byte[] Unprotect(StoredSigningKey key)
    {
        try
        {
            return _protector.Unprotect(key.Kid, key.EncryptedPrivateKey);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            // AES-GCM only says that the tag did not match; at start that is nearly always a node given another
            // master secret than the one that wrote the keys, which the operator can fix, so say that.
            throw new LatchkeyConfigurationException(
                MasterSecretKey,
                $"{MasterSecretKey} cannot decrypt signing key {key.Kid} in the store: the keys were written under another master secret "
                + "(or altered). Set the master secret that wrote them, the same on every node that shares the store.",
                ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _lock.Dispose();
        foreach (var material in _loaded.Values)
        {
            material.Dispose();
        }

        _loaded.Clear();
    }
}
