using System.Collections.Concurrent;
using Latchkey.Tokens;
using Microsoft.Extensions.Logging;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>
/// One <see cref="JwksTokenValidation"/> per scheme, made on first use and kept for the application's
/// life, so that every request of a scheme shares its keys. Handlers are transient; this is a singleton.
/// </summary>
internal sealed class LatchkeyBearerStates(IHttpClientFactory httpClients, TimeProvider time, ILoggerFactory loggers) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<JwksTokenValidation>> _states = new(StringComparer.Ordinal);

    public JwksTokenValidation Get(string scheme, LatchkeyBearerOptions options) =>
        _states.GetOrAdd(scheme, static (_, arg) => new Lazy<JwksTokenValidation>(() => arg.Self.Create(arg.Options)), (Self: this, Options: options)).Value;

    public void Dispose()
    {
        foreach (var state in _states.Values)
        {
            if (state.IsValueCreated)
            {
                state.Value.Keys.Dispose();
                state.Value.Revocations?.Dispose();
            }
        }
    }

    private JwksTokenValidation Create(LatchkeyBearerOptions options)
    {
        var clock = options.TimeProvider ?? time;
        var keys = new LatchkeyKeyCache(options, httpClients, clock, loggers.CreateLogger<LatchkeyKeyCache>());

        // With a feed client configured, revocations reach this server too; without one, a revoked token
        // is refused here only once it expires.
        LatchkeyRevocationFeed? feed = null;
        if (options.RevocationClientId is not null && options.RevocationClientSecret is not null)
        {
            feed = new LatchkeyRevocationFeed(options, httpClients, clock, loggers.CreateLogger<LatchkeyRevocationFeed>());
            feed.Start();
        }

        var validator = new AccessTokenValidator(keys, feed, clock, options.ValidatedTokenCacheSize);
        var parameters = new AccessTokenValidationParameters(
            keys.Issuer, options.Audience ?? keys.Issuer, options.ClockSkew, options.MaxTokenLength);
        return new JwksTokenValidation(keys, validator, parameters, feed, options.HttpTimeout, clock);
    }
}
