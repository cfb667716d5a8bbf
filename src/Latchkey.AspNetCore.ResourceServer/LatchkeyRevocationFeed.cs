using System.Net.Http.Headers;
using System.Text;
using Latchkey.Revocation;
using Latchkey.Tokens;
using Microsoft.Extensions.Logging;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>
/// Keeps a <see cref="RevocationList"/> fed from Latchkey's server-sent-events revocation stream. Each
/// connection starts with a snapshot of every live revocation, so a reconnect (after a drop or a Latchkey
/// restart) catches up on anything missed. Checking a token against the list does no I/O.
/// </summary>
public sealed class LatchkeyRevocationFeed : IAccessTokenRevocationCheck, IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly RevocationList _list = new();
    private readonly Uri _address;
    private readonly AuthenticationHeaderValue _credentials;
    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;

    /// <summary>Creates the feed for the server named by <see cref="LatchkeyBearerOptions.Authority"/>; it connects on <see cref="Start"/>.</summary>
    public LatchkeyRevocationFeed(LatchkeyBearerOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger<LatchkeyRevocationFeed> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Authority);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RevocationClientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RevocationClientSecret);
        _address = new Uri(LatchkeyEndpoints.NormalizeIssuer(options.Authority) + "/oauth/revocations", UriKind.Absolute);
        var pair = Uri.EscapeDataString(options.RevocationClientId) + ":" + Uri.EscapeDataString(options.RevocationClientSecret);
        _credentials = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        _httpClients = httpClientFactory;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Completes once the first snapshot has arrived.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Starts the subscription loop (once).</summary>
    public void Start() => _loop ??= Task.Run(() => RunAsync(_stopping.Token));

    /// <inheritdoc />
    public bool IsRevoked(AccessToken token) => _list.IsRevoked(token);

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                using var client = _httpClients.CreateClient(LatchkeyBearerDefaults.HttpClientName);
                client.Timeout = Timeout.InfiniteTimeSpan;
                using var request = new HttpRequestMessage(HttpMethod.Get, _address);
                request.Headers.Authorization = _credentials;
                request.Headers.Accept.ParseAdd("text/event-stream");
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stopping).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync(stopping).ConfigureAwait(false);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                string? eventName = null;
                while (await reader.ReadLineAsync(stopping).ConfigureAwait(false) is { } line)
                {
                    if (line.Length == 0)
                    {
                        eventName = null;
                        continue;
                    }

                    if (line.StartsWith("event:", StringComparison.Ordinal))
                    {
                        eventName = line[6..].Trim();
                        if (eventName == "ready")
                        {
                            _list.Prune(_time.GetUtcNow());
                            _ready.TrySetResult();
                            Log.RevocationFeedReady(_logger, _list.Count);
                        }
                    }
                    else if (line.StartsWith("data:", StringComparison.Ordinal) && eventName is null
                        && RevocationMessage.TryParse(line[5..].Trim(), out var entry))
                    {
                        _list.Apply(entry!);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                Log.RevocationFeedFailed(_logger, ex);
            }

            try
            {
                await Task.Delay(RetryDelay, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
