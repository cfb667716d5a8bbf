using System.Collections.Concurrent;
using Latchkey.Tokens;
using Microsoft.Extensions.Logging;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>
/// One <see cref="LatchkeyBearerState"/> per scheme, made on first use and kept for the application's
/// life, so that every request of a scheme shares its keys. Handlers are transient; this is a singleton.
/// </summary>
internal sealed class LatchkeyBearerStates(IHttpClientFactory httpClients, TimeProvider time, ILoggerFactory loggers) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<LatchkeyBearerState>> _states = new(StringComparer.Ordinal);

    public LatchkeyBearerState Get(string scheme, LatchkeyBearerOptions options) =>
        _states.GetOrAdd(scheme, static (_, arg) => new Lazy<LatchkeyBearerState>(() => arg.Self.Create(arg.Options)), (Self: this, Options: options)).Value;

    public void Dispose()
    {
        foreach (var state in _states.Values)
        {
            if (state.IsValueCreated)
            {
                state.Value.Keys.Dispose();
            }
        }
    }

    private LatchkeyBearerState Create(LatchkeyBearerOptions options)
    {
        var clock = options.TimeProvider ?? time;
        var keys = new LatchkeyKeyCache(options, httpClients, clock, loggers.CreateLogger<LatchkeyKeyCache>());

        // A resource server does not see Latchkey's revocations: a revoked token is refused here once it expires.
        var validator = new AccessTokenValidator(keys, revocation: null, clock);
        var parameters = new AccessTokenValidationParameters(
            keys.Issuer, options.Audience ?? keys.Issuer, options.ClockSkew, options.MaxTokenLength);
        return new LatchkeyBearerState(keys, validator, parameters);
    }
}
