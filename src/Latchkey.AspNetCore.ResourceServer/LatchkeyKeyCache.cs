using System.Collections.Frozen;
using System.Text.Json;
using Latchkey.Keys;
using Latchkey.Tokens;
using Microsoft.Extensions.Logging;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>
/// The signing keys of one Latchkey server, read from its discovery document and JWKS and kept as an
/// immutable snapshot: <see cref="TryGetKey"/> takes no lock and does no I/O. The keys are fetched again in
/// the background once they are older than <see cref="LatchkeyBearerOptions.MetadataMaxAge"/>, and on demand
/// (<see cref="RefreshAsync"/>) when a token names an unknown key, at most once per
/// <see cref="LatchkeyBearerOptions.RefreshCooldown"/>. Concurrent callers share one fetch, and a failed
/// fetch keeps the last known keys.
/// </summary>
public sealed class LatchkeyKeyCache : IVerificationKeyResolver, IDisposable
{
    private const int MaxDocumentDepth = 16;

    private readonly string _authority;
    private readonly Uri _metadataAddress;
    private readonly TimeSpan _cooldown;
    private readonly TimeSpan _maxAge;
    private readonly TimeSpan _httpTimeout;
    private readonly bool _requireHttps;
    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private volatile KeySet _keys = KeySet.Empty;
    private Task<bool>? _fetch;
    private DateTimeOffset? _lastAttempt;
    private bool _disposed;

    /// <summary>Creates a cache for the server named by <see cref="LatchkeyBearerOptions.Authority"/>; nothing is fetched yet.</summary>
    /// <param name="options">Validated options; the values are copied.</param>
    /// <param name="httpClientFactory">Supplies the <see cref="LatchkeyBearerDefaults.HttpClientName"/> client.</param>
    /// <param name="timeProvider">The clock for the cooldown, the maximum age and the HTTP timeout.</param>
    /// <param name="logger">The logger.</param>
    public LatchkeyKeyCache(LatchkeyBearerOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger<LatchkeyKeyCache> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Authority);
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        _authority = LatchkeyEndpoints.NormalizeIssuer(options.Authority);
        _metadataAddress = new Uri(_authority + LatchkeyEndpoints.MetadataPath, UriKind.Absolute);
        _cooldown = options.RefreshCooldown;
        _maxAge = options.MetadataMaxAge;
        _httpTimeout = options.HttpTimeout;
        _requireHttps = options.RequireHttpsMetadata;
        _httpClients = httpClientFactory;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>The issuer the keys belong to: the authority without a trailing slash.</summary>
    public string Issuer => _authority;

    /// <summary>The ids of the keys in use.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.ByKid.Keys;

    /// <summary>When the keys in use were fetched, or <see langword="null"/> before the first successful fetch.</summary>
    public DateTimeOffset? FetchedAt => _keys.FetchedAt;

    /// <inheritdoc />
    public bool TryGetKey(string kid, out JwsVerificationKey? key) => _keys.ByKid.TryGetValue(kid, out key);

    /// <summary>
    /// Fetches the keys now, unless a fetch already runs (then it is awaited) or the last one started less
    /// than <see cref="LatchkeyBearerOptions.RefreshCooldown"/> ago (then nothing happens).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the shared fetch itself goes on for the other callers.</param>
    /// <returns><see langword="true"/> when a fetch ran and replaced the keys.</returns>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var fetch = StartFetch(onlyWhenStale: false);
        if (fetch is null)
        {
            Log.RefreshDeferred(_logger, _authority, _cooldown);
            return false;
        }

        return await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a background fetch when the keys are older than <see cref="LatchkeyBearerOptions.MetadataMaxAge"/>
    /// (or were never fetched) and the cooldown allows it; returns at once, and the current keys stay in use meanwhile.
    /// </summary>
    public void RefreshIfStale()
    {
        // Runs on every request: the common case (fresh keys) takes no lock.
        if (_keys.FetchedAt is { } fetchedAt && _time.GetUtcNow() - fetchedAt < _maxAge)
        {
            return;
        }

        StartFetch(onlyWhenStale: true);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // Not disposed: a fetch that is still finishing may read its token.
        _stopping.Cancel();
    }

    private Task<bool>? StartFetch(bool onlyWhenStale)
    {
        lock (_gate)
        {
            if (_fetch is { IsCompleted: false } running)
            {
                return running;
            }

            var now = _time.GetUtcNow();
            if (_disposed
                || (onlyWhenStale && _keys.FetchedAt is { } fetchedAt && now - fetchedAt < _maxAge)
                || (_lastAttempt is { } last && now - last < _cooldown))
            {
                return null;
            }

            _lastAttempt = now;
            var stopping = _stopping.Token;

            // Off the caller's thread: a request must not run the fetch's synchronous part, nor hold the lock for it.
            return _fetch = Task.Run(() => FetchAsync(stopping), CancellationToken.None);
        }
    }

    // Never throws: every failure is logged and leaves the last known keys in place.
    private async Task<bool> FetchAsync(CancellationToken stopping)
    {
        try
        {
            var client = _httpClients.CreateClient(LatchkeyBearerDefaults.HttpClientName);
            Uri? jwksUri;
            using (var metadata = await GetJsonAsync(client, _metadataAddress, stopping).ConfigureAwait(false))
            {
                jwksUri = ReadJwksUri(metadata.RootElement);
            }

            if (jwksUri is null)
            {
                return false;
            }

            FrozenDictionary<string, JwsVerificationKey> keys;
            using (var jwks = await GetJsonAsync(client, jwksUri, stopping).ConfigureAwait(false))
            {
                keys = ReadKeys(jwks.RootElement, jwksUri);
            }

            var previous = _keys;
            if (keys.Count == 0)
            {
                Log.NoUsableKeys(_logger, jwksUri, previous.ByKid.Count);
                return false;
            }

            _keys = new KeySet(keys, _time.GetUtcNow());
            if (previous.ByKid.Count == keys.Count && keys.Keys.All(previous.ByKid.ContainsKey))
            {
                Log.KeysUnchanged(_logger, _authority, keys.Count);
            }
            else
            {
                Log.KeysLoaded(_logger, keys.Count, _authority, jwksUri);
            }

            // Keys of an older snapshot are left to the garbage collector: a request may still be verifying with one.
            return true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }
#pragma warning disable CA1031 // A fetch that fails in any way must keep the last known keys and never fail a request with 500.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.KeyFetchFailed(_logger, _authority, _keys.ByKid.Count, ex);
            return false;
        }
    }

    private async Task<JsonDocument> GetJsonAsync(HttpClient client, Uri address, CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(_httpTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        request.Headers.Accept.ParseAdd("application/json");

        // The whole body is buffered (bounded by the client's MaxResponseContentBufferSize) before it is parsed.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
        return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDocumentDepth });
    }

    // RFC 8414 §3.3: the issuer in the document must be the one the document was looked up for.
    private Uri? ReadJwksUri(JsonElement metadata)
    {
        var issuer = GetString(metadata, "issuer");
        if (issuer is null || !string.Equals(LatchkeyEndpoints.NormalizeIssuer(issuer), _authority, StringComparison.Ordinal))
        {
            Log.IssuerMismatch(_logger, _metadataAddress, issuer, _authority);
            return null;
        }

        if (GetString(metadata, "jwks_uri") is not { } text
            || !Uri.TryCreate(text, UriKind.Absolute, out var jwksUri)
            || !LatchkeyEndpoints.IsAllowed(jwksUri, _requireHttps))
        {
            Log.InvalidJwksUri(_logger, _metadataAddress);
            return null;
        }

        return jwksUri;
    }

    private FrozenDictionary<string, JwsVerificationKey> ReadKeys(JsonElement jwks, Uri jwksUri)
    {
        if (jwks.ValueKind != JsonValueKind.Object || !jwks.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("The JWKS is not an object with a keys array.");
        }

        var keys = new Dictionary<string, JwsVerificationKey>(StringComparer.Ordinal);
        var ignored = 0;
        foreach (var jwk in array.EnumerateArray())
        {
            // A repeated kid is ambiguous: the first entry wins and the others are ignored.
            if (GetString(jwk, "kid") is not { Length: > 0 } kid || keys.ContainsKey(kid) || !JwsVerificationKey.TryFromJwk(jwk, out var key) || key is null)
            {
                ignored++;
                continue;
            }

            keys.Add(kid, key);
        }

        if (ignored > 0)
        {
            Log.KeysIgnored(_logger, ignored, jwksUri);
        }

        return keys.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string? GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private sealed record KeySet(FrozenDictionary<string, JwsVerificationKey> ByKid, DateTimeOffset? FetchedAt)
    {
        public static readonly KeySet Empty = new(FrozenDictionary<string, JwsVerificationKey>.Empty, null);
    }
}
